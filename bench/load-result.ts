/**
 * What a load run measured, in a form that joins: several short runs against one target (run.ts's turns) give the
 * rate and percentiles of all their answers together, as one long run would.
 *
 * Measured over the answers' flow, not the run's wall time: autocannon builds every connection's requests before
 * sending any (50 connections × 100 distinct requests took 100–160 ms, against 20–30 ms for 3, before each
 * connection took only its share, spread-requests.ts), and in a quarter-second run that start alone cut the large
 * catalog's req/s by a quarter to a third, for the real and the bare server alike. For the same reason each
 * connection's first answer, whose time includes that start and the TCP handshake, is left out of the latencies;
 * the 50 of them are over 1 % of a short run's answers and would be its p99.
 */

/** Latencies are counted in steps of this many milliseconds. */
export const LATENCY_STEP_MS = 0.1

/** One run's figures, as the load generator sends them. */
export interface LoadRun {
  /** Answers received. */
  answers: number
  /** From the first answer to the last: the answers after the first arrived over this span. */
  flowSeconds: number
  /** Answers by latency in LATENCY_STEP_MS steps (key: steps), each connection's first answer left out. */
  latencySteps: Record<string, number>
  /** Answers by status class, e.g. { '2xx': 1000, '4xx': 0 }. */
  statuses: Record<string, number>
  errors: number
  timeouts: number
}

export interface LoadResult {
  /** Answers per second while they flowed. */
  requestsPerSecond: number
  /** Answers received. */
  total: number
  p50Ms: number
  p99Ms: number
  statuses: Record<string, number>
  errors: number
  timeouts: number
  /** The runs this result joins, to join again with others (left out of the benchmark's JSON). */
  loadRuns: LoadRun[]
}

/** The latency under which a `share` of the counted answers came, in ms (0 when none were counted). */
function percentile (sortedSteps: Array<[number, number]>, counted: number, share: number): number {
  const wanted = Math.ceil(counted * share)
  let seen = 0
  for (const [step, n] of sortedSteps) {
    seen += n
    if (seen >= wanted) return Number((step * LATENCY_STEP_MS).toFixed(1))
  }
  return 0
}

/** One result for one or more runs against the same target. */
export function joinRuns (runs: LoadRun[]): LoadResult {
  if (runs.length === 0) throw new RangeError('no runs to join')
  const steps = new Map<number, number>()
  const statuses: Record<string, number> = {}
  let total = 0
  let intervals = 0
  let flowSeconds = 0
  let errors = 0
  let timeouts = 0
  for (const run of runs) {
    total += run.answers
    if (run.answers > 1) {
      intervals += run.answers - 1
      flowSeconds += run.flowSeconds
    }
    errors += run.errors
    timeouts += run.timeouts
    for (const [step, n] of Object.entries(run.latencySteps)) steps.set(Number(step), (steps.get(Number(step)) ?? 0) + n)
    for (const [status, n] of Object.entries(run.statuses)) statuses[status] = (statuses[status] ?? 0) + n
  }
  const sortedSteps = [...steps].sort(([a], [b]) => a - b)
  const counted = sortedSteps.reduce((sum, [, n]) => sum + n, 0)
  return {
    requestsPerSecond: flowSeconds === 0 ? 0 : intervals / flowSeconds,
    total,
    p50Ms: percentile(sortedSteps, counted, 0.5),
    p99Ms: percentile(sortedSteps, counted, 0.99),
    statuses,
    errors,
    timeouts,
    loadRuns: runs,
  }
}

/** The middle value (the mean of the two middle ones for an even count). */
export function median (values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

/** Requests that did not get an answer a client can use: connection errors, timeouts, 5xx. */
export function failedRequests (result: LoadResult): number {
  return result.errors + result.timeouts + (result.statuses['5xx'] ?? 0)
}
