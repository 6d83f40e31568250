/**
 * The load generator, run as a child process (see processes.ts): receives a LoadRequest over IPC, runs autocannon
 * (https://github.com/mcollina/autocannon) against it, and answers with the run (load-result.ts) for the benchmark
 * to sum up.
 */
import autocannon from 'autocannon'
import { LATENCY_STEP_MS, type LoadRun } from './load-result.ts'

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

async function runLoad (request: LoadRequest): Promise<LoadRun> {
  const run = autocannon({
    url: request.url,
    method: request.method,
    connections: request.connections,
    duration: request.durationSeconds,
    // A run ends at the first sample after its duration; sampled every second, a quarter-second run would take one.
    sampleInt: 100,
    ...(request.amount === undefined ? {} : { amount: request.amount }),
    requests: request.requests.map((r) => ({ method: request.method, path: r.path, headers: r.headers ?? {}, ...(r.body === undefined ? {} : { body: r.body }) })),
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
  return {
    answers,
    flowSeconds: (last - first) / 1000,
    latencySteps: Object.fromEntries(latencySteps),
    statuses: { '1xx': result['1xx'], '2xx': result['2xx'], '3xx': result['3xx'], '4xx': result['4xx'], '5xx': result['5xx'] },
    errors: result.errors,
    timeouts: result.timeouts,
  }
}

process.on('message', (request) => {
  runLoad(request as LoadRequest).then((run) => process.send?.(run), (error: unknown) => {
    process.stderr.write(`load generator: ${String(error)}\n`)
    process.exit(1)
  })
})
