/**
 * The running server: the app built and listening, the catalog being loaded swapped in once it is complete,
 * reloads, shutdown (see server.ts for the order of events). Loaded by server.ts only once the providers have
 * started loading, so the loading threads do not wait for the app's modules.
 */
import { readFileSync } from 'node:fs'
import type { Server as HttpsServer } from 'node:https'
import closeWithGrace from 'close-with-grace'
import type { FastifyInstance } from 'fastify'
import type { DestinationStream } from 'pino'
import { buildApp } from '../app.ts'
import { dnsResolver } from '../dns/resolver.ts'
import { Catalog } from '../catalog/catalog.ts'
import { loadProvidersOffThread } from '../catalog/load-off-thread.ts'
import { catalogResolver, ProviderLookup } from '../catalog/lookup.ts'
import { CatalogReloader, type ReloadOutcome } from '../catalog/reload.ts'
import type { LoadResult } from '../catalog/load.ts'
import { formatProblem } from '../catalog/report.ts'
import type { Config } from '../config.ts'
import { mxDomainResolver } from '../dns/mx-domain-resolver.ts'
import { MemoryMxCache } from '../dns/mx-cache.ts'
import { DEFAULT_MX_CACHE_SIZE, MxResolver } from '../dns/mx-resolver.ts'
import { SharedMxCache } from '../dns/shared-mx-cache.ts'
import { RedisConnection } from '../redis/connection.ts'
import { Readiness } from '../http/plugins/readiness.ts'
import type { SigningCredentials } from '../signing/credentials.ts'
import type { ProfileSigner } from '../signing/sign-profile.ts'

export interface StartOptions {
  /** Where log lines go; standard output by default. */
  logDestination?: DestinationStream
  /** Install the SIGTERM/SIGINT/SIGHUP handlers (the process); tests running in-process turn this off. */
  signals?: boolean
}

export interface RunningServer {
  app: FastifyInstance
  /** `http://127.0.0.1:8080` or `https://…` */
  address: string
  reloader: CatalogReloader
  /** Stops as SIGTERM does, without exiting the process. */
  stop: () => Promise<void>
}

function readTls (config: Config): { cert: Buffer, key: Buffer } | undefined {
  if (config.tls === undefined) return undefined
  return { cert: readFileSync(config.tls.certFile), key: readFileSync(config.tls.keyFile) }
}

function logReload (app: FastifyInstance, outcome: ReloadOutcome): void {
  const durationMs = Math.round(outcome.durationMs)
  if (outcome.ok) {
    app.metrics.reloadSucceeded()
    app.log.info({ reason: outcome.reason, providers: outcome.catalog.providers.size, domains: outcome.catalog.domainCount, durationMs }, 'providers reloaded')
  } else {
    app.metrics.reloadFailed()
    const { catalog } = app.providers
    app.log.error({ reason: outcome.reason, problems: outcome.problems.map(formatProblem), durationMs },
      `reload rejected (${outcome.problems.length} problem(s)); still serving the previous ${catalog.providers.size} providers`)
  }
}

/** Closes the listener and waits for requests in flight, cutting connections still open after `timeoutMs`. */
async function closeGracefully (app: FastifyInstance, timeoutMs: number): Promise<void> {
  const timer = setTimeout(() => {
    app.log.warn({ timeoutMs }, 'requests still running at the shutdown timeout; closing their connections')
    app.server.closeAllConnections()
  }, timeoutMs)
  timer.unref()
  try {
    await app.close()
  } finally {
    clearTimeout(timer)
  }
}

/** The signer for Apple profiles, when signing is configured; its modules (PKI.js) are loaded only then. */
async function profileSigner (credentials: SigningCredentials | undefined): Promise<ProfileSigner | undefined> {
  if (credentials === undefined) return undefined
  const { ProfileSigner } = await import('../signing/sign-profile.ts')
  return ProfileSigner.create(credentials)
}

/**
 * Builds the app and listens while `loading` runs; serves its catalog once complete (or stops, naming every problem).
 * `signing`: the checked certificate and key for Apple profiles (server.ts reads them before loading starts).
 */
