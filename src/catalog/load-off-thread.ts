/**
 * `loadProviders` on worker threads. Reading and validating 10,000 provider files takes one and a half seconds of
 * CPU; on the main thread every request waits that out on each reload. On workers the event loop stays free (the
 * test measures it: a stall of some 20 ms instead of half a second for 1,500 files), and at start-up the app is
 * built meanwhile. The directory is listed here and cut into shares of `SHARE_FILES` files that the workers (every
 * core but one, and one per `OFF_THREAD_MIN_FILES` files at most) claim one at a time (file-shares.ts); each
 * worker reads and checks its shares' files one by one and sends back plain data, and this thread runs the checks
 * that span files (duplicate ids and domains) over all of them, in listing order, and builds the catalog. At
 * start-up this thread claims shares too once the app is built (`Loading.helpHere`): it would only wait otherwise.
 *
 * A worker costs a few hundred milliseconds to start (a fresh isolate loading zod and both YAML parsers), more than
 * a small directory takes to load right here; below `OFF_THREAD_MIN_FILES` files the directory is loaded on this
 * thread, holding it for about a tenth of a second at most.
 *
 * Start-up waits for the slowest worker, so the workers start first: this module loads neither zod nor a YAML
 * parser itself (the listing is in list.ts, the loader is imported once the workers run), and the server starts
 * the load before it loads the app. A worker answers with JSON text rather than objects: for 5,000 providers,
 * copying the objects across threads took 140–175 ms, the text 10 ms and parsing it here 44 ms. It sends each
 * share's as soon as it is checked, so little is left to send and parse once the last share is done, and the
 * worker holds no results.
 */
import { availableParallelism } from 'node:os'
import { extname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Worker } from 'node:worker_threads'
import { FileShares } from './file-shares.ts'
import { listProviderDirectory } from './list.ts'
import type { FileChecks, LoadResult } from './load.ts'

/** The worker's module beside this one: `.js` once built, `.ts` when run from source. */
const WORKER_URL = new URL(`./load-worker${extname(fileURLToPath(import.meta.url))}`, import.meta.url)

/** Directories with fewer provider files than this load on the calling thread (about 0.1 s for 1,000 files). */
export const OFF_THREAD_MIN_FILES = 1000

/** Files in a share: some 10 to 50 ms of checking, as long as this thread is held at a time when it helps. */
export const SHARE_FILES = 250

/**
 * Workers for a load: every core but one, which this thread keeps. During a reload it serves requests; at start-up
 * it loads and builds the app meanwhile, and a worker on its core slowed everything: on two cores, one worker for
 * 10,000 files had the server ready sooner than two in each of ten alternating starts (by 0.1–0.5 s), on 0.8–1 s
 * less CPU.
 */
export const LOAD_WORKERS = Math.max(1, availableParallelism() - 1)

export interface OffThreadOptions {
  /** Below this many files the directory loads on the calling thread. Default `OFF_THREAD_MIN_FILES`. */
  minFiles?: number
  /** Default `LOAD_WORKERS`. */
  maxWorkers?: number
  /** Files in a share, the unit threads claim (see file-shares.ts). Default `SHARE_FILES`. */
  shareFiles?: number
}

/** A share's checks, from whichever thread claimed it (a worker posts each as JSON, load-worker.ts). */
export interface ShareChecks {
  index: number
  checks: FileChecks
}

/** A load under way. */
export interface Loading {
  readonly result: Promise<LoadResult>
  /**
   * Checks shares of the files on this thread too, until none are left, with a turn of the event loop between
   * shares; resolves to the number of files it checked (0 when the directory loads here anyway or is loaded
   * already). For start-up, once the app is built and this thread only waits for the catalog: rejects when a file
   * cannot be read, which `result` reports too.
   */
  helpHere (): Promise<number>
}

