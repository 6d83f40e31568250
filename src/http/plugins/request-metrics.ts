/**
 * The two per-request metrics, requests by route kind and outcome and their duration by kind, tallied in plain
 * arrays and handed to prom-client when /metrics is scraped.
 *
 * Why not prom-client's Counter.inc and Histogram.observe on every request: even through `labels()`, each call
 * builds a label object, validates it and joins the label values into a string key before it adds one, a
 * large share of what the server adds to bare Fastify per request (bench/HISTORY.md). Adding one to an array slot
 * costs next to nothing. The Prometheus clients' answer for values kept outside the client is a
 * custom collector (https://prometheus.github.io/client_python/collector/custom/); here that is prom-client's own
 * `collect()` hook for the counter, which moves what was tallied since the last scrape into a regular Counter, and,
 * since prom-client's Histogram cannot take a bucket's count in one call, an object with the read side the
 * registry asks of every metric (`name`, `help`, `type`, `get()`, `reset()`). request-metrics.test.ts holds the
 * exposition equal to prom-client's own Counter and Histogram fed the same observations one by one.
 */
import { Counter, type Metric, type MetricValueWithName, type Registry } from 'prom-client'

export const ROUTE_KINDS = ['autoconfig', 'autodiscover', 'api', 'other'] as const
export type RouteKind = (typeof ROUTE_KINDS)[number]
export const OUTCOMES = ['served', 'not_found', 'bad_request', 'rate_limited', 'unavailable', 'error'] as const
export type Outcome = (typeof OUTCOMES)[number]

/** Seconds; most answers land in the first buckets, and anything past 0.1s is a problem. */
export const LATENCY_BUCKETS: readonly number[] = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5]

export const REQUESTS_METRIC = {
  name: 'mail_autoconfig_requests_total',
  help: 'Requests answered, by route kind (autoconfig, autodiscover, api, other) and outcome.',
} as const
export const DURATION_METRIC = {
  name: 'mail_autoconfig_request_duration_seconds',
  help: 'Time from receiving a request to sending its answer, by route kind.',
} as const

const KIND_INDEX = Object.fromEntries(ROUTE_KINDS.map((kind, i) => [kind, i])) as Record<RouteKind, number>
const OUTCOME_INDEX = Object.fromEntries(OUTCOMES.map((outcome, i) => [outcome, i])) as Record<Outcome, number>
/** Slot of kind k and outcome o in the request counts: k * OUTCOMES.length + o. */
const REQUEST_LABELS = ROUTE_KINDS.flatMap((kind) => OUTCOMES.map((outcome) => ({ kind, outcome })))
/** Buckets per kind: one per bound, and one for durations past the last (counted only in `+Inf`). */
const SLOTS_PER_KIND = LATENCY_BUCKETS.length + 1

/** The duration histogram's read side, as prom-client's registry reads a metric. */
class DurationCollector {
  readonly name = DURATION_METRIC.name
  readonly help = DURATION_METRIC.help
  readonly type = 'histogram'
  readonly aggregator = 'sum'
  /** Answers per kind and bucket (not cumulative), sum of seconds per kind, and answers per kind. */
  readonly buckets = new Float64Array(ROUTE_KINDS.length * SLOTS_PER_KIND)
  readonly sums = new Float64Array(ROUTE_KINDS.length)
  readonly counts = new Float64Array(ROUTE_KINDS.length)

  /** The samples prom-client's Histogram gives for the same observations: series in kind order, kinds seen only. */
  async get (): Promise<{ name: string, help: string, type: 'histogram', aggregator: 'sum', values: Array<MetricValueWithName<string>> }> {
    const values: Array<MetricValueWithName<string>> = []
    ROUTE_KINDS.forEach((kind, k) => {
      if (this.counts[k] === 0) return
      let cumulative = 0
      LATENCY_BUCKETS.forEach((le, b) => {
        cumulative += this.buckets[k * SLOTS_PER_KIND + b]!
        values.push({ labels: { le, kind }, value: cumulative, metricName: `${this.name}_bucket` })
      })
      values.push(
        { labels: { le: '+Inf', kind }, value: this.counts[k]!, metricName: `${this.name}_bucket` },
        { labels: { kind }, value: this.sums[k]!, metricName: `${this.name}_sum` },
        { labels: { kind }, value: this.counts[k]!, metricName: `${this.name}_count` },
      )
    })
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values }
  }

  /** `registry.resetMetrics()`. */
  reset (): void {
    this.buckets.fill(0)
    this.sums.fill(0)
    this.counts.fill(0)
  }
}

export class RequestMetrics {
  /** Answers per kind and outcome since start; `#reported` is what the counter has been given of them. */
  readonly #answers = new Float64Array(REQUEST_LABELS.length)
  readonly #reported = new Float64Array(REQUEST_LABELS.length)
  readonly #durations = new DurationCollector()

  constructor (registry: Registry) {
    const answers = this.#answers
    const reported = this.#reported
    const requests = new Counter({
      ...REQUESTS_METRIC,
      labelNames: ['kind', 'outcome'],
      registers: [registry],
      collect () {
        for (let i = 0; i < answers.length; i++) {
          const since = answers[i]! - reported[i]!
          if (since > 0) this.inc(REQUEST_LABELS[i]!, since)
          reported[i] = answers[i]!
        }
      },
    })
    // Zero series from the start, so rate() and alerts work before the first request of each kind.
    for (const kind of ROUTE_KINDS) requests.inc({ kind, outcome: 'served' }, 0)
    // The registry reads a metric through the members DurationCollector has (registry.js: name, type, get, reset);
    // its type names prom-client's four classes, hence the cast.
    registry.registerMetric(this.#durations as unknown as Metric)
  }

  /** One answer of `kind` with `outcome`, `seconds` after its request arrived. */
  record (kind: RouteKind, outcome: Outcome, seconds: number): void {
    const k = KIND_INDEX[kind]
    this.#answers[k * OUTCOMES.length + OUTCOME_INDEX[outcome]]! += 1
    let bucket = 0
    // As prom-client's findBound: the first bound the value does not exceed.
    while (bucket < LATENCY_BUCKETS.length && seconds > LATENCY_BUCKETS[bucket]!) bucket++
    const durations = this.#durations
    durations.buckets[k * SLOTS_PER_KIND + bucket]! += 1
    durations.sums[k]! += seconds
    durations.counts[k]! += 1
  }
}
