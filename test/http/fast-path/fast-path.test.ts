import { readFileSync } from 'node:fs'
import { Agent, createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { request as httpsRequest } from 'node:https'
import fc from 'fast-check'
import t, { type Test } from 'tap'
import { buildApp } from '../../../src/app.ts'
import { Catalog } from '../../../src/catalog/catalog.ts'
import { ProviderLookup } from '../../../src/catalog/lookup.ts'
import { clientView } from '../../../src/http/fast-path/client.ts'
import { createFastPath, type DirectAnswer, type RequestLog } from '../../../src/http/fast-path/fast-path.ts'
import { headerLines } from '../../../src/http/fast-path/header-lines.ts'
import { ServiceMetrics } from '../../../src/http/plugins/metrics.ts'
import { Readiness } from '../../../src/http/plugins/readiness.ts'
import { BUNDLED_DIR, FIXTURES_DIR, lookupFor, unknownDomainProblem, VALID_PROVIDERS_DIR } from '../../helper.ts'
import { hostileAddress, hostileHost, hostileQuery, HOSTILE_FRAGMENTS, rawExchange, safeEncode } from '../hostile/support.ts'
import { appPair, ask, comparable, listen, listenWithFastPath, type AppPair, type Ask } from './support.ts'

const AUTOCONFIG = '/mail/config-v1.1.xml'
const WELL_KNOWN = '/.well-known/autoconfig/mail/config-v1.1.xml'
const LOOKUP = '/api/v1/lookup'
const OWN_ID = /^[0-9a-f]{12}-\d+$/

/** Asks both apps; asserts the same answer, a request id on each, and whether Fastify saw the request. */
async function assertSameAnswer (t: Test, pair: AppPair, request: Ask, fastPathAnswers: boolean): Promise<void> {
  const fast = await pair.fast.ask(request)
  const slow = await pair.slow.ask(request)
  t.same(comparable(fast), comparable(slow), `same answer: ${JSON.stringify(request)}`)
  const given = request.headers?.['x-request-id']
  if (given !== undefined && /^[\w.:-]{1,128}$/.test(given)) {
    t.equal(fast.headers['x-request-id'], given, 'the given request id is echoed')
  } else {
    t.match(fast.headers['x-request-id'], OWN_ID, 'a request id of our own')
  }
  t.same(pair.takeSeenByFastify(), fastPathAnswers ? [] : [request.path], fastPathAnswers ? 'answered by the fast path' : 'answered by Fastify')
}

t.test('the commonest requests are answered by the fast path, exactly as Fastify answers them', async (t) => {
  const pair = await appPair(t)
  const first = await pair.fast.ask({ path: `${AUTOCONFIG}?emailaddress=alice%40gmail.com` })
  t.equal(first.status, 200)
  const lookupFirst = await pair.fast.ask({ path: `${LOOKUP}?email=alice%40gmail.com`, headers: { host: 'autoconfig.example.net' } })
  t.equal(lookupFirst.status, 200)
  pair.takeSeenByFastify()
  const etag = String(first.headers.etag)
  const lookupEtag = String(lookupFirst.headers.etag)
  const requests: Ask[] = [
    { path: `${AUTOCONFIG}?emailaddress=alice%40gmail.com` },
    { path: `${AUTOCONFIG}?emailaddress=alice@gmail.com` },
    { path: `${WELL_KNOWN}?emailaddress=alice%40gmail.com` },
    { path: `${AUTOCONFIG}?emailaddress=Alice%40GMail.COM` },
    { path: `${AUTOCONFIG}?emailaddress=bob%40googlemail.com&extra=1` },
    { path: AUTOCONFIG, headers: { host: 'autoconfig.gmail.com' } },
    { path: `${AUTOCONFIG}?emailaddress=`, headers: { host: 'autoconfig.web.de:443' } },
    { path: `${AUTOCONFIG}?emailaddress=alice%40gmail.com`, headers: { 'if-none-match': etag } },
    { path: `${AUTOCONFIG}?emailaddress=alice%40gmail.com`, headers: { 'if-none-match': `"other", W/${etag}` } },
    { path: `${AUTOCONFIG}?emailaddress=alice%40gmail.com`, headers: { 'if-none-match': '"other"' } },
    { path: `${AUTOCONFIG}?emailaddress=alice%40gmail.com`, headers: { 'x-request-id': 'proxy-id-123' } },
    { path: `${AUTOCONFIG}?emailaddress=alice%40gmail.com`, headers: { 'x-request-id': 'not an id: alice@gmail.com' } },
    { path: `${LOOKUP}?email=alice%40gmail.com`, headers: { host: 'autoconfig.example.net' } },
    { path: `${LOOKUP}?email=Alice%40Web.DE`, headers: { host: 'autoconfig.example.net:8443', origin: 'https://app.example.com' } },
    { path: `${LOOKUP}?email=alice%40gmail.com`, headers: { host: 'autoconfig.example.net', 'if-none-match': lookupEtag } },
    { path: `${LOOKUP}?email=alice%40gmail.com`, headers: { host: 'AutoConfig.Example.NET' } },
  ]
  for (const request of requests) await assertSameAnswer(t, pair, request, true)
})

t.test('answers that share one prepared document each carry their own request id', async (t) => {
  const pair = await appPair(t)
  const path = `${AUTOCONFIG}?emailaddress=alice%40gmail.com`
  const ids: unknown[] = []
  const asked: Array<Record<string, string>> = [{ 'x-request-id': 'first-id' }, {}, { 'x-request-id': 'third-id' }, {}]
  for (const headers of asked) {
    ids.push((await pair.fast.ask({ path, headers })).headers['x-request-id'])
  }
  t.same(pair.takeSeenByFastify(), [], 'all answered by the fast path')
  t.equal(ids[0], 'first-id')
  t.match(ids[1], OWN_ID, 'not the id of the answer before')
  t.equal(ids[2], 'third-id')
  t.match(ids[3], OWN_ID)
  t.not(ids[1], ids[3], 'a new id of our own each time')
})

t.test('a wildcard domain gets its own document on the fast path too', async (t) => {
  const pair = await appPair(t, { providersDir: VALID_PROVIDERS_DIR })
  for (const request of [{ path: `${AUTOCONFIG}?emailaddress=alice%40mail.example.org` }, { path: `${LOOKUP}?email=alice%40eu.mail.example.org`, headers: { host: 'localhost' } }]) {
    await assertSameAnswer(t, pair, request, true)
  }
})

t.test('after a reload the fast path answers from the new catalog, a domain it asked before included', async (t) => {
  const { app, ask, seenByFastify } = await listenWithFastPath(t)
  const path = `${AUTOCONFIG}?emailaddress=alice%40gmail.com`
  const before = await ask({ path })
  t.match(before.body.toString(), /imap\.gmail\.com/)
  const gmail = app.providers.catalog.providers.get('gmail')!
  const incoming = gmail.incoming.map((server) => ({ ...server, host: server.host.replace('gmail.com', 'gmail.example') }))
  app.providers.replace(new Catalog([{ ...gmail, incoming }]))
  const after = await ask({ path })
  t.equal(after.status, 200)
  t.match(after.body.toString(), /imap\.gmail\.example/, 'the new catalog\'s document')
  t.notMatch(after.body.toString(), /imap\.gmail\.com/)
  t.not(after.headers.etag, before.headers.etag, 'with its own tag')
  t.equal((await ask({ path, headers: { 'if-none-match': String(before.headers.etag) } })).status, 200, 'the old tag gets the new document')
  t.equal((await ask({ path, headers: { 'if-none-match': String(after.headers.etag) } })).status, 304)
  app.providers.replace(new Catalog([]))
  t.equal((await ask({ path })).status, 404, 'a domain the new catalog does not serve: 404')
  t.same(seenByFastify, [], 'every answer from the fast path')
})

t.test('a domain no provider serves gets its 404 from the fast path, as the routes send it', async (t) => {
  const pair = await appPair(t)
  const requests: Ask[] = [
    { path: `${AUTOCONFIG}?emailaddress=alice%40unknown.example` },
    { path: `${WELL_KNOWN}?emailaddress=Alice%40Unknown.Example.` },
    { path: AUTOCONFIG, headers: { host: 'autoconfig.unknown.example' } },
    { path: AUTOCONFIG, headers: { host: '127.0.0.1' } },
    { path: `${AUTOCONFIG}?emailaddress=alice%40xn--mnchen-3ya.example`, headers: { 'if-none-match': '*' } },
    { path: `${AUTOCONFIG}?emailaddress=alice%40m%C3%BCnchen.example` },
    { path: `${LOOKUP}?email=alice%40unknown.example` },
    { path: `${LOOKUP}?email=alice%40unknown.example`, headers: { host: 'bad host' } },
  ]
  for (const request of requests) await assertSameAnswer(t, pair, request, true)
  const answer = await pair.fast.ask({ path: `${LOOKUP}?email=alice%40unknown.example` })
  t.equal(answer.status, 404)
  t.equal(answer.headers['cache-control'], 'public, max-age=300')
  t.equal(answer.headers['access-control-allow-origin'], '*')
  t.same(JSON.parse(answer.body.toString()), unknownDomainProblem('unknown.example'))
})

t.test('everything else is left to Fastify, which answers as always', async (t) => {
  const pair = await appPair(t)
  const requests: Ask[] = [
    { path: `${AUTOCONFIG}?emailaddress=not-an-address` },
    { path: `${AUTOCONFIG}?emailaddress=a%40gmail.com&emailaddress=b%40gmail.com` },
    { path: AUTOCONFIG, headers: { host: 'localhost' } },
    { path: `${AUTOCONFIG.toUpperCase()}?emailaddress=alice%40gmail.com` },
    { path: `${AUTOCONFIG}/?emailaddress=alice%40gmail.com` },
    { path: `/${AUTOCONFIG}?emailaddress=alice%40gmail.com` },
    { path: `${AUTOCONFIG.slice(0, -1)}?emailaddress=alice%40gmail.com` },
    { path: `${AUTOCONFIG.replace('1.1', '1.2')}?emailaddress=alice%40gmail.com` },
    { path: `${LOOKUP}s?email=alice%40gmail.com` },
    { path: '/v1.1/gmail.com' },
    { path: '/v1.1/unknown.example' },
    { path: `${LOOKUP}?email=` },
    { path: `${LOOKUP}?email=a%40gmail.com&email=b%40gmail.com` },
    { path: `${LOOKUP}?email=alice%40gmail.com`, headers: { host: 'bad host' } },
    { path: '/healthz' },
    { path: '/nothing-here' },
  ]
  for (const request of requests) await assertSameAnswer(t, pair, request, false)
})

t.test('other methods go to Fastify', async (t) => {
  const pair = await appPair(t)
  const agent = new Agent()
  t.teardown(() => agent.destroy())
  for (const method of ['HEAD', 'POST', 'OPTIONS']) {
    const path = `${AUTOCONFIG}?emailaddress=alice%40gmail.com`
    const fast = await ask(pair.fast.port, agent, { path }, method)
    const slow = await ask(pair.slow.port, agent, { path }, method)
    t.same(comparable(fast), comparable(slow), method)
    t.same(pair.takeSeenByFastify(), [path], `${method} answered by Fastify`)
  }
})

t.test('a list of allowed origins keeps the API lookup on Fastify (CORS answers vary by origin)', async (t) => {
  const pair = await appPair(t, { corsOrigins: ['https://app.example.com'] })
  await assertSameAnswer(t, pair, { path: `${LOOKUP}?email=alice%40gmail.com`, headers: { host: 'localhost', origin: 'https://app.example.com' } }, false)
  await assertSameAnswer(t, pair, { path: `${AUTOCONFIG}?emailaddress=alice%40gmail.com` }, true)
})

t.test('a configured public base URL makes the same links on both paths', async (t) => {
  const pair = await appPair(t, { publicBaseUrl: 'https://autoconfig.example.net/' })
  await assertSameAnswer(t, pair, { path: `${LOOKUP}?email=alice%40gmail.com`, headers: { host: 'internal:8080' } }, true)
  await assertSameAnswer(t, pair, { path: `${LOOKUP}?email=alice%40gmail.com`, headers: { host: 'bad host' } }, true)
})

t.test('behind a trusted proxy both paths read the forwarded host, protocol and client the same way', async (t) => {
  const forwarded: Array<Record<string, string>> = [
    {},
    { 'x-forwarded-host': 'autoconfig.example.net', 'x-forwarded-proto': 'https', 'x-forwarded-for': '203.0.113.9' },
    { 'x-forwarded-host': 'evil.example, autoconfig.example.net', 'x-forwarded-proto': 'http, https', 'x-forwarded-for': '198.51.100.1, 203.0.113.9' },
    { 'x-forwarded-host': 'autoconfig.gmail.com' },
  ]
  for (const trustProxy of [false, true, ['127.0.0.1'], ['10.0.0.0/8'], 1, 2] as const) {
    const pair = await appPair(t, { trustProxy: trustProxy as never })
    // The immediate peer is 127.0.0.1: trusted unless trust is off or names another network.
    const peerTrusted = trustProxy !== false && !(Array.isArray(trustProxy) && trustProxy[0] === '10.0.0.0/8')
    for (const forwardedHeaders of forwarded) {
      const headers: Record<string, string> = { host: 'internal:8080', ...forwardedHeaders }
      await assertSameAnswer(t, pair, { path: `${LOOKUP}?email=alice%40gmail.com`, headers }, true)
      // Without an address the domain comes from the Host Fastify sees: autoconfig.gmail.com is served,
      // autoconfig.example.net is not (a 404, answered on the fast path too), and internal:8080 names no domain
      // (a 400, left to Fastify).
      const host = peerTrusted ? (headers['x-forwarded-host']?.split(',').at(-1)?.trim() ?? headers.host) : headers.host
      await assertSameAnswer(t, pair, { path: AUTOCONFIG, headers }, host !== 'internal:8080')
    }
  }
})

t.test('hostile requests get the same answer from both paths', async (t) => {
  // Thousands of requests from one client: limiting is tested on its own, below.
  const pair = await appPair(t, { rateLimit: false })
  const path = fc.constantFrom(AUTOCONFIG, WELL_KNOWN, LOOKUP)
  const query = fc.oneof(
    hostileQuery,
    hostileAddress.map((address) => `emailaddress=${safeEncode(address)}`),
    hostileAddress.map((address) => `email=${safeEncode(address)}`),
    fc.constantFrom('emailaddress=alice%40gmail.com', 'email=alice%40gmail.com', 'emailaddress=', ''),
  )
  const header = (arbitrary: fc.Arbitrary<string>) => fc.option(arbitrary.filter((value) => /^[\t\x20-\x7e\x80-\xff]*$/.test(value)), { nil: undefined })
  const headers = fc.record({
    host: header(hostileHost),
    'if-none-match': header(fc.oneof(fc.constantFrom('*', '"x"', 'W/"x"', ''), fc.constantFrom(...HOSTILE_FRAGMENTS))),
    'x-request-id': header(fc.oneof(fc.constantFrom('abc-123', 'a'.repeat(129)), fc.constantFrom(...HOSTILE_FRAGMENTS))),
  }, { requiredKeys: [] })
  let fastAnswers = 0
  await fc.assert(fc.asyncProperty(path, query, headers, async (p, q, h) => {
    // Always a Host: Node's client would otherwise send each server's own port, and API links would differ.
    const request = { path: q === '' ? p : `${p}?${q}`, headers: { host: 'localhost', ...Object.fromEntries(Object.entries(h).filter(([, v]) => v !== undefined)) as Record<string, string> } }
    let fast, slow
    try {
      fast = await pair.fast.ask(request)
      slow = await pair.slow.ask(request)
    } catch (error) {
      // Node's client refuses some request lines and header values outright; no server sees those.
      if ((error as { code?: string }).code?.startsWith('ERR_') === true) return
      throw error
    }
    if (pair.takeSeenByFastify().length === 0) fastAnswers++
    const [a, b] = [comparable(fast), comparable(slow)]
    if (JSON.stringify(a) !== JSON.stringify(b)) throw new Error(`answers differ for ${JSON.stringify(request)}\nfast: ${JSON.stringify(a).slice(0, 600)}\nslow: ${JSON.stringify(b).slice(0, 600)}`)
    if (fast.status >= 500) throw new Error(`5xx for ${JSON.stringify(request)}`)
  }), { numRuns: 1500 })
  t.ok(fastAnswers > 0, `the fast path answered ${fastAnswers} of them`)
})

t.test('the fast path counts against the rate limit Fastify enforces', async (t) => {
  const app = await listen(t, { rateLimit: { max: 3, timeWindowMs: 60_000 } })
  const url = `${AUTOCONFIG}?emailaddress=alice%40gmail.com`
  t.equal((await app.ask({ path: url })).status, 200)
  t.equal((await app.ask({ path: '/nothing' })).status, 404, 'one through Fastify')
  t.equal((await app.ask({ path: `${LOOKUP}?email=alice%40gmail.com` })).status, 200)
  const limited = await app.ask({ path: url })
  t.equal(limited.status, 429, 'the fourth request of the window, whichever path counted the first three')
  t.equal(limited.headers['retry-after'], '60')
  t.match(JSON.parse(limited.body.toString()), { code: 'RATE_LIMITED' })
  t.equal(limited.headers['x-content-type-options'], 'nosniff')
})

t.test('fast-path answers are counted in the metrics', async (t) => {
  const app = await listen(t, {})
  for (let i = 0; i < 3; i++) await app.ask({ path: `${AUTOCONFIG}?emailaddress=alice%40gmail.com` })
  await app.ask({ path: `${LOOKUP}?email=alice%40gmail.com` })
  await app.ask({ path: `${AUTOCONFIG}?emailaddress=alice%40unknown.example` })
  const metrics = (await app.ask({ path: '/metrics' })).body.toString()
  t.match(metrics, /mail_autoconfig_requests_total\{kind="autoconfig",outcome="served"\} 3\n/)
  t.match(metrics, /mail_autoconfig_requests_total\{kind="api",outcome="served"\} 1\n/)
  t.match(metrics, /mail_autoconfig_requests_total\{kind="autoconfig",outcome="not_found"\} 1\n/)
  t.match(metrics, /mail_autoconfig_request_duration_seconds_count\{kind="autoconfig"\} 4\n/)
})

t.test('while loading or stopping, Fastify answers', async (t) => {
  const readiness = new Readiness('loading')
  let seen = 0
  const app = await listen(t, { readiness }, (a) => a.addHook('onRequest', (_req, _reply, done) => { seen++; done() }))
  const url = `${AUTOCONFIG}?emailaddress=alice%40gmail.com`
  const loading = await app.ask({ path: url })
  t.equal(loading.status, 503, 'loading: Fastify holds the request (the fast path never answers 503)')
  t.equal(loading.headers['retry-after'], '2')
  readiness.markReady()
  t.equal((await app.ask({ path: url })).status, 200)
  t.equal(seen, 0, 'ready: the fast path answered')
  readiness.markStopping()
  const stopping = await app.ask({ path: url })
  t.equal(stopping.status, 200)
  t.equal(stopping.headers.connection, 'close', 'stopping: Fastify asks the client to close')
  t.equal(seen, 1, 'stopping: answered by Fastify')
})

t.test('at info and below the fast path writes the same lines per request as Fastify, for a 200 and a 404', async (t) => {
  // Each line without what differs between any two: the clock, the process, the measured time.
  const comparableLines = (lines: string[]) => lines.filter((line) => line.includes('"reqId"')).map((line) => {
    const { time: _time, pid: _pid, hostname: _hostname, responseTime, ...rest } = JSON.parse(line)
    return { ...rest, responseTime: typeof responseTime }
  })
  for (const level of ['info', 'debug', 'trace']) {
    for (const [domain, status] of [['gmail.com', 200], ['unknown.example', 404]] as const) {
      const logs = { fast: [] as string[], slow: [] as string[] }
      const seen: string[] = []
      const fast = await listen(t, { logger: { level, destination: { write: (line: string) => { logs.fast.push(line) } } } },
        (app) => app.addHook('onRequest', (request, _reply, done) => { seen.push(request.url); done() }))
      const slow = await listen(t, { fastPath: false, logger: { level, destination: { write: (line: string) => { logs.slow.push(line) } } } })
      const request = { path: `${AUTOCONFIG}?emailaddress=alice%40${domain}`, headers: { host: `autoconfig.${domain}`, 'x-request-id': 'id-1' } }
      t.equal((await fast.ask(request)).status, status)
      t.equal((await slow.ask(request)).status, status)
      await new Promise((resolve) => setImmediate(resolve))
      t.same(seen, [], `${level}, ${status}: answered by the fast path`)
      t.same(comparableLines(logs.fast), comparableLines(logs.slow), `${level}, ${status}: the same lines`)
      t.match(comparableLines(logs.fast), [
        { level: 30, reqId: 'id-1', req: { method: 'GET', url: `${AUTOCONFIG}?emailaddress=a***%40${domain}`, host: `autoconfig.${domain}`, remoteAddress: '127.0.0.1' }, msg: 'incoming request' },
        { level: 30, reqId: 'id-1', res: { statusCode: status }, responseTime: 'number', msg: 'request completed' },
      ])
      t.ok(logs.fast.every((line) => !line.includes('alice')), 'the address is redacted')
    }
  }

  const quiet: string[] = []
  const warnApp = await listen(t, { logger: { level: 'warn', destination: { write: (line: string) => { quiet.push(line) } } } })
  t.equal((await warnApp.ask({ path: `${AUTOCONFIG}?emailaddress=alice%40gmail.com` })).status, 200)
  t.equal((await warnApp.ask({ path: `${AUTOCONFIG}?emailaddress=alice%40unknown.example` })).status, 404)
  t.same(quiet, [], 'at warn, nothing per request')
})

/** A RequestLog that keeps what it is given, at the levels `enabled` says. */
function recordingLog (enabled: (level: string) => boolean): { log: RequestLog, lines: Array<{ level: string, object: object, message: string }> } {
  const lines: Array<{ level: string, object: object, message: string }> = []
  const keep = (level: string) => (object: object, message: string) => { lines.push({ level, object, message }) }
  return { log: { isLevelEnabled: enabled, info: keep('info'), debug: keep('debug'), error: keep('error') }, lines }
}

t.test('a direct route that throws is logged as an error and leaves the request, untouched, to Fastify', async (t) => {
  const { log, lines } = recordingLog(() => true)
  const metrics = new ServiceMetrics(new ProviderLookup(new Catalog([])), { processMetrics: false })
  const fastPath = createFastPath({
    routes: new Map([[AUTOCONFIG, () => { throw new Error('a bug in the route') }]]),
    readiness: new Readiness('ready'),
    metrics,
    rateLimitCounter: undefined,
    client: clientView(false),
    log,
  })
  const req = { method: 'GET', url: `${AUTOCONFIG}?emailaddress=alice%40example.com`, headers: {} } as IncomingMessage
  const res = new Proxy({}, { get: (_target, name) => { throw new Error(`the response was touched (${String(name)})`) } }) as ServerResponse
  t.equal(fastPath(req, res), false, 'left to Fastify')
  t.match(lines, [{ level: 'error', object: { err: { message: 'a bug in the route' }, method: 'GET', path: AUTOCONFIG }, message: 'fast path failed; the request was passed to Fastify' }])
  t.equal(lines.length, 1, 'no request lines: Fastify writes those')
  t.notOk(JSON.stringify(lines).includes('alice'), 'the address is not logged')
  t.notMatch(await metrics.registry.metrics(), /outcome="served"\} 1/, 'not counted: Fastify counts it')
})

