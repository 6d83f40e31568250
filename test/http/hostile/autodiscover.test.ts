/**
 * Hostile input against the autodiscover routes: arbitrary bodies, content types, Host headers and path casings
 * on the POX endpoint, damaged Outlook requests, and arbitrary query strings and path addresses on the v2 JSON
 * endpoint. Invariants are in support.ts (never a 5xx, well-formed XML, errors from the catalog, no markup
 * reflected, security headers).
 */
import fc from 'fast-check'
import t from 'tap'
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
