/**
 * Hostile input against the autodiscover routes: arbitrary bodies, content types, Host headers and path casings
 * on the POX endpoint, damaged Outlook requests, and arbitrary query strings and path addresses on the v2 JSON
 * endpoint. Invariants are in support.ts (never a 5xx, well-formed XML, errors from the catalog, no markup
 * reflected, security headers).
 */
import fc from 'fast-check'
import t from 'tap'
import { BODY_LIMIT } from '../../../src/http/limits.ts'
import { build, fixture } from '../../helper.ts'
import { assertSafeAnswer, hostileAddress, hostileBody, hostileContentType, hostileHost, hostileQuery, hostileString, RUNS, injectable, safeEncode } from './support.ts'

/** Three properties share the suite's per-property budget, keeping this file as quick as the others. */
const RUNS_PER_PROPERTY = Math.ceil(RUNS / 3)

/** Plausible addresses at served and unserved domains, so every kind of answer is reached, not only refusals. */
const knownOrUnknownAddress = fc.tuple(fc.constantFrom('alice', 'Bob.Smith', "o'brien"), fc.constantFrom('gmail.com', 'GMail.com', 'mail.com', 'unknown.example'))
  .map(([local, domain]) => `${local}@${domain}`)

const poxPath = fc.constantFrom('/autodiscover/autodiscover.xml', '/Autodiscover/Autodiscover.xml', '/AutoDiscover/AutoDiscover.xml', '/AUTODISCOVER/AUTODISCOVER.XML', '/autodiscover/autodiscover.xml/')

t.test('POX: arbitrary bodies, content types and Host headers', async (t) => {
  const app = await build(t, { rateLimit: false })
  const statuses = new Set<number>()
  await fc.assert(fc.asyncProperty(
    poxPath, hostileBody, fc.option(hostileContentType), fc.option(hostileHost), fc.constantFrom('POST', 'GET', 'HEAD'),
    async (url, body, contentType, host, method) => {
      const request = {
        method: method as 'POST',
        url,
        headers: { ...(host === null ? {} : { host }), ...(contentType === null ? {} : { 'content-type': contentType }) },
        ...(method === 'POST' ? { payload: body } : {}),
      }
      const res = await app.inject(request)
      statuses.add(res.statusCode)
      assertSafeAnswer(res, { ...request, payload: String(body).slice(0, 200) })
    },
  ), { numRuns: RUNS_PER_PROPERTY })
  t.ok(statuses.has(200), 'Error documents (HTTP 200) were checked')
})

t.test('POX: Outlook\'s request with a hostile address, or damaged by hostile fragments', async (t) => {
  const app = await build(t, { rateLimit: false })
  const outlook = await fixture('requests/outlook-2016.xml')
  const statuses = new Set<number>()
  await fc.assert(fc.asyncProperty(
    fc.oneof(
      knownOrUnknownAddress.map((address) => outlook.replace('alice@gmail.com', address)),
      hostileAddress.map((address) => outlook.replace('alice@gmail.com', address)),
      fc.tuple(fc.nat(), hostileString).map(([at, piece]) => outlook.slice(0, at % outlook.length) + piece + outlook.slice(at % outlook.length)),
    ),
    async (payload) => {
      const request = { method: 'POST' as const, url: '/autodiscover/autodiscover.xml', payload }
      const res = await app.inject(request)
      statuses.add(res.statusCode)
      assertSafeAnswer(res, request)
    },
  ), { numRuns: RUNS_PER_PROPERTY })
  t.ok(statuses.has(200) && statuses.has(404), `settings, Error documents and unknown domains were all checked (${[...statuses].sort().join(', ')})`)
})

t.test('v2 JSON: arbitrary query strings, path addresses and Host headers', async (t) => {
  const app = await build(t, { rateLimit: false })
  const statuses = new Set<number>()
  await fc.assert(fc.asyncProperty(
    fc.oneof(
      hostileQuery.map((query) => injectable('/autodiscover/autodiscover.json', query)),
      fc.tuple(hostileAddress, fc.boolean(), hostileQuery).map(([address, encode, query]) => injectable(`/autodiscover/autodiscover.json/v1.0/${encode ? safeEncode(address) : address}`, `Protocol=AutodiscoverV1&${query}`)),
      fc.tuple(fc.oneof(knownOrUnknownAddress, hostileAddress), fc.constantFrom('AutodiscoverV1', 'autodiscoverv1', 'ActiveSync')).map(([address, protocol]) => injectable('/autodiscover/autodiscover.json', `Email=${safeEncode(address)}&Protocol=${protocol}`)),
    ),
    fc.option(hostileHost),
    async (url, host) => {
      const request = { method: 'GET' as const, url, headers: host === null ? {} : { host } }
      const res = await app.inject(request)
      statuses.add(res.statusCode)
      assertSafeAnswer(res, request)
    },
  ), { numRuns: RUNS_PER_PROPERTY })
  t.ok(statuses.has(200) && statuses.has(400) && statuses.has(404), `answers, refusals and unknown domains were all checked (${[...statuses].sort().join(', ')})`)
})

const OUTLOOK_SCHEMA = 'http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a'
const REQUEST_NS = 'http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006'

