/**
 * Builds the application: compilers, shared decorators, routes and the error handlers, registered explicitly.
 * Tests build it with `app.inject`; only server.ts starts a process and listens.
 */
import Fastify, { type FastifyInstance, type FastifyServerOptions, type preHandlerAsyncHookHandler } from 'fastify'
import { validatorCompiler } from 'fastify-type-provider-zod'
import type { ProviderLookup } from './catalog/lookup.ts'
import { clientErrorHandler, frameworkErrorHandler, registerErrorHandlers } from './http/error-handler.ts'
import { BODY_LIMIT, MAX_PARAM_LENGTH, serverLimitOptions } from './http/limits.ts'
import { openapiPlugin } from './http/plugins/openapi.ts'
import { providersPlugin } from './http/plugins/providers.ts'
import { DEFAULT_RATE_LIMIT, rateLimitPlugin, type RateLimitOptions } from './http/plugins/rate-limit.ts'
import { securityHeadersPlugin } from './http/plugins/security-headers.ts'
import { API_PREFIX, apiRoutes } from './http/routes/api.ts'
import { autoconfigRoutes } from './http/routes/autoconfig.ts'
import { autodiscoverRoutes } from './http/routes/autodiscover.ts'
import { serializerCompiler } from './http/serializer.ts'
import { requestSerializers } from './logging.ts'

export { BODY_LIMIT }

export interface AppOptions {
  lookup: ProviderLookup
  /** pino options (or false for none); request serializers that redact addresses are always added. */
  logger?: boolean | Record<string, unknown>
  /** Log full e-mail addresses instead of `a***@example.com`. */
  logAddresses?: boolean
  /** Trust `X-Forwarded-*` from these proxies (Fastify's trustProxy). */
  trustProxy?: FastifyServerOptions['trustProxy']
  /** Requests per client and window (autodiscover gets a fifth of `max`); false turns limiting off. */
  rateLimit?: RateLimitOptions | false
  /** Origins allowed to read /api from a browser (CORS). Default `['*']`: any origin (the data is public). */
  corsOrigins?: readonly string[]
  /**
   * This server's public base URL, e.g. `https://autoconfig.example.net`: links in API answers and the
   * autodiscover v2 answer point here, and a plain-http `GET /autodiscover/autodiscover.xml` is redirected here
   * when it is https. Unset, it is derived from each request (its protocol, which honours trustProxy, and Host).
   */
  publicBaseUrl?: string
}

export async function buildApp (options: AppOptions): Promise<FastifyInstance> {
  const logger = options.logger === undefined || options.logger === false
    ? false
    : { ...(options.logger === true ? {} : options.logger), serializers: requestSerializers({ logAddresses: options.logAddresses ?? false }) }
  const app = Fastify({
    logger,
    // Clients vary the case of well-known paths (/Autodiscover/Autodiscover.xml); parameters keep their case.
    routerOptions: { caseSensitive: false, ignoreTrailingSlash: true, ignoreDuplicateSlashes: true, maxParamLength: MAX_PARAM_LENGTH },
    ...serverLimitOptions,
    trustProxy: options.trustProxy ?? false,
    requestIdHeader: 'x-request-id',
    frameworkErrors: frameworkErrorHandler,
    clientErrorHandler,
  })
  app.setValidatorCompiler(validatorCompiler)
  app.setSerializerCompiler(serializerCompiler)
  // Both before any route: rate limiting attaches itself to routes as they are added.
  await app.register(securityHeadersPlugin)
  const rateLimit = options.rateLimit ?? DEFAULT_RATE_LIMIT
  if (rateLimit !== false) await app.register(rateLimitPlugin, rateLimit)
  registerErrorHandlers(app, rateLimit === false ? {} : { notFoundPreHandler: app.rateLimit() as preHandlerAsyncHookHandler })

  // Before any route: the OpenAPI document is built from the routes registered after it.
  await app.register(openapiPlugin)
  await app.register(providersPlugin, { lookup: options.lookup })
  await app.register(autoconfigRoutes)
  await app.register(autodiscoverRoutes, { publicBaseUrl: options.publicBaseUrl })
  await app.register(apiRoutes, { prefix: API_PREFIX, corsOrigins: options.corsOrigins ?? ['*'], publicBaseUrl: options.publicBaseUrl?.replace(/\/+$/, '') })
  return app
}
