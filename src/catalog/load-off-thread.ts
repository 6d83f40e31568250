/**
 * `loadProviders` on worker threads. Reading and validating 10,000 provider files takes one and a half seconds of
 * CPU; on the main thread every request waits that out on each reload. On workers the event loop stays free (the
 * test measures it: a stall of some 20 ms instead of half a second for 1,500 files), and at start-up the app is
 * built meanwhile. The directory is listed here and split into consecutive runs of files, one per worker (every
 * core but one, and one per `OFF_THREAD_MIN_FILES` files at most); each worker reads and checks its files one by one and
 * sends back plain data, and this thread runs the checks that span files (duplicate ids and domains) over all of
 * them and builds the catalog.
 *
 * A worker costs a few hundred milliseconds to start (a fresh isolate loading zod and both YAML parsers), more than
 * a small directory takes to load right here; below `OFF_THREAD_MIN_FILES` files the directory is loaded on this
 * thread, holding it for about a tenth of a second at most.
 *
 * Start-up waits for the slowest worker, so the workers start first: this module loads neither zod nor a YAML
 * parser itself (the listing is in list.ts, the loader is imported once the workers run), and the server starts
 * the load before it loads the app. A worker answers with JSON text rather than objects: for 5,000 providers,
 * copying the objects across threads took 140–175 ms, the text 10 ms and parsing it here 44 ms.
 */
import { availableParallelism } from 'node:os'
import { extname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Worker } from 'node:worker_threads'
import { listProviderDirectory } from './list.ts'
import type { FileChecks, LoadResult } from './load.ts'

/** The worker's module beside this one: `.js` once built, `.ts` when run from source. */
const WORKER_URL = new URL(`./load-worker${extname(fileURLToPath(import.meta.url))}`, import.meta.url)

/** Directories with fewer provider files than this load on the calling thread (about 0.1 s for 1,000 files). */
export const OFF_THREAD_MIN_FILES = 1000

/**
 * Workers for a load: every core but one, which this thread keeps. During a reload it serves requests; at start-up
 * it loads and builds the app meanwhile, and a worker on its core slowed everything: on two cores, one worker for
 * 10,000 files had the server ready sooner than two in each of ten alternating starts (by 0.1–0.5 s), on 0.8–1 s
 * less CPU.
 */
export const LOAD_WORKERS = Math.max(1, availableParallelism() - 1)

export async function loadProvidersOffThread (dir: string, minFiles = OFF_THREAD_MIN_FILES, maxWorkers = LOAD_WORKERS): Promise<LoadResult> {
  const listing = await listProviderDirectory(dir)
  if (!listing.ok) return listing
  const { files } = listing
  if (files.length < minFiles) {
    const { catalogFrom, readProviderFiles } = await import('./load.ts')
    return catalogFrom(readProviderFiles(files))
  }
  const workers = Math.max(1, Math.min(maxWorkers, Math.ceil(files.length / Math.max(1, minFiles))))
  const runLength = Math.ceil(files.length / workers)
  const runs = Array.from({ length: workers }, (_, i) => files.slice(i * runLength, (i + 1) * runLength))
  const started: Worker[] = []
  try {
    const checks = Promise.all(runs.map((run) => checkOnWorker(run, started)))
    const { catalogFrom, combineFileChecks } = await import('./load.ts')
    return catalogFrom(combineFileChecks(await checks))
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
    worker.once('message', (checks: string) => {
      answered = true
      resolve(JSON.parse(checks) as FileChecks)
    })
    worker.once('error', reject)
    worker.once('exit', (code) => {
      if (!answered) reject(new Error(`a provider loading thread stopped (exit code ${code}) without an answer`))
    })
  })
}