export async function serve (config: Config, loading: Promise<LoadResult>, options: StartOptions = {}, signing?: SigningCredentials): Promise<RunningServer | undefined> {
  const signer = await profileSigner(signing)
  const readiness = new Readiness('loading')
  const redis = config.redis === undefined ? undefined : new RedisConnection(config.redis.url, config.redis.timeoutMs)
  const mx = config.mxLookup
    ? new MxResolver({
      servers: config.dns.servers,
      timeoutMs: config.dns.timeoutMs,
      ...(redis === undefined ? {} : { cache: new SharedMxCache(new MemoryMxCache(DEFAULT_MX_CACHE_SIZE), redis.client) }),
    })
    : undefined
  const lookup = new ProviderLookup(new Catalog([]), mx === undefined ? [catalogResolver] : [catalogResolver, mxDomainResolver(mx)])
  const app = await buildApp({
    lookup,
    readiness,
    logger: { level: config.logLevel, format: config.logFormat, ...(options.logDestination === undefined ? {} : { destination: options.logDestination }) },
    logAddresses: config.logAddresses,
    trustProxy: config.trustProxy,
    ...(config.publicBaseUrl === undefined ? {} : { publicBaseUrl: config.publicBaseUrl }),
    corsOrigins: config.corsOrigins,
    rateLimit: config.rateLimit,
    ...(config.tls === undefined ? {} : { https: readTls(config)! }),
    processMetrics: true,
    ...(mx === undefined ? {} : { mxStats: mx.stats }),
    dnsResolver: dnsResolver(config.dns),
    ...(redis === undefined ? {} : { redis }),
    ...(signer === undefined ? {} : { profileSigner: signer }),
  })
  if (signer !== undefined) app.log.info({ subject: signer.subject, validTo: signer.validTo.toISOString() }, 'signing Apple profiles')

  const reloader = new CatalogReloader({
    dir: config.providersDir,
    // Off the main thread, so requests are not held up while a large catalog is validated.
    load: (dir) => loadProvidersOffThread(dir),
    lookup,
    onReload: (outcome) => logReload(app, outcome),
    onWatchError: (err) => app.log.error({ err, dir: config.providersDir }, 'cannot watch the providers directory; reload with SIGHUP'),
  })
  const onHangup = () => {
    app.log.info('SIGHUP: reloading providers' + (config.tls === undefined ? '' : ' and the TLS certificate'))
    reloader.reload('SIGHUP').catch(() => {}) // failures are reported through onReload
    if (config.tls !== undefined) reloadTls(app, config)
  }
  let stopping: Promise<void> | undefined
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      readiness.markStopping()
      reloader.close()
      process.removeListener('SIGHUP', onHangup)
      await closeGracefully(app, config.shutdownTimeoutMs)
    })()
    return stopping
  }

  const signals = options.signals !== false
  // The bound on a graceful stop is ours (closeGracefully); close-with-grace's own delay is only a last resort.
  const grace = signals
    ? closeWithGrace({ delay: config.shutdownTimeoutMs + 5000, skip: ['SIGHUP'], logger: { error: (msg: unknown) => app.log.error(msg) } }, async ({ signal, err }) => {
      if (err !== undefined) app.log.error({ err }, 'stopping after an error')
      else app.log.info({ signal }, 'stopping: finishing requests in flight')
      await stop()
    })
    : undefined

  let address: string
  try {
    address = await app.listen({ host: config.host, port: config.port })
  } catch (error) {
    grace?.uninstall()
    await app.close()
    throw error
  }

  const loaded = await loading
  if (!loaded.ok) {
    for (const problem of loaded.problems) process.stderr.write(`${formatProblem(problem)}\n`)
    process.stderr.write(`${loaded.problems.length} problem(s) in ${config.providersDir}; not starting.\n`)
    grace?.uninstall()
    await stop()
    process.exitCode = 1
    return undefined
  }
  lookup.replace(loaded.catalog)
  app.metrics.catalogLoaded()
  readiness.markReady()
  if (config.watchProviders) reloader.watch()
  if (signals) process.on('SIGHUP', onHangup)

  const base = address.replace('://0.0.0.0', '://localhost').replace('://[::]', '://localhost')
  app.log.info({ providers: loaded.catalog.providers.size, domains: loaded.catalog.domainCount, dir: config.providersDir, watching: config.watchProviders },
    `ready on ${address}; try: curl ${base}/v1.1/gmail.com`)
  return { app, address, reloader, stop }
}

/** Certificate renewals (e.g. certbot) take effect on SIGHUP without dropping connections. */
function reloadTls (app: FastifyInstance, config: Config): void {
  try {
    const tls = readTls(config)!
    ;(app.server as unknown as HttpsServer).setSecureContext(tls)
    app.log.info('TLS certificate reloaded')
  } catch (err) {
    app.log.error({ err }, 'cannot reload the TLS certificate; keeping the current one')
  }
}
