import { test } from 'tap'
import { failedRequests, joinRuns, LATENCY_STEP_MS, median, type LoadRun } from '../../bench/load-result.ts'

/** A run of `answers` answers over `flowSeconds`, with the given latencies (ms) counted. */
function run (answers: number, flowSeconds: number, latenciesMs: Record<number, number>, statuses: Record<string, number> = { '2xx': answers }): LoadRun {
  const latencySteps = Object.fromEntries(Object.entries(latenciesMs).map(([ms, n]) => [String(Math.round(Number(ms) / LATENCY_STEP_MS)), n]))
  return { answers, flowSeconds, latencySteps, statuses, errors: 0, timeouts: 0 }
}

test('one run: answers after the first over the span from the first to the last, percentiles of the counted latencies', async (t) => {
  const result = joinRuns([run(1001, 0.5, { 1: 50, 2: 40, 9.5: 9, 30: 1 })])
  t.equal(result.requestsPerSecond, 2000)
  t.equal(result.total, 1001)
  t.equal(result.p50Ms, 1)
  t.equal(result.p99Ms, 9.5)
  t.same(result.statuses, { '2xx': 1001 })
})

test('runs join as one: rates over the summed spans, percentiles over the summed counts, statuses and errors added', async (t) => {
  const fast = { ...run(2001, 0.5, { 1: 98, 2: 1, 3: 1 }, { '2xx': 2000, '4xx': 1 }), errors: 1 }
  const slow = { ...run(501, 0.5, { 20: 2 }, { '2xx': 501 }), timeouts: 2 }
  const result = joinRuns([fast, slow])
  // (2000 + 500) intervals over 1 s, not the mean of 4000 and 1000 req/s.
  t.equal(result.requestsPerSecond, 2500)
  t.equal(result.total, 2502)
  // 102 latencies counted: the 99th percentile is the 101st, one of the slow run's.
  t.equal(result.p50Ms, 1)
  t.equal(result.p99Ms, 20)
  t.same(result.statuses, { '2xx': 2501, '4xx': 1 })
  t.equal(result.errors, 1)
  t.equal(result.timeouts, 2)
  t.same(result.loadRuns, [fast, slow])
})

test('a run with one answer or none adds no span; no runs at all is refused', async (t) => {
  const result = joinRuns([run(0, 0, {}), run(1, 0, {}), run(11, 0.01, { 4: 10 })])
  t.equal(result.requestsPerSecond, 1000)
  t.equal(result.total, 12)
  t.equal(result.p99Ms, 4)
  t.equal(joinRuns([run(0, 0, {})]).requestsPerSecond, 0)
  t.equal(joinRuns([run(0, 0, {})]).p99Ms, 0)
  t.throws(() => joinRuns([]), RangeError)
})

test('median: the middle value, or the mean of the two middle ones', async (t) => {
  t.equal(median([3, 1, 2]), 2)
  t.equal(median([4, 1, 3, 2]), 2.5)
  t.equal(median([7]), 7)
})

test('failed requests: connection errors, timeouts and 5xx answers, not 4xx', async (t) => {
  const result = joinRuns([{ ...run(10, 1, { 1: 9 }, { '2xx': 6, '4xx': 2, '5xx': 2 }), errors: 3, timeouts: 1 }])
  t.equal(failedRequests(result), 6)
  t.equal(failedRequests(joinRuns([run(10, 1, { 1: 9 })])), 0)
})
