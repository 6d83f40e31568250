/**
 * Prometheus metrics (prom-client), shared as `app.metrics` and scraped at `GET /metrics` (see routes/health.ts).
 * Each app has its own registry, so several apps in one process (tests) never mix their counts.
 *
 * Requests are counted by route kind (autoconfig, autodiscover, api, apple, other) and outcome, both small fixed
 * sets so the series stay few; the domain or address asked about is never a label. The outcome comes from the status
 * code unless a route says otherwise (`reply.outcome`), e.g. an autodiscover Error document sent with a 200.
 * Operational routes (`config.operational`) are not counted: probes every few seconds would drown real traffic.
 */
import type { FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client'
import type { ProviderLookup } from '../../catalog/lookup.ts'
import { MX_OUTCOMES, type MxStats } from '../../dns/mx-resolver.ts'
import type { RedisStats } from '../../redis/connection.ts'

export const ROUTE_KINDS = ['autoconfig', 'autodiscover', 'api', 'apple', 'other'] as const
export type RouteKind = (typeof ROUTE_KINDS)[number]
export const OUTCOMES = ['served', 'not_found', 'bad_request', 'rate_limited', 'unavailable', 'error'] as const
export type Outcome = (typeof OUTCOMES)[number]

/** Seconds; most answers land in the first buckets, and anything past 0.1s is a problem. */
export const LATENCY_BUCKETS: readonly number[] = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5]

declare module 'fastify' {
  interface FastifyInstance {
    metrics: ServiceMetrics
  }
  interface FastifyReply {
    /** Set by a route whose status code does not tell its outcome (an error document sent with a 200). */
    outcome: Outcome | null
  }
  interface FastifyContextConfig {
    /** Health, readiness and metrics: not counted, not rate-limited, answered while providers load. */
    operational?: boolean
  }
}

/** The kind of a route, from its tags, else from its path (also for requests no route matched). */
export function routeKind (url: string, tags: readonly string[] = []): RouteKind {
  for (const tag of tags) {
    if (tag === 'autoconfig' || tag === 'autodiscover' || tag === 'api' || tag === 'apple') return tag
  }
  const path = url.toLowerCase()
  if (path.startsWith('/api/')) return 'api'
  if (path.includes('.mobileconfig') || path.startsWith('/mobileconfig')) return 'apple'
  if (path.includes('autodiscover')) return 'autodiscover'
  if (path.includes('config-v1.1.xml') || path.startsWith('/v1.1/') || path.startsWith('/.well-known/autoconfig/')) return 'autoconfig'
  return 'other'
}

export function outcomeOf (statusCode: number): Outcome {
  if (statusCode < 400) return 'served'
  if (statusCode === 404) return 'not_found'
  if (statusCode === 429) return 'rate_limited'
  if (statusCode === 503) return 'unavailable'
  if (statusCode < 500) return 'bad_request'
  return 'error'
}

export class ServiceMetrics {
  readonly registry = new Registry()
  readonly requests: Counter<'kind' | 'outcome'>
  readonly requestDuration: Histogram<'kind'>
  readonly providersLoaded: Gauge
  readonly domainsLoaded: Gauge
  readonly reloads: Counter
  readonly reloadFailures: Counter
  readonly lastReload: Gauge
  /** Only when unknown domains are looked up by MX. */
  readonly mxLookups: Counter | undefined
  readonly mxCacheHits: Counter | undefined
  readonly mxCoalesced: Counter | undefined
  /** Only when a Redis is shared (REDIS_URL). */
  readonly redisUp: Gauge | undefined
  readonly redisErrors: Counter | undefined
  readonly rateLimitFailOpen: Counter | undefined

