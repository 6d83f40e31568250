/**
 * Per-client rate limiting with @fastify/rate-limit (https://github.com/fastify/fastify-rate-limit), counted per
 * client IP (`request.ip`, so behind a reverse proxy set `trustProxy`, or every client shares the proxy's count).
 * Every route and the not-found answer share one count per client; autodiscover routes, which parse a request
 * body and are what Outlook retries on every start, have their own tighter count. Over the limit a client gets
 * RATE_LIMITED (429, problem+json) with `Retry-After` and the `X-RateLimit-*` headers. Answers under the limit
 * carry none of them: mail clients do not pace themselves by them.
 *
 * The counts live in this process (the plugin's own store) or, given an ioredis client, in Redis through the
 * plugin's `redis` option, so that every replica counts a client once. A Redis that fails or times out lets the
 * request through uncounted (`skipOnError`) rather than failing it.
 *
 * The autodiscover group is part of the key (`keyGenerator`) and its limit comes from `max` as a function, not
 * from a per-route `config.rateLimit` with a `groupId`: the plugin gives each route with a limit of its own a
 * child store scoped to that route (RedisStore keys by method and URL), so two routes of one group would each
 * count a client in full (fastify/fastify-rate-limit#463). One store for every route counts a group once.
 */
import rateLimit, { normalizeIP } from '@fastify/rate-limit'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import type { Redis } from 'ioredis'
import { AppError } from '../../errors.ts'

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

/** One IPv6 client usually holds a whole /64 (the plugin's default too). */
const IPV6_SUBNET = 64

/** Where the counts live in Redis: `<prefix><client>` and `<prefix><client>:autodiscover`. */
export const REDIS_RATE_LIMIT_PREFIX = 'mail-autoconfig:rate-limit:'

/** Routes counted against the tighter autodiscover limit: every path under /autodiscover/, in any letter case. */
export function isAutodiscoverRoute (url: string): boolean {
  return url.toLowerCase().startsWith('/autodiscover/')
}

/** The autodiscover routes' suffix to a client's key. */
const AUTODISCOVER_GROUP = ':autodiscover'

export function autodiscoverMax (options: RateLimitOptions): number {
  return Math.max(1, Math.floor(options.max * AUTODISCOVER_SHARE))
}

/** The route's pattern, so every autodiscover route is one group; unmatched paths count with the other routes. */
function inAutodiscoverGroup (request: FastifyRequest): boolean {
  const route = request.routeOptions.url
  return route !== undefined && !request.is404 && isAutodiscoverRoute(route)
}

function retryMessage (after: string): string {
  return `Too many requests from this client; retry in ${after}.`
}

export interface RateLimitPluginOptions extends RateLimitOptions {
  /** Count in this Redis instead of in this process. */
  redis?: Redis | undefined
}

export const rateLimitPlugin = fp<RateLimitPluginOptions>(async (app: FastifyInstance, options) => {
  const tighter = autodiscoverMax(options)
  await app.register(rateLimit, {
    global: true,
    ...(options.redis === undefined ? {} : { redis: options.redis, nameSpace: REDIS_RATE_LIMIT_PREFIX, skipOnError: true }),
    keyGenerator: (request) => normalizeIP(request.ip, IPV6_SUBNET) + (inAutodiscoverGroup(request) ? AUTODISCOVER_GROUP : ''),
    max: (_request, key) => key.endsWith(AUTODISCOVER_GROUP) ? tighter : options.max,
    timeWindow: options.timeWindowMs,
    addHeadersOnExceeding: { 'x-ratelimit-limit': false, 'x-ratelimit-remaining': false, 'x-ratelimit-reset': false },
    errorResponseBuilder: (_request, context) => new AppError('RATE_LIMITED', retryMessage(context.after), { retryAfterSeconds: Math.ceil(context.ttl / 1000) }),
  })
}, { fastify: '5.x', name: 'rate-limit-policy' })
