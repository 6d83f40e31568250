/**
 * `loadProviders` on a worker thread. Reading and validating 10,000 provider files takes about a second of CPU;
 * on the main thread every request waits that second out on each reload. On a worker the event loop stays free
 * (the test measures it: a stall of some 20 ms instead of half a second for 1,500 files), and at start-up the app
 * is built meanwhile (on two busy cores that gained little: both threads, and V8's own background threads, share
 * them). The directory is listed here; the worker reads and validates the files and sends back plain data (the
 * providers, or the problems), which this thread turns into a catalog.
 *
 * A worker costs a few hundred milliseconds to start (a fresh isolate loading zod and both YAML parsers), more than
 * a small directory takes to load right here; below `OFF_THREAD_MIN_FILES` files the directory is loaded on this
 * thread, holding it for about a tenth of a second at most.
 */
import { extname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Worker } from 'node:worker_threads'
import { catalogFrom, listProviderDirectory, readProviderFiles, type LoadResult, type ValidatedProviders } from './load.ts'

/** The worker's module beside this one: `.js` once built, `.ts` when run from source. */
const WORKER_URL = new URL(`./load-worker${extname(fileURLToPath(import.meta.url))}`, import.meta.url)

/** Directories with fewer provider files than this load on the calling thread (about 0.1 s for 1,000 files). */
export const OFF_THREAD_MIN_FILES = 1000

export async function loadProvidersOffThread (dir: string, minFiles = OFF_THREAD_MIN_FILES): Promise<LoadResult> {
  const listing = await listProviderDirectory(dir)
  if (!listing.ok) return listing
  if (listing.files.length < minFiles) return catalogFrom(readProviderFiles(listing.files))
  return loadOnWorker(listing.files)
}

function loadOnWorker (files: readonly string[]): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER_URL, { workerData: { files } })
    let answered = false
    worker.once('message', (validated: ValidatedProviders) => {
      answered = true
      resolve(catalogFrom(validated))
    })
    worker.once('error', reject)
    worker.once('exit', (code) => {
      if (!answered) reject(new Error(`the provider loading thread stopped (exit code ${code}) without an answer`))
    })
  })
}
