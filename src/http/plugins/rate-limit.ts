/**
 * Per-client rate limiting with @fastify/rate-limit (https://github.com/fastify/fastify-rate-limit), counted per
 * client IP (`request.ip`, so behind a reverse proxy set `trustProxy`, or every client shares the proxy's count).
 * Every route and the not-found answer share one count per client; autodiscover routes, which parse a request
 * body and are what Outlook retries on every start, have their own tighter count. Over the limit a client gets
 * RATE_LIMITED (429, problem+json) with `Retry-After` and the `X-RateLimit-*` headers. Answers under the limit
 * carry none of them: mail clients do not pace themselves by them, and every header is bytes on the hot path.
 */
import rateLimit, { normalizeIP } from '@fastify/rate-limit'
import type { FastifyInstance, RouteOptions } from 'fastify'
import fp from 'fastify-plugin'
import { AppError } from '../../errors.ts'
import { GroupedLocalStore } from '../rate-limit-store.ts'

declare module 'fastify' {
  interface FastifyInstance {
    /** The shared per-client count, for answers sent outside Fastify's hooks (fast-path/); absent when limiting is off. */
    rateLimitCounter?: RateLimitCounter
  }
}

/** Counts requests as the plugin's hook does: against the limit all routes share, or the autodiscover routes' own. */
export interface RateLimitCounter {
  /** Counts one request from `ip` (as `request.ip` gives it); false when that puts the client over the limit. */
  countRequest (ip: string): boolean
  /** The same, against the autodiscover routes' count and limit. */
  countAutodiscoverRequest (ip: string): boolean
}

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
  // The store is made by the plugin (`new Store(options)`); this one keeps a hold on it for `countRequest`.
  let store: GroupedLocalStore | undefined
  class CountedStore extends GroupedLocalStore {
    constructor () {
      super()
      store ??= this
    }
  }
  await app.register(rateLimit, {
    global: true,
    store: CountedStore,
    max: options.max,
    timeWindow: options.timeWindowMs,
    addHeadersOnExceeding: { 'x-ratelimit-limit': false, 'x-ratelimit-remaining': false, 'x-ratelimit-reset': false },
    errorResponseBuilder: (_request, context) => new AppError('RATE_LIMITED', retryMessage(context.after), { retryAfterSeconds: Math.ceil(context.ttl / 1000) }),
  })
  const counts = store!
  // The plugin's own key for a client (its default key generator: IPv6 by /64, anything else lower-cased, which
  // normalizeIP decides with a long IPv6 pattern that no colon-free string can match) and its comparison.
  const keyOf = (ip: string) => ip.includes(':') ? normalizeIP(ip) : ip.toLowerCase()
  const { max: groupMax } = tighter
  app.decorate('rateLimitCounter', {
    countRequest: (ip: string) => counts.count(keyOf(ip), options.timeWindowMs, options.max).current <= options.max,
    countAutodiscoverRequest: (ip: string) => counts.count(keyOf(ip) + AUTODISCOVER_GROUP, options.timeWindowMs, groupMax).current <= groupMax,
  })
}, { fastify: '5.x', name: 'rate-limit-policy' })
