/**
 * Per-client rate limiting with @fastify/rate-limit (https://github.com/fastify/fastify-rate-limit), counted per
 * client IP (`request.ip`, so behind a reverse proxy set `trustProxy`, or every client shares the proxy's count).
 * Every route and the not-found answer share one count per client; autodiscover routes, which parse a request
 * body and are what Outlook retries on every start, have their own tighter count. Over the limit a client gets
 * RATE_LIMITED (429, problem+json) with `Retry-After` and the `X-RateLimit-*` headers. Answers under the limit
 * carry none of them: mail clients do not pace themselves by them.
 */
import rateLimit from '@fastify/rate-limit'
import type { FastifyInstance, RouteOptions } from 'fastify'
import fp from 'fastify-plugin'
import { AppError } from '../../errors.ts'
import { GroupedLocalStore } from './rate-limit-store.ts'

export interface RateLimitOptions {
  /** Requests one client may make per window, over all routes together. */
  max: number
  timeWindowMs: number
}

/**
 * Ten requests a second per client, sustained for a minute. A mail client needs a handful to set up one account;
 * the headroom is for many users behind one NAT address (an office, a carrier-grade NAT).
 */
export const DEFAULT_RATE_LIMIT: RateLimitOptions = { max: 600, timeWindowMs: 60_000 }

/** Autodiscover routes allow this share of `max` per window, counted on their own. */
export const AUTODISCOVER_SHARE = 0.2

/** Routes counted against the tighter autodiscover limit: every path under /autodiscover/, in any letter case. */
export function isAutodiscoverRoute (url: string): boolean {
  return url.toLowerCase().startsWith('/autodiscover/')
}

/** The autodiscover routes' `groupId`; the plugin appends a route's group to the client's key. */
const AUTODISCOVER_GROUP = 'autodiscover'

export function autodiscoverMax (options: RateLimitOptions): number {
  return Math.max(1, Math.floor(options.max * AUTODISCOVER_SHARE))
}

function retryMessage (after: string): string {
  return `Too many requests from this client; retry in ${after}.`
}

export const rateLimitPlugin = fp<RateLimitOptions>(async (app: FastifyInstance, options) => {
  const tighter = { max: autodiscoverMax(options), timeWindow: options.timeWindowMs, groupId: AUTODISCOVER_GROUP }
  // Runs before @fastify/rate-limit's own onRoute hook (registered below), which reads `config.rateLimit`.
  // A route that sets its own `config.rateLimit` keeps it.
  app.addHook('onRoute', (route: RouteOptions) => {
    if (!isAutodiscoverRoute(route.url) || route.config?.rateLimit !== undefined) return
    route.config = { ...route.config, rateLimit: tighter }
  })
  await app.register(rateLimit, {
    global: true,
    store: GroupedLocalStore,
    max: options.max,
    timeWindow: options.timeWindowMs,
    addHeadersOnExceeding: { 'x-ratelimit-limit': false, 'x-ratelimit-remaining': false, 'x-ratelimit-reset': false },
    errorResponseBuilder: (_request, context) => new AppError('RATE_LIMITED', retryMessage(context.after), { retryAfterSeconds: Math.ceil(context.ttl / 1000) }),
  })
}, { fastify: '5.x', name: 'rate-limit-policy' })
