/**
 * `loadProviders` on worker threads, through a piscina pool (https://github.com/piscinajs/piscina). Reading and
 * validating 10,000 provider files takes some three seconds of CPU; on the main thread every request would wait
 * that out on each reload, and start-up would take longer than one thread allows. The directory is listed here and
 * cut into shares of `SHARE_FILES` files, each a plain task for the pool (load-worker.ts: read and check those
 * files); this thread then runs the checks that span files (duplicate ids and domains) over all of them, in
 * listing order, and builds the catalog. A worker costs a few hundred milliseconds to start, more than a small
 * directory takes to load right here, so below `OFF_THREAD_MIN_FILES` files the directory loads on this thread.
 */
import { availableParallelism } from 'node:os'
import { extname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Piscina } from 'piscina'
import { listProviderDirectory } from './list.ts'
import { combineFileChecks, readProviderFiles, type FileChecks, type LoadResult } from './load.ts'

/** The worker's module beside this one: `.js` once built, `.ts` when run from source. */
const WORKER_URL = new URL(`./load-worker${extname(fileURLToPath(import.meta.url))}`, import.meta.url)

/** Directories with fewer provider files than this load on the calling thread (about a third of a second). */
export const OFF_THREAD_MIN_FILES = 1000

/** Files in a task: small enough that the threads finish together, large enough that handing out costs little. */
export const SHARE_FILES = 250

export interface OffThreadOptions {
  /** Below this many files the directory loads on the calling thread. Default `OFF_THREAD_MIN_FILES`. */
  minFiles?: number
  /** Default: one per core. */
  maxWorkers?: number
  /** Files in a task. Default `SHARE_FILES`. */
  shareFiles?: number
}

/** Loads a directory: a complete catalog, or every problem found, as `loadProviders` gives. */
export async function loadProvidersOffThread (dir: string, options: OffThreadOptions = {}): Promise<LoadResult> {
  const { minFiles = OFF_THREAD_MIN_FILES, maxWorkers = availableParallelism(), shareFiles = SHARE_FILES } = options
  const listing = await listProviderDirectory(dir)
  if (!listing.ok) return listing
  const { files } = listing
  if (files.length < minFiles) return readProviderFiles(files)
  const size = Math.max(1, shareFiles)
  const shares: string[][] = []
  for (let start = 0; start < files.length; start += size) shares.push(files.slice(start, start + size))
  const threads = Math.max(1, Math.min(maxWorkers, shares.length))
  const pool = new Piscina<string[], FileChecks>({ filename: WORKER_URL.href, minThreads: threads, maxThreads: threads })
  try {
    // Every task settles before the pool is destroyed: destroyed with tasks still running (Promise.all rejects at
    // the first failure), the pool receives their results after it forgot them and emits an `error` event nobody
    // listens to, which ends the process (a reload that meets an unreadable file would take the server down).
    const settled = await Promise.allSettled(shares.map((share) => pool.run(share)))
    const failed = settled.find((outcome) => outcome.status === 'rejected')
    if (failed !== undefined) throw failed.reason
    return combineFileChecks(settled.map((outcome) => (outcome as PromiseFulfilledResult<FileChecks>).value))
  } finally {
    await pool.destroy()
  }
}
