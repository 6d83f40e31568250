/**
 * Whether the service can answer: `loading` until the first catalog is in, `ready`, then `stopping` from the
 * shutdown signal on. Shared as `app.readiness`; `/readyz` reports it, and while loading every route except the
 * operational ones answers 503 NOT_READY (with Retry-After) rather than a misleading 404 for a domain that is
 * merely not loaded yet. Once stopping, requests already accepted still finish, each answer closes its connection,
 * and Fastify answers 503 to new requests on connections still open (`return503OnClosing`).
 */
import type { FastifyReply, FastifyRequest } from 'fastify'
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

/**
 * Holds a request while providers load: answers 503 NOT_READY with Retry-After, except on operational routes.
 * Returns true when it answered.
 */
export function holdUntilReady (readiness: Readiness, request: FastifyRequest, reply: FastifyReply): boolean {
  if (readiness.state !== 'loading') return false
  if (request.routeOptions.config.operational === true) return false
  reply.header('retry-after', String(LOADING_RETRY_AFTER))
  sendProblem(reply, 'NOT_READY', 'Providers are still loading; retry in a moment.')
  return true
}

/**
 * Once stopping, every answer says `Connection: close`, a request that was already running when stopping began
 * included, so Node ends the connection after it (RFC 9112 §9.6) instead of keeping it for the shutdown timeout.
 */
export function closeConnectionWhileStopping (readiness: Readiness, reply: FastifyReply): void {
  if (readiness.state === 'stopping') reply.header('connection', 'close')
}

/** Shares `app.readiness`; the checks above run in the shared request hooks (request-hooks.ts). */
export const readinessPlugin = fp<{ readiness: Readiness }>(async (app, { readiness }) => {
  app.decorate('readiness', readiness)
}, { fastify: '5.x', name: 'readiness' })