type Plan =
  | { kind: 'done', result: LoadResult }
  | { kind: 'shared', shares: FileShares, answers: Promise<ShareChecks[][]>, started: Worker[] }

/** Starts loading a directory; see `Loading`. */
export function startLoadingOffThread (dir: string, options: OffThreadOptions = {}): Loading {
  const planned = plan(dir, options)
  let helping: Promise<CheckedHere> | undefined
  const result = (async (): Promise<LoadResult> => {
    const load = await planned
    if (load.kind === 'done') return load.result
    try {
      const fromWorkers = await load.answers
      // Every share is claimed once the workers have answered; those this thread claimed are finished by `helping`.
      const fromHere = (await helping)?.shares ?? []
      const inListingOrder = [...fromWorkers.flat(), ...fromHere].sort((a, b) => a.index - b.index)
      const { combineFileChecks } = await import('./load.ts')
      return combineFileChecks(inListingOrder.map((share) => share.checks))
    } catch (error) {
      // One thread failed, so the load has: the others need not finish their shares.
      load.shares.exhaust()
      await Promise.all(load.started.map((worker) => worker.terminate()))
      throw error
    }
  })()
  return {
    result,
    helpHere: async () => {
      helping ??= planned.then((load) => load.kind === 'done' ? { shares: [], files: 0 } : checkSharesHere(load.shares))
      return (await helping).files
    },
  }
}

/** Loads a directory (reloads: this thread serves requests meanwhile and does not help). */
export function loadProvidersOffThread (dir: string, options: OffThreadOptions = {}): Promise<LoadResult> {
  return startLoadingOffThread(dir, options).result
}

async function plan (dir: string, options: OffThreadOptions): Promise<Plan> {
  const { minFiles = OFF_THREAD_MIN_FILES, maxWorkers = LOAD_WORKERS, shareFiles = SHARE_FILES } = options
  const listing = await listProviderDirectory(dir)
  if (!listing.ok) return { kind: 'done', result: listing }
  const { files } = listing
  if (files.length < minFiles) {
    const { readProviderFiles } = await import('./load.ts')
    return { kind: 'done', result: readProviderFiles(files) }
  }
  const workers = Math.max(1, Math.min(maxWorkers, Math.ceil(files.length / Math.max(1, minFiles))))
  const shares = new FileShares(files, shareFiles)
  const started: Worker[] = []
  const answers = Promise.all(Array.from({ length: workers }, () => checkOnWorker(shares, started)))
  // A failure is handled where `answers` is awaited; until then it must not count as unhandled.
  answers.catch(() => {})
  return { kind: 'shared', shares, answers, started }
}

/** The shares this thread checked, and how many files they held. */
interface CheckedHere {
  shares: ShareChecks[]
  files: number
}

async function checkSharesHere (shares: FileShares): Promise<CheckedHere> {
  const { checkProviderFiles } = await import('./load.ts')
  const checked: CheckedHere = { shares: [], files: 0 }
  try {
    for (let share = shares.claim(); share !== undefined; share = shares.claim()) {
      checked.shares.push({ index: share.index, checks: checkProviderFiles(share.files) })
      checked.files += share.files.length
      // Readiness probes and the like are answered between shares.
      await new Promise((resolve) => setImmediate(resolve))
    }
  } catch (error) {
    shares.exhaust()
    throw error
  }
  return checked
}

function checkOnWorker (shares: FileShares, started: Worker[]): Promise<ShareChecks[]> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER_URL, { workerData: shares.shared() })
    started.push(worker)
    let answered = false
    const checked: ShareChecks[] = []
    worker.on('message', (share: string | null) => {
      if (share !== null) {
        checked.push(JSON.parse(share) as ShareChecks)
        return
      }
      answered = true
      resolve(checked)
    })
    worker.once('error', reject)
    worker.once('exit', (code) => {
      if (!answered) reject(new Error(`a provider loading thread stopped (exit code ${code}) without an answer`))
    })
  })
}