function poxRequest (address: string, schema = OUTLOOK_SCHEMA, prolog = ''): string {
  return `<?xml version="1.0" encoding="utf-8"?>${prolog}<Autodiscover xmlns="${REQUEST_NS}"><Request><EMailAddress>${address}</EMailAddress><AcceptableResponseSchema>${schema}</AcceptableResponseSchema></Request></Autodiscover>`
}

t.test('named cases', async (t) => {
  const app = await build(t, { rateLimit: false })
  const post = async (payload: string | Buffer, headers: Record<string, string> = { 'content-type': 'text/xml; charset=utf-8' }) => {
    const started = performance.now()
    const res = await app.inject({ method: 'POST', url: '/autodiscover/autodiscover.xml', headers, payload })
    const ms = performance.now() - started
    assertSafeAnswer(res, { url: '/autodiscover/autodiscover.xml', payload: String(payload).slice(0, 300) })
    return { res, ms }
  }
  /** The quickest of three tries, so one scheduling hiccup on a busy machine does not count as expansion. */
  const quickest = async (payload: string) => {
    const tries = [await post(payload), await post(payload), await post(payload)]
    return { res: tries[0]!.res, ms: Math.min(...tries.map((x) => x.ms)) }
  }

  t.test('billion laughs: no expansion, answered within 100 ms', async (t) => {
    const levels = Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i};`.repeat(10)}">`).join('')
    const bomb = poxRequest('&lol9;@gmail.com', OUTLOOK_SCHEMA, `<!DOCTYPE Autodiscover [<!ENTITY lol0 "lol">${levels}]>`)
    const { res, ms } = await quickest(bomb)
    t.ok(ms < 100, `${ms.toFixed(1)} ms`)
    t.notMatch(res.body, /lollol/)
    t.ok(res.statusCode < 500)
    const quadratic = poxRequest('&a;@gmail.com', OUTLOOK_SCHEMA, `<!DOCTYPE Autodiscover [<!ENTITY a "${'x'.repeat(30_000)}">]>`)
    const blowup = await quickest(quadratic.replace('&a;@gmail.com', '&a;'.repeat(1000) + '@gmail.com').slice(0, BODY_LIMIT - 1))
    t.ok(blowup.ms < 100, `quadratic blow-up: ${blowup.ms.toFixed(1)} ms`)
    t.notMatch(blowup.res.body, /xxxxxxxxxx/)
  })

  t.test('external entities and DTDs are never fetched or read', async (t) => {
    for (const prolog of [
      '<!DOCTYPE Autodiscover [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>',
      '<!DOCTYPE Autodiscover [<!ENTITY xxe SYSTEM "http://127.0.0.1:9/x">]>',
      '<!DOCTYPE Autodiscover SYSTEM "http://127.0.0.1:9/x.dtd">',
      '<!DOCTYPE Autodiscover [<!ENTITY % p SYSTEM "file:///etc/passwd"> %p;]>',
    ]) {
      const { res, ms } = await quickest(poxRequest('&xxe;', OUTLOOK_SCHEMA, prolog))
      t.ok(ms < 100, `${prolog}: ${ms.toFixed(1)} ms`)
      t.notMatch(res.body, /root:|daemon:/, prolog)
    }
  })

  t.test('bodies over the cap are 413; at the cap they are read', async (t) => {
    const padding = (n: number) => `<!--${'p'.repeat(n)}-->`
    const base = poxRequest('alice@gmail.com')
    const atCap = base + padding(BODY_LIMIT - base.length - 7)
    t.equal(Buffer.byteLength(atCap), BODY_LIMIT)
    t.equal((await post(atCap)).res.statusCode, 200)
    const over = (await post(atCap + 'x')).res
    t.equal(over.statusCode, 413)
    t.match(over.body, /BODY_TOO_LARGE/)
    t.equal((await post(Buffer.alloc(10 * BODY_LIMIT, 'a'))).res.statusCode, 413, 'ten times the cap')
  })

  t.test('addresses over 254 characters, CR/LF and invalid UTF-8 get an Error document, never a 5xx', async (t) => {
    const long = `alice@${'d'.repeat(63)}.${'e'.repeat(63)}.${'f'.repeat(63)}.${'g'.repeat(57)}`
    t.equal(long.length, 255)
    for (const address of [long, `${'a'.repeat(10_000)}@gmail.com`, 'alice\r\nX-Injected: 1@gmail.com', 'alice&#13;&#10;@gmail.com']) {
      const { res } = await post(poxRequest(address))
      t.ok(res.statusCode === 200 || res.statusCode === 400, `${address.slice(0, 30)}: ${res.statusCode}`)
      t.match(res.body, /<ErrorCode>600<\/ErrorCode>/, address.slice(0, 30))
      t.equal(res.headers['x-injected'], undefined)
    }
    // Whitespace around the address is insignificant in XML: trimmed, served, and no CR/LF reaches the answer.
    const trimmed = (await post(poxRequest('alice@gmail.com\r\n'))).res
    t.equal(trimmed.statusCode, 200)
    t.notMatch(trimmed.body, /gmail\.com\r/)
    const [before = '', after = ''] = poxRequest('alice@gmail.com').split('alice')
    const invalidUtf8 = Buffer.concat([Buffer.from(before), Buffer.from([0xc3, 0x28, 0xff, 0xfe]), Buffer.from(`alice${after}`)])
    t.ok((await post(invalidUtf8)).res.statusCode < 500)
  })
})
