/**
 * Hot reload of the providers directory, on file changes (fs.watch, debounced) and on demand (SIGHUP).
 *
 * A reload loads and validates every file into a new catalog first; only a complete, valid catalog is prepared
 * (`prepare`, e.g. pre-rendering documents) and then swapped in with `ProviderLookup.replace()`. Requests in
 * flight keep the catalog they started with; a broken file leaves the last good catalog serving and is reported
 * through `onReload`. Reloads never overlap: a change arriving during a reload queues exactly one more.
 *
 * fs.watch reports a directory's changes on Linux (inotify) including a Kubernetes ConfigMap's atomic `..data`
 * symlink swap; on file systems without change events (some network mounts) set WATCH_PROVIDERS=false and send
 * SIGHUP instead (https://nodejs.org/docs/latest-v20.x/api/fs.html#caveats).
 */
import { watch, type FSWatcher } from 'node:fs'
import type { Catalog } from './catalog.ts'
import { loadProviders, type LoadResult } from './load.ts'
import type { ProviderLookup } from './lookup.ts'
import type { Problem } from './report.ts'

export type ReloadOutcome =
  | { ok: true, reason: string, catalog: Catalog, durationMs: number }
  | { ok: false, reason: string, problems: Problem[], durationMs: number }

export interface ReloaderOptions {
  dir: string
  /** Reads and validates the directory: `loadProviders` unless given (the server loads on a worker thread). */
  load?: (dir: string) => Promise<LoadResult>
  lookup: ProviderLookup
  /** Runs on a new, valid catalog before it is swapped in. */
  prepare?: (catalog: Catalog) => void
  /** Told about every finished reload, successful or not. */
  onReload?: (outcome: ReloadOutcome) => void
  /** Told when watching the directory fails; SIGHUP still works. */
  onWatchError?: (error: Error) => void
  /** Quiet time after the last change event before reloading: editors and `kubectl` write in several steps. */
  debounceMs?: number
}

export const DEFAULT_DEBOUNCE_MS = 200

export class CatalogReloader {
  readonly #options: ReloaderOptions
  #running: Promise<ReloadOutcome> | undefined
  #queued: Promise<ReloadOutcome> | undefined
  #watcher: FSWatcher | undefined
  #timer: NodeJS.Timeout | undefined
  #closed = false

  constructor (options: ReloaderOptions) {
    this.#options = options
  }

  /** Reloads now, or once more right after the reload that is running. */
  reload (reason: string): Promise<ReloadOutcome> {
    if (this.#running === undefined) {
      this.#running = this.#load(reason).finally(() => { this.#running = undefined })
      return this.#running
    }
    this.#queued ??= this.#running.then(() => {
      this.#queued = undefined
      return this.reload(reason)
    })
    return this.#queued
  }

  async #load (reason: string): Promise<ReloadOutcome> {
    const started = performance.now()
    let outcome: ReloadOutcome
    let loaded: LoadResult
    try {
      loaded = await (this.#options.load ?? loadProviders)(this.#options.dir)
    } catch (error) {
      // A file removed between listing and reading it, or made unreadable: a failed reload like any other.
      loaded = { ok: false, problems: [{ file: this.#options.dir, line: 1, col: 1, path: '', message: `cannot read providers: ${(error as Error).message}` }] }
    }
    if (loaded.ok) {
      this.#options.prepare?.(loaded.catalog)
      this.#options.lookup.replace(loaded.catalog)
      outcome = { ok: true, reason, catalog: loaded.catalog, durationMs: performance.now() - started }
    } else {
      outcome = { ok: false, reason, problems: loaded.problems, durationMs: performance.now() - started }
    }
    this.#options.onReload?.(outcome)
    return outcome
  }

  /** Starts watching the directory; the watcher does not keep the process alive. */
  watch (): void {
    if (this.#watcher !== undefined || this.#closed) return
    try {
      this.#watcher = watch(this.#options.dir, { persistent: false }, () => this.#changed())
    } catch (error) {
      this.#options.onWatchError?.(error as Error)
      return
    }
    this.#watcher.on('error', (error) => {
      this.#stopWatching()
      this.#options.onWatchError?.(error)
    })
  }

  #changed (): void {
    if (this.#closed) return
    clearTimeout(this.#timer)
    this.#timer = setTimeout(() => {
      this.#timer = undefined
      if (!this.#closed) this.reload('file change').catch(() => {}) // failures are reported through onReload
    }, this.#options.debounceMs ?? DEFAULT_DEBOUNCE_MS)
    this.#timer.unref()
  }

  #stopWatching (): void {
    this.#watcher?.close()
    this.#watcher = undefined
    clearTimeout(this.#timer)
    this.#timer = undefined
  }

  /** Stops watching; a reload already running finishes. */
  close (): void {
    this.#closed = true
    this.#stopWatching()
  }
}
