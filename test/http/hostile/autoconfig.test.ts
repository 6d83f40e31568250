/**
 * Hostile input against the Mozilla autoconfig routes and whatever else a scanner tries: arbitrary query strings,
 * Host headers, paths, methods, bodies and content types. Invariants are in support.ts.
 */
import fc from 'fast-check'
import t from 'tap'
import { MAX_ADDRESS_LENGTH } from '../../../src/model/email-address.ts'
import { AUTOCONFIG_PATHS } from '../../../src/http/paths.ts'
import { build } from '../../helper.ts'
import { assertSafeAnswer, safeGetter, hostileAddress, injectable, hostileBody, hostileContentType, hostileHost, hostileMethod, hostileQuery, hostileString, RUNS, safeEncode } from './support.ts'

const autoconfigPath = fc.tuple(fc.constantFrom(...AUTOCONFIG_PATHS), fc.constantFrom('', '/', '//'), fc.boolean())
  .map(([path, tail, upper]) => (upper ? path.toUpperCase() : path) + tail)

t.test('autoconfig: arbitrary addresses, query strings and Host headers', async (t) => {
  const app = await build(t, { rateLimit: false })
  const statuses = new Set<number>()
  await fc.assert(fc.asyncProperty(
    autoconfigPath, fc.option(hostileAddress), fc.boolean(), hostileQuery, fc.option(hostileHost), fc.constantFrom('GET', 'HEAD'), fc.option(fc.oneof(hostileString, fc.constantFrom('*', 'W/"x", *'))),
    async (path, address, encode, query, host, method, ifNoneMatch) => {
      const params = [address === null ? '' : `emailaddress=${encode ? safeEncode(address) : address}`, query].filter((p) => p !== '').join('&')
      const request = {
        method,
        url: injectable(path, params),
        headers: { ...(host === null ? {} : { host }), ...(ifNoneMatch === null ? {} : { 'if-none-match': ifNoneMatch }) },
      }
      const res = await app.inject(request)
      statuses.add(res.statusCode)
      assertSafeAnswer(res, request)
    },
  ), { numRuns: RUNS })
  // The generators reach every kind of answer, so the invariants were checked on each.
  t.same([...statuses].sort(), [200, 304, 400, 404])
})

t.test('ISPDB form: arbitrary /v1.1/<domain> segments, encoded or raw', async (t) => {
  const app = await build(t, { rateLimit: false })
  await fc.assert(fc.asyncProperty(
    hostileString, fc.constantFrom('raw', 'encoded', 'double-encoded'), fc.option(hostileHost), fc.constantFrom('GET' as const, 'HEAD' as const),
    async (segment, encoding, host, method) => {
      const encoded = encoding === 'raw' ? segment : encoding === 'encoded' ? safeEncode(segment) : safeEncode(safeEncode(segment))
      const request = { method, url: injectable(`/v1.1/${encoded}`, ''), headers: host === null ? {} : { host } }
      assertSafeAnswer(await app.inject(request), request)
    },
  ), { numRuns: RUNS })
})

t.test('anything at all: arbitrary methods, paths, bodies and content types', async (t) => {
  const app = await build(t, { rateLimit: false })
  const path = fc.oneof(
    fc.array(hostileString, { minLength: 1, maxLength: 4 }).map((segments) => `/${segments.join('/')}`),
    fc.tuple(fc.constantFrom('/mail/', '/.well-known/', '/v1.1/', '/.well-known/autoconfig/', '/'), hostileString).map(([a, b]) => a + b),
  )
  await fc.assert(fc.asyncProperty(
    hostileMethod, path, hostileQuery, hostileBody, hostileContentType, fc.option(hostileHost),
    async (method, path, query, body, contentType, host) => {
      const hasBody = method !== 'GET' && method !== 'HEAD'
      const request = {
        method: method as 'GET',
        url: injectable(path, query),
        headers: { ...(host === null ? {} : { host }), ...(hasBody ? { 'content-type': contentType } : {}) },
        ...(hasBody ? { payload: body } : {}),
      }
      assertSafeAnswer(await app.inject(request), { ...request, payload: String(body).slice(0, 200) })
    },
  ), { numRuns: RUNS })
})

