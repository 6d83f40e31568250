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
    requests?: AutocannonRequest[]
  }
  interface Histogram { average: number, p50: number, p99: number }
  interface AutocannonResult {
    requests: Histogram & { total: number }
    latency: Histogram
    errors: number
    timeouts: number
    '1xx': number
    '2xx': number
    '3xx': number
    '4xx': number
    '5xx': number
  }
  function autocannon (options: AutocannonOptions): Promise<AutocannonResult>
  export default autocannon
}
