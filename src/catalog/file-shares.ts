/**
 * The files of a load, in shares that threads claim one at a time: the worker threads and, while it has nothing
 * else to do, the thread that started the load (load-off-thread.ts). One counter in shared memory hands out the
 * shares, so a thread that runs slower (a core shared with another process, code not yet optimised) simply takes
 * fewer, and no share is checked twice.
 */

/** A share of the listed files; `index` orders the results as the files were listed. */
export interface FileShare {
  index: number
  files: string[]
}

/** What another thread needs to claim from the same shares (plain data a worker is given; see `FileShares.from`). */
export interface SharedFileShares {
  readonly files: readonly string[]
  readonly shareFiles: number
  readonly next: Int32Array<SharedArrayBuffer>
}

export class FileShares implements SharedFileShares {
  readonly files: readonly string[]
  readonly shareFiles: number
  /** The index of the next share to hand out, shared by every thread (Atomics). */
  readonly next: Int32Array<SharedArrayBuffer>

  constructor (files: readonly string[], shareFiles: number, next: Int32Array<SharedArrayBuffer> = new Int32Array(new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT))) {
    this.files = files
    this.shareFiles = Math.max(1, shareFiles)
    this.next = next
  }

  /** The same shares, seen from another thread. */
  static from ({ files, shareFiles, next }: SharedFileShares): FileShares {
    return new FileShares(files, shareFiles, next)
  }

  /** What `from` needs, as plain data to hand to a worker (the counter stays shared). */
  shared (): SharedFileShares {
    return { files: this.files, shareFiles: this.shareFiles, next: this.next }
  }

  get count (): number {
    return Math.ceil(this.files.length / this.shareFiles)
  }

  /** The next share nobody has claimed, or undefined when none is left. */
  claim (): FileShare | undefined {
    const index = Atomics.add(this.next, 0, 1)
    if (index >= this.count) return undefined
    return { index, files: this.files.slice(index * this.shareFiles, (index + 1) * this.shareFiles) }
  }

  /** No share is handed out any more (the load failed; the others need not go on). */
  exhaust (): void {
    Atomics.store(this.next, 0, this.count)
  }
}
