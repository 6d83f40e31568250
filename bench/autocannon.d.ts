/** The part of autocannon's API the benchmark uses (the package ships no types). */
declare module 'autocannon' {
  interface AutocannonRequest {
    method?: string
    path?: string
    headers?: Record<string, string>
    body?: string
  }
  interface AutocannonOptions {
    url: string
    method?: string
    connections?: number
    duration?: number
    amount?: number
    /** Milliseconds between samples; a run ends at the first sample after its duration. */
    sampleInt?: number
    requests?: AutocannonRequest[]
    /** Called once for each connection as it is made, in order. */
    setupClient?: (client: AutocannonClient) => void
  }
  /** A connection. */
  interface AutocannonClient {
    /** Replaces the requests this connection cycles through. */
    setRequests (requests: AutocannonRequest[]): void
  }
  /** The totals the benchmark reads; rates and latencies it counts itself from 'response' events (load-run.ts). */
  interface AutocannonResult {
    errors: number
    timeouts: number
    '1xx': number
    '2xx': number
    '3xx': number
    '4xx': number
    '5xx': number
  }
  /** The run: a promise of its result, and an emitter of each answer as it arrives. */
  interface AutocannonRun extends PromiseLike<AutocannonResult> {
    /** Every answer: the connection's client, its status, its size, and milliseconds since the request was sent. */
    on (event: 'response', listener: (client: object, statusCode: number, bytes: number, responseTimeMs: number) => void): this
  }
  function autocannon (options: AutocannonOptions): AutocannonRun
  export default autocannon
}
