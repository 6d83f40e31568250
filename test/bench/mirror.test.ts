import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import t from 'tap'
import { meanBytes, probe } from '../../bench/mirror.ts'
import type { Scenario } from '../../bench/scenarios.ts'

t.test('the bare body is the mean size of the real answers, to the byte', async (t) => {
  t.equal(meanBytes([3181, 2121, 3181]), 2828, 'the bundled set\'s three answers: 8483 / 3 = 2827.67')
  t.equal(meanBytes([1481, 1517]), 1499)
  t.equal(meanBytes([205]), 205)
  t.equal(meanBytes([1, 2]), 2, 'halves round up')
  t.throws(() => meanBytes([]), RangeError)
})

t.test('a probe asks every request of a scenario once: their status and type, their mean size', async (t) => {
  const asked: string[] = []
  // Answers `size` bytes of XML for /doc?size=N, with the request's method and body length noted.
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      asked.push(`${req.method} ${req.url} ${req.headers['x-which'] ?? ''} ${Buffer.concat(chunks).length}`)
      const query = new URL(req.url ?? '/', 'http://x').searchParams
      res.writeHead(Number(query.get('status') ?? 200), { 'content-type': query.get('type') ?? 'application/xml' }).end('x'.repeat(Number(query.get('size'))))
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  const scenario: Scenario = {
    name: 'probe test',
    method: 'POST',
    expectedStatus: 200,
    requests: () => [3181, 2121, 3181].map((size, i) => ({ path: `/doc?size=${size}`, headers: { 'x-which': `h${i}` }, body: 'b'.repeat(i + 1) })),
  }
  t.same(await probe(url, scenario, 'bundled'), { status: 200, contentType: 'application/xml', bytes: 2828 })
  t.same(asked, ['POST /doc?size=3181 h0 1', 'POST /doc?size=2121 h1 2', 'POST /doc?size=3181 h2 3'], 'each request once, with its headers and body')
  const mixed = (paths: string[]): Scenario => ({ name: 'mixed', method: 'GET', expectedStatus: 200, requests: () => paths.map((path) => ({ path })) })
  await t.rejects(probe(url, mixed(['/doc?size=10', '/doc?size=10&status=404']), 'large'), /mixed \(large\): request 1 was answered 404 application\/xml, request 0 200 application\/xml/)
  await t.rejects(probe(url, mixed(['/doc?size=10', '/doc?size=10&type=text/plain']), 'bundled'), /request 1 was answered 200 text\/plain/)
})
