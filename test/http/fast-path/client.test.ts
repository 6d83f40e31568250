import Fastify from 'fastify'
import t from 'tap'
import { clientView, type TrustProxyOption } from '../../../src/http/fast-path/client.ts'

/** Fastify's own request.ip/host/protocol beside clientView's, for the same request. */
async function bothViews (trustProxy: TrustProxyOption, remoteAddress: string, headers: Record<string, string>) {
  const view = clientView(trustProxy)
  const app = Fastify({ trustProxy: trustProxy as never })
  app.get('/', (request) => ({
    fastify: { ip: request.ip, host: request.host, protocol: request.protocol },
    view: { ip: view.ip(request.raw), host: view.host(request.raw), protocol: view.protocol(request.raw) },
  }))
  const res = await app.inject({ url: '/', remoteAddress, headers })
  await app.close()
  return res.json() as { fastify: unknown, view: unknown }
}

t.test('client address, Host and protocol agree with Fastify for every form of trustProxy', async (t) => {
  const trusts: TrustProxyOption[] = [false, true, '127.0.0.1', '127.0.0.1, 10.0.0.0/8', ['127.0.0.1'], ['10.0.0.0/8'], 'loopback', (_address, hop) => hop < 1, (_address, hop) => hop < 2]
  const requests: Array<[string, Record<string, string>]> = [
    ['127.0.0.1', { host: 'autoconfig.example.net' }],
    ['127.0.0.1', { host: 'internal:8080', 'x-forwarded-for': '203.0.113.9', 'x-forwarded-host': 'autoconfig.example.net', 'x-forwarded-proto': 'https' }],
    ['127.0.0.1', { host: 'internal', 'x-forwarded-for': '198.51.100.1, 10.1.2.3', 'x-forwarded-host': 'a.example, b.example ', 'x-forwarded-proto': 'http,https' }],
    ['10.1.2.3', { host: 'internal', 'x-forwarded-for': '2001:db8::1', 'x-forwarded-host': 'c.example' }],
    ['192.0.2.7', { host: 'internal', 'x-forwarded-for': '203.0.113.9', 'x-forwarded-proto': 'https' }],
    ['::1', { 'x-forwarded-for': '', 'x-forwarded-host': '' }],
  ]
  for (const trust of trusts) {
    for (const [remoteAddress, headers] of requests) {
      const { fastify, view } = await bothViews(trust, remoteAddress, headers)
      t.same(view, fastify, `trust ${typeof trust === 'function' ? trust.toString() : JSON.stringify(trust)}, from ${remoteAddress} ${JSON.stringify(headers)}`)
    }
  }
})
