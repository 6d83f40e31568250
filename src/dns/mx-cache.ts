/**
 * Where MX answers are kept between lookups. The interface is small (get, and set with a lifetime) so that a
 * cache shared by several instances can stand in for the in-process one; either may answer synchronously or with
 * a promise. Only DNS answers are kept here, never finished documents (those belong to the catalog).
 */
import { LRUCache } from 'lru-cache'
import type { MxRecord } from '../catalog/mx-match.ts'

/**
 * What DNS said about a domain's MX: the records (`found`, at least one host), that the domain does not exist
 * (`nxdomain`), that it has no MX or a null MX (`no_mx`, RFC 7505), or that no answer came (`failed`, `timeout`).
 */
export type MxAnswer =
  | { readonly outcome: 'found', readonly records: readonly MxRecord[] }
  | { readonly outcome: 'nxdomain' | 'no_mx' | 'failed' | 'timeout' }

export interface MxAnswerCache {
  get (domain: string): MxAnswer | undefined | Promise<MxAnswer | undefined>
  /** Keeps an answer for `ttlMs` milliseconds at most (it may be dropped sooner to stay within a size). */
  set (domain: string, answer: MxAnswer, ttlMs: number): void | Promise<void>
}

/** The default: this process's memory, the least recently used answers dropped first beyond `max`. */
export class MemoryMxCache implements MxAnswerCache {
  readonly #answers: LRUCache<string, MxAnswer>

  constructor (max: number) {
    this.#answers = new LRUCache<string, MxAnswer>({ max })
  }

  get size (): number {
    return this.#answers.size
  }

  get (domain: string): MxAnswer | undefined {
    return this.#answers.get(domain)
  }

  set (domain: string, answer: MxAnswer, ttlMs: number): void {
    this.#answers.set(domain, answer, { ttl: ttlMs })
  }
}