  constructor (lookup: ProviderLookup, options: { processMetrics?: boolean, mxStats?: MxStats | undefined, redisStats?: RedisStats | undefined } = {}) {
    const registers = [this.registry]
    this.requests = new Counter({
      name: 'mail_autoconfig_requests_total',
      help: 'Requests answered, by route kind (autoconfig, autodiscover, api, apple, other) and outcome.',
      labelNames: ['kind', 'outcome'],
      registers,
    })
    this.requestDuration = new Histogram({
      name: 'mail_autoconfig_request_duration_seconds',
      help: 'Time from receiving a request to sending its answer, by route kind.',
      labelNames: ['kind'],
      buckets: [...LATENCY_BUCKETS],
      registers,
    })
    // Zero series from the start, so rate() and alerts work before the first request of each kind.
    for (const kind of ROUTE_KINDS) this.requests.inc({ kind, outcome: 'served' }, 0)
    this.providersLoaded = new Gauge({
      name: 'mail_autoconfig_providers_loaded',
      help: 'Providers in the catalog being served.',
      registers,
      collect () { this.set(lookup.catalog.providers.size) },
    })
    this.domainsLoaded = new Gauge({
      name: 'mail_autoconfig_domains_loaded',
      help: 'Domains and wildcard domains in the catalog being served.',
      registers,
      collect () { this.set(lookup.catalog.domainCount) },
    })
    this.reloads = new Counter({
      name: 'mail_autoconfig_reloads_total',
      help: 'Provider reloads attempted after start-up (file changes and SIGHUP).',
      registers,
    })
    this.reloadFailures = new Counter({
      name: 'mail_autoconfig_reload_failures_total',
      help: 'Provider reloads rejected because a file was invalid; the previous catalog kept serving.',
      registers,
    })
    this.lastReload = new Gauge({
      name: 'mail_autoconfig_last_successful_reload_timestamp_seconds',
      help: 'Unix time the catalog being served was loaded (start-up or the last successful reload).',
      registers,
    })
    this.reloads.inc(0)
    this.reloadFailures.inc(0)
    const mx = options.mxStats
    if (mx !== undefined) {
      // The resolver counts; each scrape copies its totals (it knows nothing of Prometheus).
      this.mxLookups = new Counter({
        name: 'mail_autoconfig_mx_lookups_total',
        help: 'MX lookups of domains no provider lists, by outcome: found, nxdomain, no_mx, failed, timeout, or busy (refused at the cap on queries in flight).',
        labelNames: ['outcome'],
        registers,
        collect () {
          this.reset()
          for (const outcome of MX_OUTCOMES) this.inc({ outcome }, mx.lookups[outcome])
        },
      })
      this.mxCacheHits = new Counter({
        name: 'mail_autoconfig_mx_cache_hits_total',
        help: 'MX lookups answered from the cache of DNS answers, without a query.',
        registers,
        collect () {
          this.reset()
          this.inc(mx.cacheHits)
        },
      })
      this.mxCoalesced = new Counter({
        name: 'mail_autoconfig_mx_coalesced_total',
        help: 'MX lookups that joined a query already running for the same domain.',
        registers,
        collect () {
          this.reset()
          this.inc(mx.coalesced)
        },
      })
    }
    const redis = options.redisStats
    if (redis !== undefined) {
      // The connection counts; each scrape copies its state.
      this.redisUp = new Gauge({
        name: 'mail_autoconfig_redis_up',
        help: '1 while the shared Redis (REDIS_URL) answers, 0 during an outage; requests are served either way.',
        registers,
        collect () { this.set(redis.up ? 1 : 0) },
      })
      this.redisErrors = new Counter({
        name: 'mail_autoconfig_redis_errors_total',
        help: 'Redis commands that failed (not connected, past REDIS_TIMEOUT, an error reply); each request went on without it.',
        registers,
        collect () {
          this.reset()
          this.inc(redis.errors)
        },
      })
      this.rateLimitFailOpen = new Counter({
        name: 'mail_autoconfig_rate_limit_fail_open_total',
        help: 'Requests let through without a rate-limit count because Redis failed to count them.',
        registers,
        collect () {
          this.reset()
          this.inc(redis.failOpens)
        },
      })
    }
    if (options.processMetrics !== false) collectDefaultMetrics({ register: this.registry })
  }

  /** The catalog loaded at start-up. */
  catalogLoaded (at: Date = new Date()): void {
    this.lastReload.set(at.getTime() / 1000)
  }

  reloadSucceeded (at: Date = new Date()): void {
    this.reloads.inc()
    this.catalogLoaded(at)
  }

  reloadFailed (): void {
    this.reloads.inc()
    this.reloadFailures.inc()
  }

  /** Counts an answered request (from the shared onResponse hook, request-hooks.ts); operational routes are not counted. */
  observe (request: FastifyRequest, reply: FastifyReply): void {
    const { config, url, schema } = request.routeOptions
    if (config.operational === true) return
    // The not-found handler's pattern matches every unknown path; those are classified by their own URL.
    const kind = routeKind(request.is404 ? request.url : url ?? request.url, schema?.tags)
    this.requests.inc({ kind, outcome: reply.outcome ?? outcomeOf(reply.statusCode) })
    this.requestDuration.observe({ kind }, reply.elapsedTime / 1000)
  }
}

export const metricsPlugin = fp<{ lookup: ProviderLookup, processMetrics?: boolean, mxStats?: MxStats | undefined, redisStats?: RedisStats | undefined }>(async (app, { lookup, processMetrics, mxStats, redisStats }) => {
  const metrics = new ServiceMetrics(lookup, { ...(processMetrics === undefined ? {} : { processMetrics }), mxStats, redisStats })
  app.decorate('metrics', metrics)
  app.decorateReply('outcome', null)
}, { fastify: '5.x', name: 'metrics', dependencies: ['providers'] })