t.test('an answer\'s head: the security headers, the request id, the route\'s lines, then what Node adds', async (t) => {
  const body = '<answer/>'
  const fastPath = createFastPath({
    routes: new Map([[AUTOCONFIG, () => ({ status: 200, kind: 'autoconfig' as const, lines: headerLines('etag', '"e"', 'content-type', 'application/xml'), headers: ['content-length', String(body.length)], body })]]),
    readiness: new Readiness('ready'),
    metrics: new ServiceMetrics(new ProviderLookup(new Catalog([])), { processMetrics: false }),
    rateLimitCounter: undefined,
    client: clientView(false),
    log: undefined,
  })
  const server = createServer((req, res) => {
    if (!fastPath(req, res)) res.writeHead(500).end()
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => server.close())
  const raw = await rawExchange((server.address() as AddressInfo).port, `GET ${AUTOCONFIG} HTTP/1.1\r\nHost: x\r\nX-Request-Id: given-1\r\nConnection: close\r\n\r\n`)
  t.equal(raw.toString('latin1').replace(/\r\nDate: [^\r]*\r\n/, '\r\nDate: -\r\n'), [
    'HTTP/1.1 200 OK',
    'x-content-type-options: nosniff',
    'x-frame-options: DENY',
    'referrer-policy: no-referrer',
    'cross-origin-resource-policy: same-origin',
    "content-security-policy: default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
    'x-request-id: given-1',
    'etag: "e"',
    'content-type: application/xml',
    'content-length: 9',
    'Date: -',
    'Connection: close',
    '',
    body,
  ].join('\r\n'))
})

t.test('a body route that fails answers as its route fails, and logs the error', async (t) => {
  const { log, lines } = recordingLog((level) => level === 'error')
  const metrics = new ServiceMetrics(new ProviderLookup(new Catalog([])), { processMetrics: false })
  const failedBody = 'the route failed'
  const port = await serveFailingBodyRoute(t, {
    log,
    metrics,
    failed: () => ({ status: 500, kind: 'autodiscover' as const, lines: '', headers: ['content-length', String(failedBody.length)], body: failedBody }),
  })
  const agent = new Agent({ keepAlive: false })
  t.teardown(() => agent.destroy())
  for (const body of ['throw', 'reject']) {
    const answer = await ask(port, agent, { path: '/body', method: 'POST', body })
    t.equal(answer.status, 500, body)
    t.equal(answer.body.toString(), failedBody)
    t.equal(answer.headers['x-content-type-options'], 'nosniff')
  }
  t.match(lines, [
    { level: 'error', object: { err: { message: 'a bug in the route' } }, message: 'fast path failed to answer a request body' },
    { level: 'error', object: { err: { message: 'a bug, later' } }, message: 'fast path failed to answer a request body' },
  ])
  t.equal(lines.length, 2)
  t.match(await metrics.registry.metrics(), /mail_autoconfig_requests_total\{kind="autodiscover",outcome="error"\} 2\n/)
  t.equal((await ask(port, agent, { path: '/body', method: 'POST', body: 'x'.repeat(101) })).status, 599, 'over maxBytes: left to the server\'s own handler')
})

t.test('a body route whose failure answer fails too: the connection is cut, both errors logged, nothing escapes', async (t) => {
  const { log, lines } = recordingLog((level) => level === 'error')
  const port = await serveFailingBodyRoute(t, {
    log,
    metrics: new ServiceMetrics(new ProviderLookup(new Catalog([])), { processMetrics: false }),
    // Node refuses a header value with a line break: writeHead throws.
    failed: () => ({ status: 500, kind: 'autodiscover' as const, lines: '', headers: ['content-length', '1\r\nx: y'], body: 'x' }),
  })
  for (const body of ['throw', 'reject']) {
    const raw = await rawExchange(port, `POST /body HTTP/1.1\r\nHost: x\r\nContent-Length: ${body.length}\r\n\r\n${body}`)
    t.equal(raw.length, 0, `${body}: no answer, the connection closed`)
  }
  t.match(lines, [
    { level: 'error', object: { err: { message: 'a bug in the route' } }, message: 'fast path failed to answer a request body' },
    { level: 'error', object: { err: { code: 'ERR_INVALID_CHAR' } }, message: 'fast path failed to send the failure answer' },
    { level: 'error', object: { err: { message: 'a bug, later' } }, message: 'fast path failed to answer a request body' },
    { level: 'error', object: { err: { code: 'ERR_INVALID_CHAR' } }, message: 'fast path failed to send the failure answer' },
  ])
  t.equal(lines.length, 4)
})

t.test('the fast path serves https too', async (t) => {
  const cert = readFileSync(`${FIXTURES_DIR}/tls/cert.pem`)
  const key = readFileSync(`${FIXTURES_DIR}/tls/key.pem`)
  const app = await buildApp({ lookup: await lookupFor(BUNDLED_DIR), https: { cert, key } })
  let seen = 0
  app.addHook('onRequest', (_req, _reply, done) => { seen++; done() })
  t.teardown(() => app.close())
  const address = await app.listen({ host: '127.0.0.1', port: 0 })
  const answer = await new Promise<{ status: number, body: string }>((resolve, reject) => {
    httpsRequest(`${address}${LOOKUP}?email=alice%40gmail.com`, { rejectUnauthorized: false }, (res) => {
      let body = ''
      res.on('data', (chunk: Buffer) => { body += chunk.toString() })
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }))
    }).on('error', reject).end()
  })
  t.equal(answer.status, 200)
  t.match(JSON.parse(answer.body).links.autoconfig, /^https:\/\/127\.0\.0\.1:\d+\/mail\/config-v1\.1\.xml\?emailaddress=alice%40gmail\.com$/, 'links say https')
  t.equal(seen, 0, 'answered by the fast path')
})

