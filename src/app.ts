/**
 * Builds the application: compilers, shared decorators, routes and the error handlers, registered explicitly.
 * Tests build it with `app.inject`; only server.ts starts a process and listens.
 */
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify'
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod'
import type { ProviderLookup } from './catalog/lookup.ts'
import { registerErrorHandlers } from './http/error-handler.ts'
import { providersPlugin } from './http/plugins/providers.ts'
import { autoconfigRoutes } from './http/routes/autoconfig.ts'
import { autodiscoverRoutes } from './http/routes/autodiscover.ts'
import { requestSerializers } from './logging.ts'

/** Autodiscover requests are a few hundred bytes; nothing we accept is larger than this. */
export const BODY_LIMIT = 64 * 1024

export interface AppOptions {
  lookup: ProviderLookup
  /** pino options (or false for none); request serializers that redact addresses are always added. */
  logger?: boolean | Record<string, unknown>
  /** Log full e-mail addresses instead of `a***@example.com`. */
  logAddresses?: boolean
  /** Trust `X-Forwarded-*` from these proxies (Fastify's trustProxy). */
  trustProxy?: FastifyServerOptions['trustProxy']
  /**
   * The public base URL of this service, e.g. `https://autoconfig.example.net`: the autodiscover v2 answer
   * points here, and a plain-http `GET /autodiscover/autodiscover.xml` is redirected here when it is https.
   * Unset, it is derived from each request (its protocol, which honours trustProxy, and Host header).
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
    routerOptions: { caseSensitive: false, ignoreTrailingSlash: true, ignoreDuplicateSlashes: true, maxParamLength: 512 },
    bodyLimit: BODY_LIMIT,
    trustProxy: options.trustProxy ?? false,
    requestIdHeader: 'x-request-id',
  })
  app.setValidatorCompiler(validatorCompiler)
  app.setSerializerCompiler(serializerCompiler)
  registerErrorHandlers(app)

  await app.register(providersPlugin, { lookup: options.lookup })
  await app.register(autoconfigRoutes)
  await app.register(autodiscoverRoutes, { publicBaseUrl: options.publicBaseUrl })
  return app
}
