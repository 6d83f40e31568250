/**
 * Builds the application: compilers, shared decorators, routes and the error handlers, registered explicitly.
 * Tests build it with `app.inject`; only server.ts starts a process and listens.
 */
import Fastify, { type FastifyInstance } from 'fastify'
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod'
import type { ProviderLookup } from './catalog/lookup.ts'
import type { CorsOrigins, TrustProxy } from './config.ts'
import { registerErrorHandlers } from './http/error-handler.ts'
import { metricsPlugin } from './http/plugins/metrics.ts'
import { providersPlugin } from './http/plugins/providers.ts'
import { Readiness, readinessPlugin } from './http/plugins/readiness.ts'
import { echoRequestId, requestIdOptions } from './http/request-id.ts'
import { autoconfigRoutes } from './http/routes/autoconfig.ts'
import { healthRoutes } from './http/routes/health.ts'
import { createLogger, type LogConfig } from './logging.ts'

/** Autodiscover requests are a few hundred bytes; nothing we accept is larger than this. */
export const BODY_LIMIT = 64 * 1024

export interface AppOptions {
  lookup: ProviderLookup
  /** Logging (see logging.ts), or false/absent for none. Addresses are redacted and credentials never logged. */
  logger?: boolean | LogConfig
  /** Log full e-mail addresses instead of `a***@example.com`. */
  logAddresses?: boolean
  /** Trust `X-Forwarded-*` from these proxies (Fastify's trustProxy). */
  trustProxy?: TrustProxy
  /** The external base URL clients reach us at (no trailing slash); used in autodiscover v2 answers and API links. */
  publicBaseUrl?: string
  /** Origins allowed to call the JSON API from a browser; `'*'` or `['*']` means any. */
  corsOrigins?: CorsOrigins | '*'
  /** Requests per client address per window, or false for no limit. */
  rateLimit?: { max: number, timeWindowMs: number } | false
  /** Serve https directly with this certificate chain and key (PEM). */
  https?: { cert: Buffer, key: Buffer }
  /** Loading → ready → stopping; ready when absent (tests build on an already loaded catalog). */
  readiness?: Readiness
  /** Also export the process's own metrics (CPU, memory, event loop); the server turns this on. */
  processMetrics?: boolean
}

/** Fastify accepts a hop count at run time but not in its types; the function form means the same. */
function trustProxyOption (trust: TrustProxy): boolean | string[] | ((address: string, hop: number) => boolean) {
  return typeof trust === 'number' ? (_address, hop) => hop < trust : trust
}

export async function buildApp (options: AppOptions): Promise<FastifyInstance> {
  const loggerInstance = options.logger === undefined || options.logger === false
    ? undefined
    : createLogger({ logAddresses: options.logAddresses ?? false, ...(options.logger === true ? {} : options.logger) })
  const app = Fastify({
    ...(loggerInstance === undefined ? {} : { loggerInstance }),
    ...(options.https === undefined ? {} : { https: options.https }),
    // Clients vary the case of well-known paths (/Autodiscover/Autodiscover.xml); parameters keep their case.
    routerOptions: { caseSensitive: false, ignoreTrailingSlash: true, ignoreDuplicateSlashes: true, maxParamLength: 512 },
    bodyLimit: BODY_LIMIT,
    trustProxy: trustProxyOption(options.trustProxy ?? false),
    ...requestIdOptions,
  }) as unknown as FastifyInstance
  app.setValidatorCompiler(validatorCompiler)
  app.setSerializerCompiler(serializerCompiler)
  registerErrorHandlers(app)
  echoRequestId(app)

  await app.register(providersPlugin, { lookup: options.lookup })
  await app.register(readinessPlugin, { readiness: options.readiness ?? new Readiness('ready') })
  await app.register(metricsPlugin, { lookup: options.lookup, processMetrics: options.processMetrics ?? false })
  await app.register(healthRoutes)
  await app.register(autoconfigRoutes)
  return app
}
