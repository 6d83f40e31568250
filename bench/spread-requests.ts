/**
 * Which of a run's requests each connection cycles through: connection `i` takes requests `i`, `i + C`, `i + 2C`, …
 * (C connections), so with at least as many requests as connections each request is one connection's, and with
 * fewer, connection `i` asks request `i mod n` alone.
 *
 * Why not every connection cycling the whole list, autocannon's `requests` option: autocannon deep-copies its options
 * and builds every request's bytes once per connection for every run. With the large catalog's 100 distinct POSTs,
 * that is 50 × 100 requests, some 12 MB per quarter-second turn, which reached the load generator's old generation
 * and made it run a mark-compact in most turns; a pause there delays every answer in flight and is counted as the
 * server's latency. With bare Fastify answering alone (one lone test, 20 turns each way, alternating), the median
 * turn's p99 was 18 to 26 ms with every connection cycling all 100 requests and 8.6 to 9.7 ms spread this way, as
 * with the bundled set's three requests either way. The server still sees every request: equally often when the
 * connections divide the requests or the requests the connections (the large catalog's 100 over 50); otherwise
 * connections' shares differ by one request, or requests' connections by one (the bundled set's 3 over 50: 17, 17
 * and 16 connections).
 */
export function requestsForConnection<T> (requests: readonly T[], connections: number, connection: number): T[] {
  if (requests.length === 0) throw new Error('a load run needs at least one request')
  if (!Number.isInteger(connections) || connections < 1) throw new Error(`connections must be a positive integer, not ${connections}`)
  const mine: T[] = []
  for (let i = connection % Math.min(requests.length, connections); i < requests.length; i += connections) mine.push(requests[i]!)
  return mine
}
