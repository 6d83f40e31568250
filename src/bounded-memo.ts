/**
 * Remembers a pure function's answers for at most `capacity` inputs. When full it starts afresh rather than
 * tracking which input is oldest: a flood of distinct inputs (a scanner's random domains) then costs one miss each
 * and bounded memory, and the inputs that keep coming back (the popular mail domains) are back after one miss.
 */
export class BoundedMemo<T> {
  readonly #answers = new Map<string, T>()
  readonly #capacity: number
  readonly #compute: (input: string) => T
  readonly #remember: ((answer: T) => boolean) | undefined

  /**
   * `remember`: which answers to keep; the others are computed again each time they are asked (an answer that is only
   * provisional, such as "not known yet"). Every answer is kept without it.
   */
  constructor (capacity: number, compute: (input: string) => T, remember?: (answer: T) => boolean) {
    if (!(capacity >= 1)) throw new RangeError(`capacity must be at least 1, not ${capacity}`)
    this.#capacity = capacity
    this.#compute = compute
    this.#remember = remember
  }

  get (input: string): T {
    // One lookup for a remembered answer other than undefined, the common case: a request's domain is a new string
    // each time, so every lookup compares it in full (with `has` first, the memos took twice their share of a
    // large catalog's GET under a CPU profile).
    const remembered = this.#answers.get(input)
    if (remembered !== undefined || this.#answers.has(input)) return remembered as T
    const answer = this.#compute(input)
    if (this.#remember !== undefined && !this.#remember(answer)) return answer
    if (this.#answers.size >= this.#capacity) this.#answers.clear()
    this.#answers.set(input, answer)
    return answer
  }

  /** Inputs remembered now. */
  get size (): number {
    return this.#answers.size
  }
}
