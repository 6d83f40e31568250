/**
 * One load run: autocannon (https://github.com/mcollina/autocannon) against a target, its requests spread over the
 * connections (spread-requests.ts), and the flow of answers counted as they arrive (load-result.ts).
 */
import autocannon from 'autocannon'
import { LATENCY_STEP_MS, type LoadRun } from './load-result.ts'
import { requestsForConnection } from './spread-requests.ts'

export interface LoadRequest {
  url: string
  method: 'GET' | 'POST'
  /** The requests asked, path (with query), headers, body: spread over the connections, each cycling its share (spread-requests.ts). */
  requests: Array<{ path: string, headers?: Record<string, string>, body?: string }>
  connections: number
  durationSeconds: number
  /** Stop after this many requests instead (autocannon's `amount`). */
  amount?: number
}

export async function runLoad (request: LoadRequest): Promise<LoadRun> {
  const requests = request.requests.map((r) => ({ method: request.method, path: r.path, headers: r.headers ?? {}, ...(r.body === undefined ? {} : { body: r.body }) }))
  // autocannon makes its connections one after another, each calling setupClient once, so a count numbers them.
  let connection = 0
  const run = autocannon({
    url: request.url,
    method: request.method,
    connections: request.connections,
    duration: request.durationSeconds,
    // A run ends at the first sample after its duration; sampled every second, a quarter-second run would take one.
    sampleInt: 100,
    ...(request.amount === undefined ? {} : { amount: request.amount }),
    // Each connection first builds the first request alone, then its own share; autocannon's iterator writes into the
    // request objects it is given, so each connection gets copies.
    requests: [{ ...requests[0]! }],
    setupClient: (client) => {
      client.setRequests(requestsForConnection(requests, request.connections, connection++).map((r) => ({ ...r })))
    },
  })
  // The flow of answers and their latencies (load-result.ts says why not autocannon's own figures).
  const latencySteps = new Map<number, number>()
  const answered = new WeakSet<object>()
  let answers = 0
  let first = 0
  let last = 0
  run.on('response', (client, _statusCode, _bytes, responseTimeMs) => {
    last = performance.now()
    if (answers++ === 0) first = last
    if (!answered.has(client)) {
      answered.add(client)
      return
    }
    const step = Math.round(responseTimeMs / LATENCY_STEP_MS)
    latencySteps.set(step, (latencySteps.get(step) ?? 0) + 1)
  })
  const result = await run
  if (connection !== request.connections) throw new Error(`autocannon set up ${connection} connections, not ${request.connections}: the requests were not spread as meant`)
  return {
    answers,
    flowSeconds: (last - first) / 1000,
    latencySteps: Object.fromEntries(latencySteps),
    statuses: { '1xx': result['1xx'], '2xx': result['2xx'], '3xx': result['3xx'], '4xx': result['4xx'], '5xx': result['5xx'] },
    errors: result.errors,
    timeouts: result.timeouts,
  }
}
