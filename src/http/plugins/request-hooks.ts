/**
 * What every request goes through: request id, security headers and readiness on the way in, `Connection: close`
 * while stopping on the way out, metrics once answered. The parts stay in their own modules; this only runs them
 * in order.
 */
import type { FastifyInstance } from 'fastify'
import { closeConnectionWhileStopping, holdUntilReady } from './readiness.ts'
import { REQUEST_ID_HEADER } from './request-id.ts'
import { securityHeadersFor } from './security-headers.ts'

/** Registers the hooks on the root instance; needs `app.readiness` and `app.metrics` decorated first. */
export function registerRequestHooks (app: FastifyInstance): void {
  const { readiness, metrics } = app
  app.addHook('onRequest', (request, reply, done) => {
    // Set first, so every answer carries them, the 503 below and error answers included.
    reply.headers(securityHeadersFor(request.routeOptions.url))
    reply.header(REQUEST_ID_HEADER, request.id)
    if (!holdUntilReady(readiness, request, reply)) done()
  })
  app.addHook('onSend', (_request, reply, payload, done) => {
    closeConnectionWhileStopping(readiness, reply)
    done(null, payload)
  })
  app.addHook('onResponse', (request, reply, done) => {
    metrics.observe(request, reply)
    done()
  })
}
