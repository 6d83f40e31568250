import { Counter, Histogram, Registry } from 'prom-client'
import t from 'tap'
import { DURATION_METRIC, LATENCY_BUCKETS, OUTCOMES, REQUESTS_METRIC, RequestMetrics, ROUTE_KINDS, type Outcome, type RouteKind } from '../../../src/http/plugins/request-metrics.ts'

type Observation = [RouteKind, Outcome, number]

/** prom-client's own Counter and Histogram, fed one observation at a time: what RequestMetrics must expose. */
function reference (): { registry: Registry, record: (...o: Observation) => void } {
  const registry = new Registry()
  const requests = new Counter({ ...REQUESTS_METRIC, labelNames: ['kind', 'outcome'], registers: [registry] })
  const duration = new Histogram({ ...DURATION_METRIC, labelNames: ['kind'], buckets: [...LATENCY_BUCKETS], registers: [registry] })
  for (const kind of ROUTE_KINDS) requests.inc({ kind, outcome: 'served' }, 0)
  return {
    registry,
    record: (kind, outcome, seconds) => {
      requests.inc({ kind, outcome })
      duration.observe({ kind }, seconds)
    },
  }
}

function tallied (): { registry: Registry, record: (...o: Observation) => void } {
  const registry = new Registry()
  const metrics = new RequestMetrics(registry)
  return { registry, record: (kind, outcome, seconds) => metrics.record(kind, outcome, seconds) }
}

/** prom-client's own metrics and RequestMetrics side by side, each observation recorded in both. */
function sideBySide (): { expected: Registry, actual: Registry, record: (...o: Observation) => void } {
  const expected = reference()
  const actual = tallied()
  return {
    expected: expected.registry,
    actual: actual.registry,
    record: (...o) => {
      expected.record(...o)
      actual.record(...o)
    },
  }
}

/** Exposition lines, sorted: Prometheus does not order series within a family, prom-client keeps first-seen order. */
async function lines (registry: Registry): Promise<string[]> {
  return (await registry.metrics()).split('\n').sort()
}

/** Every kind and outcome, durations on and around every bucket bound, zero, and past the last bound. */
function observations (): Observation[] {
  const seconds = [0, 0.0001, ...LATENCY_BUCKETS.flatMap((bound) => [bound, bound * 1.01]), 3, 60]
  const out: Observation[] = []
  ROUTE_KINDS.slice(0, 3).forEach((kind, k) => {
    OUTCOMES.forEach((outcome, o) => {
      for (let i = 0; i < seconds.length; i += 1 + ((k + o) % 3)) out.push([kind, outcome, seconds[i]!])
    })
  })
  return out
}

t.test('exposition equals prom-client fed the same observations one by one', async (t) => {
  const { expected, actual, record } = sideBySide()
  t.same(await lines(actual), await lines(expected), 'before any request: the zero series only')

  const batch = observations()
  for (const o of batch) record(...o)
  const first = await lines(actual)
  t.same(first, await lines(expected), 'after the first batch')
  t.ok(first.includes(`${DURATION_METRIC.name}_bucket{le="+Inf",kind="autoconfig"} ${batch.filter(([kind]) => kind === 'autoconfig').length}`))
  t.notOk(first.some((line) => line.includes('kind="other"') && line.startsWith(DURATION_METRIC.name)), 'a kind never seen has no duration series')
  t.same(await lines(actual), first, 'a second scrape with nothing new changes nothing')

  for (const o of batch.slice(0, 17)) record(...o)
  record('other', 'error', 0.003)
  t.same(await lines(actual), await lines(expected), 'after more, between scrapes')
})

t.test('the JSON form prom-client offers is equal too', async (t) => {
  const { expected, actual, record } = sideBySide()
  for (const o of observations()) record(...o)
  const byName = async (registry: Registry) => Object.fromEntries((await registry.getMetricsAsJSON()).map((m) => [m.name, m]))
  const want = await byName(expected)
  const got = await byName(actual)
  // prom-client's JSON also carries `exemplar: null` on buckets, outside its typed contract (value, labels, metricName).
  type Sample = { value: number, labels: Record<string, unknown>, metricName?: string, exemplar?: unknown }
  const keyOf = (v: Sample) => `${v.metricName} ${Object.entries(v.labels).map(([k, l]) => `${k}=${String(l)}`).sort().join(',')}`
  const sorted = (values: Sample[]) => values.map(({ exemplar: _, ...v }) => v).sort((a, b) => keyOf(a).localeCompare(keyOf(b)))
  for (const name of [REQUESTS_METRIC.name, DURATION_METRIC.name]) {
    t.equal(got[name]!.type, want[name]!.type, `${name} type`)
    t.equal(got[name]!.help, want[name]!.help, `${name} help`)
    t.same(sorted(got[name]!.values), sorted(want[name]!.values), `${name} values`)
  }
})

t.test('resetMetrics empties both, and counting goes on from zero', async (t) => {
  const { expected, actual, record } = sideBySide()
  for (const o of observations()) record(...o)
  await actual.metrics()
  expected.resetMetrics()
  actual.resetMetrics()
  t.same(await lines(actual), await lines(expected), 'after the reset')
  record('api', 'served', 0.0002)
  t.same(await lines(actual), await lines(expected), 'one answer after the reset')
})
