/**
 * Starts the process: configuration, then the providers' loading, then the server (process/running-server.ts):
 * the app built and listening, the catalog swapped in, reloads, shutdown.
 *
 * The server listens first and reports `loading` on /readyz (other routes answer 503) until every provider file
 * is validated; on any problem it prints every one and exits 1, so nothing half-loaded is ever served. Then it
 * watches the providers directory and reloads on SIGHUP (see catalog/reload.ts). SIGTERM or SIGINT stop it
 * gracefully: readiness turns 503, the listener closes, requests in flight finish within SHUTDOWN_TIMEOUT (after
 * which their connections are cut), and the process exits 0.
 *
 * This module imports only what starting the load needs. A large catalog loads on worker threads
 * (catalog/load-off-thread.ts) that start while this thread loads and builds the app; every module this one
 * imported first would delay them (the app's modules take a few hundred milliseconds to load, bundled or not).
 */
import type { LoadResult } from './catalog/load.ts'
import { loadProvidersOffThread } from './catalog/load-off-thread.ts'
import { ConfigError, loadConfig, type Config } from './config.ts'
import { loadSigningCredentials } from './signing/credentials.ts'
import type { RunningServer, StartOptions } from './process/running-server.ts'

export type { RunningServer, StartOptions } from './process/running-server.ts'

export async function startServer (config: Config, options: StartOptions = {}): Promise<RunningServer | undefined> {
  // Before the providers start loading: signing files that cannot be used stop the process at once (a ConfigError).
  const signing = config.profileSigning === undefined ? undefined : loadSigningCredentials(config.profileSigning, new Date())
  // Caught at once: a worker may fail while the app is still being built, before anything awaits the result.
  const loading = loadProvidersOffThread(config.providersDir).catch(
    (error: unknown): LoadResult => ({ ok: false, problems: [{ file: config.providersDir, line: 1, col: 1, path: '', message: `cannot load providers: ${(error as Error).message}` }] }),
  )
  const { serve } = await import('./process/running-server.ts')
  return serve(config, loading, options, signing)
}

export async function main (args: readonly string[] = process.argv.slice(2)): Promise<void> {
  let config: Config
  try {
    config = loadConfig(process.env, args)
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error
    process.stderr.write(`${error.message}\n`)
    process.exitCode = 1
    return
  }
  try {
    await startServer(config)
  } catch (error) {
    if (error instanceof ConfigError) {
      // Files named by the configuration that cannot be used (a signing key that does not match, …): one line each.
      process.stderr.write(`${error.message}\n`)
      process.exitCode = 1
      return
    }
    // Port in use, a key that does not match its certificate, …: one line, no stack.
    process.stderr.write(`cannot start: ${(error as Error).message}\n`)
    process.exitCode = 1
  }
}
