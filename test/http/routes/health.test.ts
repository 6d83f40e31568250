import t from 'tap'
import { Readiness } from '../../../src/http/plugins/readiness.ts'
import { build } from '../../helper.ts'

t.test('/healthz answers whatever the readiness', async (t) => {
  for (const state of ['loading', 'ready', 'stopping'] as const) {
    const app = await build(t, { readiness: new Readiness(state) })
    const res = await app.inject({ method: 'GET', url: '/healthz' })
    t.equal(res.statusCode, 200, state)
    t.same(res.json(), { status: 'ok' })
  }
})

t.test('/readyz follows loading → ready → stopping', async (t) => {
  const readiness = new Readiness('loading')
  const app = await build(t, { readiness })

  const loading = await app.inject({ method: 'GET', url: '/readyz' })
  t.equal(loading.statusCode, 503)
  t.equal(loading.headers['content-type'], 'application/problem+json; charset=utf-8')
  t.match(loading.json(), { code: 'NOT_READY', status: 503, state: 'loading', detail: 'Providers are still loading.' })

  readiness.markReady()
  const ready = await app.inject({ method: 'GET', url: '/readyz' })
  t.equal(ready.statusCode, 200)
  t.same(ready.json(), { status: 'ready', providers: app.providers.catalog.providers.size, domains: app.providers.catalog.domainCount })
  t.ok(ready.json().providers > 0)

  readiness.markStopping()
  const stopping = await app.inject({ method: 'GET', url: '/readyz' })
  t.equal(stopping.statusCode, 503)
  t.match(stopping.json(), { code: 'NOT_READY', state: 'stopping', detail: 'The server is shutting down.' })

  t.equal(stopping.headers.connection, 'close', 'answers while stopping close their connection')
  t.not(ready.headers.connection, 'close', 'but not while ready')

  readiness.markReady()
  t.equal(readiness.state, 'stopping', 'a stopping server never becomes ready again')
})

t.test('while loading, service routes answer 503 with Retry-After, not a misleading 404', async (t) => {
  const readiness = new Readiness('loading')
  const app = await build(t, { readiness })
  const res = await app.inject({ method: 'GET', url: '/mail/config-v1.1.xml?emailaddress=alice@gmail.com' })
  t.equal(res.statusCode, 503)
  t.equal(res.headers['retry-after'], '2')
  t.match(res.json(), { code: 'NOT_READY' })
  const metrics = await app.inject({ method: 'GET', url: '/metrics' })
  t.equal(metrics.statusCode, 200, 'metrics are served while loading')

  readiness.markReady()
  const served = await app.inject({ method: 'GET', url: '/mail/config-v1.1.xml?emailaddress=alice@gmail.com' })
  t.equal(served.statusCode, 200)
})

t.test('every answer carries a request id; a safe one from the client is kept', async (t) => {
  const app = await build(t)
  const own = await app.inject({ method: 'GET', url: '/healthz' })
  t.match(own.headers['x-request-id'], /^[0-9a-f]{12}-\d+$/)
  const kept = await app.inject({ method: 'GET', url: '/healthz', headers: { 'x-request-id': 'edge-4f2a.17' } })
  t.equal(kept.headers['x-request-id'], 'edge-4f2a.17')
  for (const unsafe of ['alice@example.com', 'x'.repeat(129), 'two words']) {
    const replaced = await app.inject({ method: 'GET', url: '/healthz', headers: { 'x-request-id': unsafe } })
    t.match(replaced.headers['x-request-id'], /^[0-9a-f]{12}-\d+$/, `replaced: ${unsafe.slice(0, 20)}`)
  }
})
