/**
 * Builds the application: compilers, shared decorators, routes and the error handlers, registered explicitly.
 * Tests build it with `app.inject`; only server.ts starts a process and listens.
 */
import Fastify, { type FastifyInstance, type preHandlerAsyncHookHandler } from 'fastify'
import { validatorCompiler } from 'fastify-type-provider-zod'
import type { ProviderLookup } from './catalog/lookup.ts'
import type { TrustProxy } from './config.ts'
import type { RecordResolver } from './dns/check-records.ts'
import { DEFAULT_MX_TIMEOUT_MS, type MxStats } from './dns/mx-resolver.ts'
import { dnsResolver } from './dns/resolver.ts'
import type { RedisConnection } from './redis/connection.ts'
import type { ProfileSigner } from './signing/sign-profile.ts'
import { clientErrorHandler, frameworkErrorHandler, registerErrorHandlers } from './http/error-handler.ts'
import { BODY_LIMIT, MAX_PARAM_LENGTH, serverLimitOptions } from './http/limits.ts'
import { metricsPlugin } from './http/plugins/metrics.ts'
import { openapiPlugin } from './http/plugins/openapi.ts'
import { providersPlugin } from './http/plugins/providers.ts'
import { DEFAULT_RATE_LIMIT, rateLimitPlugin, type RateLimitOptions } from './http/plugins/rate-limit.ts'
import { Readiness, readinessPlugin } from './http/plugins/readiness.ts'
import { requestIdOptions } from './http/plugins/request-id.ts'
import { registerRequestHooks } from './http/plugins/request-hooks.ts'
import { API_PREFIX } from './http/paths.ts'
import { apiRoutes } from './http/routes/api.ts'
import { autoconfigRoutes } from './http/routes/autoconfig.ts'
import { autodiscoverRoutes } from './http/routes/autodiscover.ts'
import { healthRoutes } from './http/routes/health.ts'
import { mobileconfigRoutes } from './http/routes/mobileconfig.ts'
import { settingsPageRoutes } from './http/routes/settings-page.ts'
import { tlsAskRoutes } from './http/routes/tls-ask.ts'
import { serializerCompiler } from './http/reply/serializer.ts'
import { createLogger, lazyChildLoggerFactory, type LogConfig } from './http/logging.ts'

export { BODY_LIMIT }

export interface AppOptions {
  lookup: ProviderLookup
  /** Logging (see http/logging.ts), or false/absent for none. Addresses are redacted and credentials never logged. */
  logger?: boolean | LogConfig
  /** Log full e-mail addresses instead of `a***@example.com`. */
  logAddresses?: boolean
  /** Trust `X-Forwarded-*` from these proxies (Fastify's trustProxy). */
  trustProxy?: TrustProxy
  /**
   * This server's public base URL, e.g. `https://autoconfig.example.net`: links in API answers and the
   * autodiscover v2 answer point here, and a plain-http `GET /autodiscover/autodiscover.xml` is redirected here
   * when it is https. Unset, it is derived from each request (its protocol, which honours trustProxy, and Host).
   */
  publicBaseUrl?: string
  /** Origins allowed to read /api from a browser (CORS). Default `['*']`: any origin (the data is public). */
  corsOrigins?: readonly string[]
  /** Requests per client and window (autodiscover gets a fifth of `max`); false turns limiting off. */
  rateLimit?: RateLimitOptions | false
  /** Serve https directly with this certificate chain and key (PEM). */
  https?: { cert: Buffer, key: Buffer }
  /** Loading → ready → stopping; ready when absent (tests build on an already loaded catalog). */
  readiness?: Readiness
  /** Also export the process's own metrics (CPU, memory, event loop); the server turns this on. */
  processMetrics?: boolean
  /** The MX resolver's counts, exported as metrics when the lookup asks DNS (see dns/mx-resolver.ts). */
  mxStats?: MxStats
  /** How the API's DNS check asks DNS; the system's resolvers when absent. */
  dnsResolver?: RecordResolver
  /**
   * Count rate limits in this Redis, shared with the other replicas (its MX answers are the resolver's business).
   * The app connects it, logs and exports its state, and closes it when the app closes.
   */
  redis?: RedisConnection
  /** Sign Apple profiles (signing/sign-profile.ts); they are served unsigned without it. */
  profileSigner?: ProfileSigner
}

/** Fastify accepts a hop count at run time but not in its types; the function form means the same. */
function trustProxyOption (trust: TrustProxy): boolean | string | string[] | ((address: string, hop: number) => boolean) {
  return typeof trust === 'number' ? (_address, hop) => hop < trust : trust
}

export async function buildApp (options: AppOptions): Promise<FastifyInstance> {
  const loggerInstance = options.logger === undefined || options.logger === false
    ? undefined
    : createLogger({ logAddresses: options.logAddresses ?? false, ...(options.logger === true ? {} : options.logger) })
  const trustProxy = trustProxyOption(options.trustProxy ?? false)
  const app = Fastify({
    // Request loggers are made when a request first logs (http/logging.ts), not for every request.
    ...(loggerInstance === undefined ? {} : { loggerInstance, childLoggerFactory: lazyChildLoggerFactory }),
    ...(options.https === undefined ? {} : { https: options.https }),
    // Clients vary the case of well-known paths (/Autodiscover/Autodiscover.xml); parameters keep their case.
    routerOptions: { caseSensitive: false, ignoreTrailingSlash: true, ignoreDuplicateSlashes: true, maxParamLength: MAX_PARAM_LENGTH },
    ...serverLimitOptions,
    trustProxy,
    ...requestIdOptions,
    frameworkErrors: frameworkErrorHandler,
    clientErrorHandler,
  }) as unknown as FastifyInstance
  app.setValidatorCompiler(validatorCompiler)
  app.setSerializerCompiler(serializerCompiler)
  // Before any route: rate limiting attaches itself to routes as they are added.
  const { redis } = options
  if (redis !== undefined) {
    redis.start({ info: (message) => app.log.info(message), warn: (message) => app.log.warn(message) })
    app.addHook('onClose', () => redis.close())
  }
  const rateLimit = options.rateLimit ?? DEFAULT_RATE_LIMIT
  if (rateLimit !== false) await app.register(rateLimitPlugin, { ...rateLimit, redis: redis?.client })
  registerErrorHandlers(app, rateLimit === false ? {} : { notFoundPreHandler: app.rateLimit() as preHandlerAsyncHookHandler })

  // Before any route: the OpenAPI document is built from the routes registered after it.
  await app.register(openapiPlugin)
  await app.register(providersPlugin, { lookup: options.lookup })
  await app.register(readinessPlugin, { readiness: options.readiness ?? new Readiness('ready') })
  await app.register(metricsPlugin, { lookup: options.lookup, processMetrics: options.processMetrics ?? false, mxStats: options.mxStats, redisStats: redis?.stats })
  registerRequestHooks(app)
  await app.register(healthRoutes)
  await app.register(tlsAskRoutes)
  await app.register(autoconfigRoutes)
  await app.register(autodiscoverRoutes, { publicBaseUrl: options.publicBaseUrl })
  await app.register(apiRoutes, { prefix: API_PREFIX, corsOrigins: options.corsOrigins ?? ['*'], publicBaseUrl: options.publicBaseUrl, resolver: options.dnsResolver ?? dnsResolver({ timeoutMs: DEFAULT_MX_TIMEOUT_MS }) })
  await app.register(mobileconfigRoutes, { signer: options.profileSigner })
  await app.register(settingsPageRoutes, { publicBaseUrl: options.publicBaseUrl })
  return app
}
