import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { test } from 'tap'
import { runLoad } from '../../bench/load-run.ts'

/** A server on 127.0.0.1 that answers 200 to everything and counts what it was asked. */
async function countingServer (t: { teardown (fn: () => unknown): void }): Promise<{ url: string, asked: Map<string, number>, bodies: string[] }> {
  const asked = new Map<string, number>()
  const bodies: string[] = []
  const server = createServer((req, res) => {
    const key = `${req.method} ${req.url} ${req.headers['x-which'] ?? ''}`
    asked.set(key, (asked.get(key) ?? 0) + 1)
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      if (chunks.length > 0) bodies.push(Buffer.concat(chunks).toString('utf8'))
      res.end('ok')
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())))
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, asked, bodies }
}

test('every request is asked, with its headers and body, and every answer counted', async (t) => {
  const { url, asked, bodies } = await countingServer(t)
  const requests = Array.from({ length: 7 }, (_, i) => ({ path: `/r${i}?q=${i}`, headers: { 'x-which': `h${i}` }, body: `body ${i}` }))
  const run = await runLoad({ url, method: 'POST', requests, connections: 3, durationSeconds: 30, amount: 84 })
  t.equal(run.answers, 84, 'stops after the amount asked for')
  t.equal(run.statuses['2xx'], 84)
  t.equal(run.errors, 0)
  t.same([...asked.keys()].sort(), requests.map((r) => `POST ${r.path} ${r.headers['x-which']}`).sort(), 'each of the seven requests reached the server')
  t.equal([...asked.values()].reduce((a, b) => a + b, 0), 84)
  t.same([...new Set(bodies)].sort(), requests.map((r) => r.body).sort(), 'with its own body')
  // Each connection's first answer is left out of the latencies (load-result.ts).
  t.equal(Object.values(run.latencySteps).reduce((a, b) => a + b, 0), 84 - 3)
  t.ok(run.flowSeconds > 0)
})

test('fewer requests than connections: every request is still asked', async (t) => {
  const { url, asked } = await countingServer(t)
  const requests = [{ path: '/a' }, { path: '/b' }]
  const run = await runLoad({ url, method: 'GET', requests, connections: 5, durationSeconds: 30, amount: 50 })
  t.equal(run.answers, 50)
  t.same([...asked.keys()].sort(), ['GET /a ', 'GET /b '])
})
