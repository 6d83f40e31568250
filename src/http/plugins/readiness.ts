/**
 * Whether the service can answer: `loading` until the first catalog is in, `ready`, then `stopping` from the
 * shutdown signal on. Shared as `app.readiness`; `/readyz` reports it, and while loading every route except the
 * operational ones answers 503 NOT_READY (with Retry-After) rather than a misleading 404 for a domain that is
 * merely not loaded yet. Once stopping, requests already accepted still finish, each answer closes its connection,
 * and Fastify answers 503 to new requests on connections still open (`return503OnClosing`).
 */
import fp from 'fastify-plugin'
import { sendProblem } from '../error-handler.ts'

export type ReadinessState = 'loading' | 'ready' | 'stopping'

export class Readiness {
  #state: ReadinessState
  constructor (state: ReadinessState = 'ready') {
    this.#state = state
  }

  get state (): ReadinessState {
    return this.#state
  }

  markReady (): void {
    if (this.#state === 'loading') this.#state = 'ready'
  }

  markStopping (): void {
    this.#state = 'stopping'
  }
}

declare module 'fastify' {
  interface FastifyInstance {
    readiness: Readiness
  }
}

/** Seconds a client should wait before retrying while providers load. */
export const LOADING_RETRY_AFTER = 2

export const readinessPlugin = fp<{ readiness: Readiness }>(async (app, { readiness }) => {
  app.decorate('readiness', readiness)
  // Callback-style hooks: these run on every request, and an async hook costs a promise and a microtask each time.
  app.addHook('onRequest', (request, reply, done) => {
    if (readiness.state !== 'loading' || request.routeOptions.config.operational === true) return done()
    reply.header('retry-after', String(LOADING_RETRY_AFTER))
    sendProblem(reply, 'NOT_READY', 'Providers are still loading; retry in a moment.')
  })
  // A keep-alive connection would otherwise hold the closing server open until the shutdown timeout.
  app.addHook('onSend', (_request, reply, payload, done) => {
    if (readiness.state === 'stopping') reply.header('connection', 'close')
    done(null, payload)
  })
}, { fastify: '5.x', name: 'readiness' })
