import { request as httpRequest, Agent } from 'node:http'
import type { AddressInfo } from 'node:net'
import t from 'tap'
import { Readiness } from '../../../src/http/plugins/readiness.ts'
import { REQUEST_ID_HEADER } from '../../../src/http/plugins/request-id.ts'
import { ANSWER_HEADERS, DOCS_ANSWER_HEADERS } from '../../../src/http/plugins/security-headers.ts'
import { buildApp } from '../../../src/app.ts'
import { build, BUNDLED_DIR, lookupFor } from '../../helper.ts'

t.test('every answer carries the security headers and its request id, whichever way it ends', async (t) => {
  const readiness = new Readiness('ready')
  const app = await build(t, { readiness, rateLimit: { max: 1, timeWindowMs: 60_000 } })
  const answers = {
    served: await app.inject({ url: '/v1.1/gmail.com', headers: { 'x-request-id': 'edge-1' } }),
    'rate limited': await app.inject({ url: '/v1.1/gmail.com', headers: { 'x-request-id': 'edge-2' } }),
  }
  t.equal(answers.served.statusCode, 200)
  t.equal(answers['rate limited'].statusCode, 429)
  readiness.markStopping()
  const stopping = await app.inject({ url: '/healthz', headers: { 'x-request-id': 'edge-3' } })
  t.equal(stopping.headers.connection, 'close', 'an answer while stopping asks the client to close')
  for (const [name, res] of [...Object.entries(answers), ['stopping', stopping] as const]) {
    t.match(res.headers, ANSWER_HEADERS, name)
    t.match(res.headers[REQUEST_ID_HEADER], /^edge-\d$/, name)
  }
  t.not(answers.served.headers.connection, 'close')
})

t.test('while loading: 503 with the headers; operational routes answer', async (t) => {
  const app = await build(t, { readiness: new Readiness('loading') })
  const held = await app.inject({ url: '/api/v1/lookup?email=alice@gmail.com' })
  t.equal(held.statusCode, 503)
  t.equal(held.headers['retry-after'], '2')
  t.match(held.headers, ANSWER_HEADERS)
  t.ok(held.headers[REQUEST_ID_HEADER])
  t.equal((await app.inject({ url: '/healthz' })).statusCode, 200)
})

t.test('the documentation page gets its own policy', async (t) => {
  const app = await build(t)
  t.match((await app.inject({ url: '/docs' })).headers, DOCS_ANSWER_HEADERS)
  t.match((await app.inject({ url: '/openapi.json' })).headers, ANSWER_HEADERS)
})

t.test('a request already running when stopping begins: answered with Connection: close, then its keep-alive connection is closed', async (t) => {
  const readiness = new Readiness('ready')
  const app = await buildApp({ lookup: await lookupFor(BUNDLED_DIR), readiness })
  t.teardown(() => app.close())
  let release!: () => void
  const released = new Promise<void>((resolve) => { release = resolve })
  let arrived!: () => void
  const inFlight = new Promise<void>((resolve) => { arrived = resolve })
  app.get('/test/slow', async () => {
    arrived()
    await released
    return 'done'
  })
  await app.listen({ host: '127.0.0.1', port: 0 })
  const { port } = app.server.address() as AddressInfo
  const agent = new Agent({ keepAlive: true })
  t.teardown(() => agent.destroy())

  const answer = new Promise<{ status: number, connection: string | undefined, body: string, closed: Promise<void> }>((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path: '/test/slow', agent }, (res) => {
      let body = ''
      res.on('data', (chunk: Buffer) => { body += chunk.toString() })
      res.on('end', () => resolve({ status: res.statusCode!, connection: res.headers.connection, body, closed: new Promise((resolve) => req.socket!.once('close', () => resolve())) }))
    })
    req.on('error', reject)
    req.end()
  })
  await inFlight
  readiness.markStopping()
  release()
  const res = await answer
  t.equal(res.status, 200)
  t.equal(res.body, 'done')
  t.equal(res.connection, 'close', 'the answer says the connection closes (README "Stopping")')
  await res.closed
  t.pass('the server closed the connection after the answer')
})
