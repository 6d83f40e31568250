/**
 * The load generator, run as a child process (see processes.ts): receives a LoadRequest over IPC, runs autocannon
 * (https://github.com/mcollina/autocannon) against it, and answers with the figures the benchmark reports.
 */
import autocannon from 'autocannon'

export interface LoadRequest {
  url: string
  method: 'GET' | 'POST'
  /** Requests cycled through per connection: path (with query), headers, body. */
  requests: Array<{ path: string, headers?: Record<string, string>, body?: string }>
  connections: number
  durationSeconds: number
  /** Stop after this many requests instead (autocannon's `amount`). */
  amount?: number
}

export interface LoadResult {
  requestsPerSecond: number
  /** Answers received during the run. */
  total: number
  p50Ms: number
  p99Ms: number
  /** Answers by status class, e.g. { '2xx': 1000, '4xx': 0 }. */
  statuses: Record<string, number>
  errors: number
  timeouts: number
}

async function runLoad (request: LoadRequest): Promise<LoadResult> {
  const result = await autocannon({
    url: request.url,
    method: request.method,
    connections: request.connections,
    duration: request.durationSeconds,
    ...(request.amount === undefined ? {} : { amount: request.amount }),
    requests: request.requests.map((r) => ({ method: request.method, path: r.path, headers: r.headers ?? {}, ...(r.body === undefined ? {} : { body: r.body }) })),
  })
  return {
    requestsPerSecond: result.requests.average,
    total: result.requests.total,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    statuses: { '1xx': result['1xx'], '2xx': result['2xx'], '3xx': result['3xx'], '4xx': result['4xx'], '5xx': result['5xx'] },
    errors: result.errors,
    timeouts: result.timeouts,
  }
}

process.on('message', (request) => {
  runLoad(request as LoadRequest).then((result) => process.send?.(result), (error: unknown) => {
    process.stderr.write(`load generator: ${String(error)}\n`)
    process.exit(1)
  })
})