/** The raw answer(s) without the lines that differ between any two: the date and generated request ids. */
/**
 * A server whose fast path has one body route, `/body` (at most 100 bytes), that fails: it throws on the body
 * `throw` and rejects on any other, and answers its failure with `failed`. Other requests get 599. Its port.
 */
async function serveFailingBodyRoute (t: Test, options: { log: RequestLog, metrics: ServiceMetrics, failed: () => DirectAnswer }): Promise<number> {
  const fastPath = createFastPath({
    routes: new Map(),
    bodyRoutes: new Map([['/body', {
      maxBytes: 100,
      autodiscoverLimit: true,
      answer: (body: string) => body === 'throw' ? (() => { throw new Error('a bug in the route') })() : Promise.reject(new Error('a bug, later')),
      failed: options.failed,
    }]]),
    readiness: new Readiness('ready'),
    metrics: options.metrics,
    rateLimitCounter: undefined,
    client: clientView(false),
    log: options.log,
  })
  const server = createServer((req, res) => {
    if (!fastPath(req, res)) res.writeHead(599).end()
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => new Promise((resolve) => server.close(resolve)))
  return (server.address() as AddressInfo).port
}

function comparableRaw (text: string): string {
  return text.replace(/^date: .*$/gim, 'date: -').replace(/^x-request-id: [0-9a-f]{12}-\d+$/gim, 'x-request-id: -')
}

t.test('raw requests a client library would not send get the same answers from both paths', async (t) => {
  const pair = await appPair(t, { rateLimit: false })
  const get = (target: string, extra = '') => `GET ${target} HTTP/1.1\r\nHost: autoconfig.gmail.com\r\n${extra}Connection: close\r\n\r\n`
  const requests = [
    get(`${AUTOCONFIG}?emailaddress=alice%40gmail.com#fragment`),
    get(`${AUTOCONFIG}?emailaddress=alice%40gmail.com;x=1`),
    get(`${AUTOCONFIG};x=1?emailaddress=alice%40gmail.com`),
    get(`http://autoconfig.gmail.com${AUTOCONFIG}?emailaddress=alice%40gmail.com`),
    get(`${AUTOCONFIG}?emailaddress=alice%40gmail.com`, 'Content-Type: text/plain\r\nContent-Length: 5\r\n') + 'hello',
    get(`${AUTOCONFIG}?emailaddress=alice%40gmail.com`, 'Content-Type: application/json\r\nContent-Length: 7\r\n') + '{"a":1',
    get(`${AUTOCONFIG}?emailaddress=alice%40gmail.com`, 'Transfer-Encoding: chunked\r\n') + '5\r\nhello\r\n0\r\n\r\n',
    get(`${LOOKUP}?email=alice%40gmail.com`, 'Content-Length: 3\r\n') + 'abc',
    `GET ${AUTOCONFIG}?emailaddress=alice%40gmail.com HTTP/1.0\r\nHost: x\r\n\r\n`,
    `GET ${AUTOCONFIG} HTTP/1.0\r\n\r\n`,
    get(`${AUTOCONFIG}?emailaddress=alice%40gmail.com`, 'If-None-Match: "a"\r\nIf-None-Match: *\r\n'),
    get(`${AUTOCONFIG}?emailaddress=alice%40gmail.com`, 'X-Request-Id: a\r\nX-Request-Id: b\r\n'),
    // Two requests on one connection: the first answered by the fast path, the second by Fastify.
    get(`${AUTOCONFIG}?emailaddress=alice%40gmail.com`, 'Connection: keep-alive\r\n').replace('Connection: close\r\n', '') + get('/nothing'),
  ]
  let answeredFast = 0
  for (const raw of requests) {
    const [fast, slow] = [(await rawExchange(pair.fast.port, raw)).toString('latin1'), (await rawExchange(pair.slow.port, raw)).toString('latin1')]
    t.equal(comparableRaw(fast), comparableRaw(slow), JSON.stringify(raw.slice(0, 120)))
    const seen = pair.takeSeenByFastify()
    if (!seen.some((url) => url.startsWith(AUTOCONFIG) || url.startsWith(LOOKUP))) answeredFast++
  }
  // The GETs with bodies, HTTP/1.0, repeated headers and the first of the pipelined pair are the fast path's.
  t.ok(answeredFast >= 5, `the fast path answered ${answeredFast} of them, so both paths were compared`)
})