t.test('named cases', async (t) => {
  const app = await build(t, { rateLimit: false })
  const get = safeGetter(app)

  t.test('addresses longer than 254 characters are refused, 254 is accepted', async (t) => {
    const domain = 'gmail.com'
    const local = (n: number) => 'a'.repeat(Math.min(n, 64)) + '.b'.repeat(Math.max(0, n - 64) / 2)
    const at254 = `${local(MAX_ADDRESS_LENGTH - domain.length - 1)}@${domain}`
    t.equal(at254.length, MAX_ADDRESS_LENGTH)
    // A local part over 64 is itself invalid (RFC 5321 §4.5.3.1.1), so the long cases lengthen the domain.
    const longDomain = (n: number) => `${'d'.repeat(63)}.${'e'.repeat(63)}.${'f'.repeat(63)}.${'g'.repeat(n - 3 * 64)}`
    const valid254 = `alice@${longDomain(MAX_ADDRESS_LENGTH - 6)}`
    const over255 = `alice@${longDomain(MAX_ADDRESS_LENGTH - 5)}`
    t.equal(valid254.length, 254)
    t.equal(over255.length, 255)
    t.equal((await get(`/mail/config-v1.1.xml?emailaddress=${valid254}`)).statusCode, 404, '254 characters: a valid address, unknown domain')
    const refused = await get(`/mail/config-v1.1.xml?emailaddress=${over255}`)
    t.equal(refused.statusCode, 400)
    t.equal(refused.json().code, 'INVALID_EMAIL_ADDRESS')
    t.equal((await get(`/mail/config-v1.1.xml?emailaddress=${'a'.repeat(10_000)}@gmail.com`)).statusCode, 400, '10,000 characters')
  })

  t.test('CR/LF in parameters never reaches a header or the body', async (t) => {
    for (const address of ['alice%0d%0aX-Injected:%201@gmail.com', 'alice@gmail.com%0d%0aX-Injected:%201', 'alice@gmail.com%0aSet-Cookie:%20a=b']) {
      const res = await get(`/mail/config-v1.1.xml?emailaddress=${address}`)
      t.equal(res.statusCode, 400, address)
      t.equal(res.headers['set-cookie'], undefined)
    }
    const viaHost = await get('/mail/config-v1.1.xml', { host: 'autoconfig.gmail.com\r\nX-Injected: 1' })
    t.equal(viaHost.statusCode, 400)
    const viaPath = await get('/v1.1/gmail.com%0d%0aX-Injected:%201')
    t.equal(viaPath.statusCode, 400)
  })

  t.test('path traversal on /v1.1/<domain> is a 400 or 404, never a file', async (t) => {
    for (const path of ['/v1.1/..%2f..%2fetc%2fpasswd', '/v1.1/%2e%2e%2f%2e%2e%2fpackage.json', '/v1.1/..%5c..%5cpackage.json', '/v1.1/%252e%252e%252fpackage.json', '/v1.1/....//....//etc/passwd', '/v1.1/gmail.com%2f..%2f..%2fpackage.json', '/v1.1/%00gmail.com', '/v1.1/gmail.com%00.yaml', '/v1.1/..', '/v1.1/.']) {
      const res = await get(path)
      // A dot-segment resolves (`/v1.1/..` is `/`, the settings page's form): a page then, never a file.
      const form = res.statusCode === 200 && /^text\/html/.test(String(res.headers['content-type'])) && path === '/v1.1/..'
      t.ok(res.statusCode === 400 || res.statusCode === 404 || form, `${path}: ${res.statusCode}`)
      t.notMatch(res.body, /root:|"name": "mail-autoconfig"|incomingServer/, `${path} serves no file`)
    }
  })

  t.test('invalid UTF-8 in the path and the query', async (t) => {
    const badPath = await get('/v1.1/%C3%28.com')
    t.equal(badPath.statusCode, 400)
    t.equal(badPath.json().code, 'INVALID_URL')
    t.equal((await get('/v1.1/gmail.%FF')).json().code, 'INVALID_URL')
    t.equal((await get('/%ED%A0%80')).json().code, 'INVALID_URL', 'an encoded lone surrogate')
    for (const address of ['alice@gmail.%FF', 'alice@%ED%A0%80.com', '%FE%FF', 'alice@gmail.com%C3']) {
      t.equal((await get(`/mail/config-v1.1.xml?emailaddress=${address}`)).statusCode, 400, address)
    }
    // Undecodable escapes stay literal, and `%` is valid in a local part (RFC 5322 atext): a valid address.
    const literal = await get('/mail/config-v1.1.xml?emailaddress=%C3%28@gmail.com')
    t.equal(literal.statusCode, 200)
    t.notMatch(literal.body, /\uFFFD/)
  })

  t.test('an over-long path segment is 414 from the catalog', async (t) => {
    const res = await get(`/v1.1/${'a'.repeat(600)}.com`)
    t.equal(res.statusCode, 414)
    t.equal(res.json().code, 'URL_TOO_LONG')
  })
})
