/**
 * `loadProviders` on worker threads. Reading and validating 10,000 provider files takes one and a half seconds of
 * CPU; on the main thread every request waits that out on each reload. On workers the event loop stays free (the
 * test measures it: a stall of some 20 ms instead of half a second for 1,500 files), and at start-up the app is
 * built meanwhile. The directory is listed here and split into consecutive runs of files, one per worker (one per
 * core, and one per `OFF_THREAD_MIN_FILES` files at most); each worker reads and checks its files one by one and
 * sends back plain data, and this thread runs the checks that span files (duplicate ids and domains) over all of
 * them and builds the catalog.
 *
 * A worker costs a few hundred milliseconds to start (a fresh isolate loading zod and both YAML parsers), more than
 * a small directory takes to load right here; below `OFF_THREAD_MIN_FILES` files the directory is loaded on this
 * thread, holding it for about a tenth of a second at most.
 */
import { availableParallelism } from 'node:os'
import { extname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Worker } from 'node:worker_threads'
import { catalogFrom, combineFileChecks, listProviderDirectory, readProviderFiles, type FileChecks, type LoadResult } from './load.ts'

/** The worker's module beside this one: `.js` once built, `.ts` when run from source. */
const WORKER_URL = new URL(`./load-worker${extname(fileURLToPath(import.meta.url))}`, import.meta.url)

/** Directories with fewer provider files than this load on the calling thread (about 0.1 s for 1,000 files). */
export const OFF_THREAD_MIN_FILES = 1000

/** Workers for a reload: every core but one. */
export const RELOAD_WORKERS = Math.max(1, availableParallelism() - 1)

/**
 * `maxWorkers`: at start-up nothing is being served yet and every core may load; a reload passes one core fewer
 * (`RELOAD_WORKERS`), which the requests being served keep.
 */
export async function loadProvidersOffThread (dir: string, minFiles = OFF_THREAD_MIN_FILES, maxWorkers = availableParallelism()): Promise<LoadResult> {
  const listing = await listProviderDirectory(dir)
  if (!listing.ok) return listing
  const { files } = listing
  if (files.length < minFiles) return catalogFrom(readProviderFiles(files))
  const workers = Math.max(1, Math.min(maxWorkers, Math.ceil(files.length / Math.max(1, minFiles))))
  const runLength = Math.ceil(files.length / workers)
  const runs = Array.from({ length: workers }, (_, i) => files.slice(i * runLength, (i + 1) * runLength))
  const started: Worker[] = []
  try {
    return catalogFrom(combineFileChecks(await Promise.all(runs.map((run) => checkOnWorker(run, started)))))
  } catch (error) {
    // One thread failed, so the load has: the others need not finish their share.
    await Promise.all(started.map((worker) => worker.terminate()))
    throw error
  }
}

function checkOnWorker (files: readonly string[], started: Worker[]): Promise<FileChecks> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER_URL, { workerData: { files } })
    started.push(worker)
    let answered = false
    worker.once('message', (checks: FileChecks) => {
      answered = true
      resolve(checks)
    })
    worker.once('error', reject)
    worker.once('exit', (code) => {
      if (!answered) reject(new Error(`a provider loading thread stopped (exit code ${code}) without an answer`))
    })
  })
}
