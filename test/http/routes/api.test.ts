import t from 'tap'
import { Catalog } from '../../../src/catalog/catalog.ts'
import { dnsAdviceSchema, lookupSchema, domainSchema, providerPageSchema, providerSchema } from '../../../src/render/api-schema.ts'
import { encodeCursor } from '../../../src/http/api/provider-index.ts'
import { problemSchema } from '../../../src/http/reply/responses.ts'
import { API_CACHE_CONTROL } from '../../../src/http/routes/api.ts'
import { catalogResolver, ProviderLookup } from '../../../src/catalog/lookup.ts'
import { mxDomainResolver } from '../../../src/dns/mx-domain-resolver.ts'
import { MxResolver } from '../../../src/dns/mx-resolver.ts'
import { dnsResolver } from '../../../src/dns/resolver.ts'
import { buildApp } from '../../../src/app.ts'
import { build, BUNDLED_DIR, lookupFor, VALID_PROVIDERS_DIR } from '../../helper.ts'
import { minimalTestZone, startDnsServer } from '../../dns/support.ts'

const JSON_TYPE = 'application/json; charset=utf-8'
const PROBLEM_TYPE = 'application/problem+json; charset=utf-8'

t.test('lookup: Gmail settings for alice, usernames filled in', async (t) => {
  const app = await build(t)
  const res = await app.inject({ url: '/api/v1/lookup?email=alice@gmail.com', headers: { host: 'autoconfig.example.net' } })
  t.equal(res.statusCode, 200)
  t.equal(res.headers['content-type'], JSON_TYPE)
  t.equal(res.headers['cache-control'], API_CACHE_CONTROL)
  t.match(res.headers.etag, /^"[A-Za-z0-9_-]{27}"$/)
  t.equal(res.headers['access-control-allow-origin'], '*')
  const body = lookupSchema.parse(res.json())
  t.same(Object.keys(res.json()).sort(), Object.keys(body).sort(), 'only documented members')
  t.equal(body.email, 'alice@gmail.com')
  t.equal(body.domain, 'gmail.com')
  t.same(body.match, { by: 'exact', pattern: 'gmail.com' })
  t.same(body.provider, { id: 'gmail', name: 'Google Mail', shortName: 'GMail' })
  t.same(body.incoming.map((s) => [s.type, s.host, s.port, s.security, s.username]), [
    ['imap', 'imap.gmail.com', 993, 'tls', 'alice@gmail.com'],
    ['pop3', 'pop.gmail.com', 995, 'tls', 'alice@gmail.com'],
  ])
  t.same(body.incoming[0]!.auth, ['oauth2', 'password-cleartext'])
  t.same(body.outgoing.map((s) => [s.host, s.port, s.security, s.username]), [
    ['smtp.gmail.com', 465, 'tls', 'alice@gmail.com'],
    ['smtp.gmail.com', 587, 'starttls', 'alice@gmail.com'],
  ])
  t.match(body.enable?.instructions[0]?.text, /Enable IMAP/)
  t.equal(body.documentation.length, 2)
  t.equal(body.oauth2?.tokenUrl, 'https://www.googleapis.com/oauth2/v3/token')
  t.equal(body.addressBook?.url, 'https://www.googleapis.com/carddav/v1/principals/alice@gmail.com/lists/default/')
  t.equal(body.calendar?.username, 'alice@gmail.com')
  t.equal(body.webmail?.loginPage, 'https://mail.google.com/')
  t.same(body.links, {
    autoconfig: 'http://autoconfig.example.net/mail/config-v1.1.xml?emailaddress=alice%40gmail.com',
    autodiscover: 'http://autoconfig.example.net/autodiscover/autodiscover.xml',
    mobileconfig: 'http://autoconfig.example.net/mobileconfig?emailaddress=alice%40gmail.com',
  }, 'links derived from the request when no public base URL is configured')
  const autoconfig = await app.inject({ url: body.links.autoconfig.replace('http://autoconfig.example.net', '') })
  t.equal(autoconfig.statusCode, 200, 'the autoconfig link works')
  const profile = await app.inject({ url: body.links.mobileconfig!.replace('http://autoconfig.example.net', '') })
  t.equal(profile.statusCode, 200, 'the profile link works')
  t.equal(profile.headers['content-disposition'], 'attachment; filename="gmail.com.mobileconfig"')
})

t.test('lookup links use the public base URL when configured', async (t) => {
  const app = await build(t, { publicBaseUrl: 'https://autoconfig.example.com/' })
  const res = await app.inject({ url: '/api/v1/lookup?email=Bob%2Bmail@GMAIL.com', headers: { host: 'evil.example' } })
  t.same(res.json().links, {
    autoconfig: 'https://autoconfig.example.com/mail/config-v1.1.xml?emailaddress=Bob%2Bmail%40gmail.com',
    autodiscover: 'https://autoconfig.example.com/autodiscover/autodiscover.xml',
    mobileconfig: 'https://autoconfig.example.com/mobileconfig?emailaddress=Bob%2Bmail%40gmail.com',
  })
  const proxied = await build(t, { trustProxy: true })
  const behindProxy = await proxied.inject({ url: '/api/v1/lookup?email=a@gmail.com', headers: { host: 'internal:8080', 'x-forwarded-host': 'mail.example.com', 'x-forwarded-proto': 'https' } })
  t.equal(behindProxy.json().links.autodiscover, 'https://mail.example.com/autodiscover/autodiscover.xml', 'X-Forwarded-* when the proxy is trusted')
  const app2 = await build(t)
  const badHost = await app2.inject({ url: '/api/v1/lookup?email=a@gmail.com', headers: { host: 'a"b<c>' } })
  t.equal(badHost.statusCode, 400, 'links cannot be made from a Host that is no host name')
  t.match(problemSchema.parse(badHost.json()), { code: 'INVALID_PARAMETER', parameter: 'Host' })
})

t.test('lookup: upper-case, IDN and wildcard domains', async (t) => {
  const app = await build(t, { providersDir: VALID_PROVIDERS_DIR })
  for (const email of ['Alice@BÜCHER.example', 'Alice@xn--bcher-kva.EXAMPLE.', ' Alice@bücher.example ']) {
    const res = await app.inject({ url: `/api/v1/lookup?email=${encodeURIComponent(email)}` })
    t.equal(res.statusCode, 200, email)
    const body = lookupSchema.parse(res.json())
    t.equal(body.email, 'Alice@xn--bcher-kva.example', `${email}: local part kept, domain as A-label`)
    t.same(body.match, { by: 'exact', pattern: 'xn--bcher-kva.example' })
    t.equal(body.incoming[2]!.host, 'pop.xn--bcher-kva.example', '%EMAILDOMAIN% in a host')
    t.equal(body.incoming[2]!.username, 'Alice', '%EMAILLOCALPART%')
  }
  const wildcard = lookupSchema.parse((await app.inject({ url: '/api/v1/lookup?email=bob@Team.Example.ORG' })).json())
  t.same(wildcard.match, { by: 'wildcard', pattern: '*.example.org' })
  t.equal(wildcard.provider.id, 'example.com')
})

t.test('lookup errors are problem documents naming the parameter', async (t) => {
  const app = await build(t)
  const cases: Array<[string, number, string, Record<string, unknown>]> = [
    ['/api/v1/lookup', 400, 'INVALID_PARAMETER', { parameter: 'email', detail: 'query parameter "email": is required, e.g. ?email=alice@example.com' }],
    ['/api/v1/lookup?email=a@gmail.com&email=b@gmail.com', 400, 'INVALID_PARAMETER', { parameter: 'email' }],
    ['/api/v1/lookup?email=', 400, 'INVALID_EMAIL_ADDRESS', { parameter: 'email' }],
    ['/api/v1/lookup?email=alice', 400, 'INVALID_EMAIL_ADDRESS', { parameter: 'email' }],
    ['/api/v1/lookup?email=alice%0d%0a@gmail.com', 400, 'INVALID_EMAIL_ADDRESS', { parameter: 'email' }],
    [`/api/v1/lookup?email=${'a'.repeat(250)}@gmail.com`, 400, 'INVALID_EMAIL_ADDRESS', { parameter: 'email' }],
    ['/api/v1/lookup?email=alice@unknown.example', 404, 'UNKNOWN_DOMAIN', { domain: 'unknown.example', detail: 'No provider serves unknown.example' }],
  ]
  for (const [url, status, code, extra] of cases) {
    const res = await app.inject({ url })
    t.equal(res.statusCode, status, url)
    t.equal(res.headers['content-type'], PROBLEM_TYPE, url)
    const problem = problemSchema.parse(res.json())
    t.match(problem, { type: `urn:mail-autoconfig:error:${code}`, status, code, ...extra }, url)
  }
  const unknown = await app.inject({ url: '/api/v1/lookup?email=alice@unknown.example' })
  t.equal(unknown.headers['cache-control'], 'public, max-age=300', 'negative answers are cached briefly')
  t.equal(unknown.headers.etag, undefined, 'errors carry no ETag')
})

t.test('providers: a page at a time, in id order', async (t) => {
  const app = await build(t)
  const ids = [...app.providers.catalog.providers.keys()].sort()
  t.ok(ids.length > 2, 'the bundled providers fill several pages')
  const all = providerPageSchema.parse((await app.inject({ url: '/api/v1/providers' })).json())
  t.same(all.items.map((p) => p.id), ids)
  t.equal(all.nextCursor, undefined)
  t.same(all.items.find((p) => p.id === 'gmail'), { id: 'gmail', name: 'Google Mail', shortName: 'GMail', domains: ['gmail.com', 'googlemail.com'] })

  const first = await app.inject({ url: '/api/v1/providers?limit=1' })
  t.equal(first.headers['cache-control'], API_CACHE_CONTROL)
  t.ok(first.headers.etag)
  // Walk every page of one: each names the next by the last id it holds, the last page names none.
  let page = providerPageSchema.parse(first.json())
  const seen = page.items.map((p) => p.id)
  while (page.nextCursor !== undefined) {
    t.equal(page.nextCursor, encodeCursor(seen.at(-1)!))
    page = providerPageSchema.parse((await app.inject({ url: `/api/v1/providers?limit=1&cursor=${page.nextCursor}` })).json())
    seen.push(...page.items.map((p) => p.id))
  }
  t.same(seen, ids, 'one provider per page, in id order, then no cursor')
  const past = await app.inject({ url: `/api/v1/providers?cursor=${encodeCursor(ids.at(-1)!)}` })
  t.same(past.json(), { items: [] }, 'after the last provider: an empty page')

  t.same((await app.inject({ url: '/api/v1/providers?q=GOOGLE' })).json().items.map((p: { id: string }) => p.id), ['gmail'])
  t.same((await app.inject({ url: '/api/v1/providers?q=no-such-provider' })).json(), { items: [] }, 'empty result')
  t.same((await app.inject({ url: '/api/v1/providers?domain=GoogleMail.COM.' })).json().items.map((p: { id: string }) => p.id), ['gmail'], 'domain filter, normalised')
  t.same((await app.inject({ url: '/api/v1/providers?domain=unknown.example' })).json(), { items: [] }, 'a domain nobody serves lists nothing')
  t.same((await app.inject({ url: '/api/v1/providers?domain=mail.com&q=google' })).json(), { items: [] }, 'filters combine')
})

t.test('providers: IDN in ?domain= and ?q=', async (t) => {
  const app = await build(t, { providersDir: VALID_PROVIDERS_DIR })
  for (const url of ['/api/v1/providers?domain=B%C3%9CCHER.example', '/api/v1/providers?q=b%C3%BCcher', '/api/v1/providers?domain=sub.example.org']) {
    t.same((await app.inject({ url })).json().items.map((p: { id: string }) => p.id), ['example.com'], url)
  }
})

t.test('providers: bad parameters are 400 naming the parameter', async (t) => {
  const app = await build(t)
  const cases: Array<[string, string, string]> = [
    ['cursor=zz', 'INVALID_CURSOR', 'cursor'],
    [`cursor=${encodeCursor('../x')}`, 'INVALID_CURSOR', 'cursor'],
    ['cursor=a&cursor=b', 'INVALID_PARAMETER', 'cursor'],
    ['limit=0', 'INVALID_PARAMETER', 'limit'],
    ['limit=101', 'INVALID_PARAMETER', 'limit'],
    ['limit=1.5', 'INVALID_PARAMETER', 'limit'],
    ['limit=abc', 'INVALID_PARAMETER', 'limit'],
    ['limit=', 'INVALID_PARAMETER', 'limit'],
    [`q=${'x'.repeat(101)}`, 'INVALID_PARAMETER', 'q'],
    ['domain=not%20a%20domain', 'INVALID_DOMAIN', 'domain'],
    ['domain=..', 'INVALID_DOMAIN', 'domain'],
  ]
  for (const [query, code, parameter] of cases) {
    const res = await app.inject({ url: `/api/v1/providers?${query}` })
    t.equal(res.statusCode, 400, query)
    t.equal(res.headers['content-type'], PROBLEM_TYPE)
    t.match(problemSchema.parse(res.json()), { code, parameter }, query)
  }
  t.equal((await app.inject({ url: '/api/v1/providers?limit=100' })).statusCode, 200, 'the largest page size')
  t.equal((await app.inject({ url: '/api/v1/providers?limit=0' })).json().detail, 'query parameter "limit": must be a whole number from 1 to 100')
})

t.test('providers/{id}: the whole provider, placeholders intact', async (t) => {
  const app = await build(t, { providersDir: VALID_PROVIDERS_DIR })
  const res = await app.inject({ url: '/api/v1/providers/example.com' })
  t.equal(res.statusCode, 200)
  t.equal(res.headers['content-type'], JSON_TYPE)
  t.equal(res.headers['cache-control'], API_CACHE_CONTROL)
  t.equal(res.headers['access-control-allow-origin'], '*')
  const body = providerSchema.parse(res.json())
  t.same(Object.keys(res.json()).sort(), Object.keys(body).sort())
  t.equal(body.name, 'Example <Mail> & "Co"')
  t.same(body.domains, ['example.com', 'example.net', 'xn--bcher-kva.example', '*.example.org'])
  t.same(body.incoming.map((s) => [s.host, s.port, s.security, s.username]), [
    ['imap.example.com', 993, 'tls', '%EMAILADDRESS%'],
    ['imap.example.com', 143, 'starttls', '%EMAILADDRESS%'],
    ['pop.%EMAILDOMAIN%', 1995, 'plain', '%EMAILLOCALPART%'],
  ])
  t.equal(body.outgoing[2]!.restriction, 'client-ip-address')
  t.equal(body.addressBook?.url, 'https://dav.example.com/carddav/%EMAILADDRESS%/')
  t.same(body.autodiscover, { redirectAddr: '%EMAILLOCALPART%@example.net' })
  t.equal(body.webmail?.loginPageInfo?.username, '%EMAILADDRESS%')
  t.equal(body.webmail?.loginPageInfo?.waitForRedirectionUrlPrefix, 'https://sso.example.com/')
  t.notOk('acceptedWarnings' in res.json(), 'lint metadata is not part of the API')

  const again = await app.inject({ url: '/api/v1/providers/EXAMPLE.COM' })
  t.equal(again.statusCode, 200, 'ids match case-insensitively')
  t.equal(again.body, res.body)
  t.equal(again.headers.etag, res.headers.etag, 'the same bytes, the same tag')

  const minimal = providerSchema.parse((await app.inject({ url: '/api/v1/providers/minimal' })).json())
  t.same(minimal.outgoing, [{ type: 'smtp', host: 'mail.minimal.test', port: 465, security: 'tls', auth: ['password-cleartext'], username: '%EMAILADDRESS%' }], 'defaults applied')
  t.same(minimal.documentation, [])

  for (const id of ['gmail', 'nope', 'example.com.', 'a%00b', '%3Cscript%3E']) {
    const missing = await app.inject({ url: `/api/v1/providers/${id}` })
    t.equal(missing.statusCode, 404, id)
    t.match(problemSchema.parse(missing.json()), { code: 'UNKNOWN_PROVIDER' }, id)
  }
})

t.test('domains/{domain}: which provider, and how it matched', async (t) => {
  const app = await build(t, { providersDir: VALID_PROVIDERS_DIR })
  const cases: Array<[string, string, string, string]> = [
    ['example.com', 'example.com', 'exact', 'example.com'],
    ['EXAMPLE.NET.', 'example.net', 'exact', 'example.net'],
    ['b%C3%BCcher.example', 'xn--bcher-kva.example', 'exact', 'xn--bcher-kva.example'],
    ['Deep.Team.example.org', 'deep.team.example.org', 'wildcard', '*.example.org'],
  ]
  for (const [path, domain, by, pattern] of cases) {
    const res = await app.inject({ url: `/api/v1/domains/${path}` })
    t.equal(res.statusCode, 200, path)
    t.equal(res.headers['cache-control'], API_CACHE_CONTROL)
    t.same(domainSchema.parse(res.json()), { domain, match: { by, pattern }, provider: { id: 'example.com', name: 'Example <Mail> & "Co"', shortName: 'Example' } }, path)
  }
  const unknown = await app.inject({ url: '/api/v1/domains/example.org' })
  t.equal(unknown.statusCode, 404, 'a wildcard does not cover its parent')
  t.match(problemSchema.parse(unknown.json()), { code: 'UNKNOWN_DOMAIN', domain: 'example.org' })
  for (const bad of ['localhost', 'a%20b.com', '*.example.org', 'a..b']) {
    const res = await app.inject({ url: `/api/v1/domains/${bad}` })
    t.equal(res.statusCode, 400, bad)
    t.match(problemSchema.parse(res.json()), { code: 'INVALID_DOMAIN', parameter: 'domain' }, bad)
  }
})

t.test('conditional GET: If-None-Match gets 304 on every API route', async (t) => {
  const app = await build(t)
  for (const url of ['/api/v1/lookup?email=alice@gmail.com', '/api/v1/providers?limit=1', '/api/v1/providers/gmail', '/api/v1/domains/gmail.com']) {
    const first = await app.inject({ url })
    const etag = first.headers.etag as string
    t.ok(etag, url)
    const hit = await app.inject({ url, headers: { 'if-none-match': etag } })
    t.equal(hit.statusCode, 304, url)
    t.equal(hit.body, '', 'no body')
    t.equal(hit.headers.etag, etag)
    t.equal(hit.headers['cache-control'], API_CACHE_CONTROL)
    t.equal(hit.headers['content-type'], undefined)
    t.equal((await app.inject({ url, headers: { 'if-none-match': `"other", W/${etag}` } })).statusCode, 304, 'weak comparison, lists')
    t.equal((await app.inject({ url, headers: { 'if-none-match': '"other"' } })).statusCode, 200, 'a stale tag gets the body')
    const head = await app.inject({ method: 'HEAD', url })
    t.equal(head.statusCode, 200)
    t.equal(head.headers.etag, etag, 'HEAD has the same tag')
    t.equal(head.body, '')
    const headHit = await app.inject({ method: 'HEAD', url, headers: { 'if-none-match': etag } })
    t.equal(headHit.statusCode, 304, 'HEAD revalidates too')
    t.equal(headHit.body, '')
  }
  const alice = await app.inject({ url: '/api/v1/lookup?email=alice@gmail.com' })
  const bob = await app.inject({ url: '/api/v1/lookup?email=bob@gmail.com' })
  const otherHost = await app.inject({ url: '/api/v1/lookup?email=alice@gmail.com', headers: { host: 'other.example' } })
  const backToFirstHost = await app.inject({ url: '/api/v1/lookup?email=alice@gmail.com' })
  t.not(alice.body, bob.body)
  t.not(alice.headers.etag, bob.headers.etag, 'another address, another body: another tag')
  t.not(alice.headers.etag, otherHost.headers.etag, 'other links, another tag')
  t.equal(backToFirstHost.headers.etag, alice.headers.etag, 'the links\' base back as before: the tag as before')
  const googlemail = await app.inject({ url: '/api/v1/lookup?email=alice@googlemail.com' })
  t.not(googlemail.headers.etag, alice.headers.etag, 'another domain pattern of the provider, another tag')
  const repeated = await app.inject({ url: '/api/v1/lookup?email=alice@gmail.com' })
  t.equal(repeated.headers.etag, alice.headers.etag, 'the same body, the same tag')
})

t.test('lookup: a changed provider file, another tag', async (t) => {
  const app = await build(t)
  const url = '/api/v1/lookup?email=alice@gmail.com'
  const before = await app.inject({ url })
  const gmail = app.providers.catalog.providers.get('gmail')!
  app.providers.replace(new Catalog([{ ...gmail, name: 'Gmail (renamed)' }]))
  const after = await app.inject({ url })
  t.equal(after.json().provider.name, 'Gmail (renamed)')
  t.not(after.headers.etag, before.headers.etag)
  t.equal((await app.inject({ url, headers: { 'if-none-match': before.headers.etag as string } })).statusCode, 200, 'the old tag gets the new body')
  t.equal((await app.inject({ url, headers: { 'if-none-match': after.headers.etag as string } })).statusCode, 304)
})

t.test('CORS: any origin by default, preflight included', async (t) => {
  const app = await build(t)
  const preflight = await app.inject({
    method: 'OPTIONS',
    url: '/api/v1/lookup?email=alice@gmail.com',
    headers: { origin: 'https://signup.example', 'access-control-request-method': 'GET', 'access-control-request-headers': 'if-none-match' },
  })
  t.equal(preflight.statusCode, 204)
  t.equal(preflight.headers['access-control-allow-origin'], '*')
  t.match(preflight.headers['access-control-allow-methods'], /GET/)
  t.match(String(preflight.headers['access-control-allow-headers']).toLowerCase(), /if-none-match/)
  t.equal(preflight.headers['access-control-max-age'], '7200')
  const get = await app.inject({ url: '/api/v1/providers', headers: { origin: 'https://signup.example' } })
  t.equal(get.headers['access-control-allow-origin'], '*')
  t.match(get.headers['access-control-expose-headers'], /ETag/, 'scripts may read the ETag')
  const error = await app.inject({ url: '/api/v1/lookup?email=x', headers: { origin: 'https://signup.example' } })
  t.equal(error.headers['access-control-allow-origin'], '*', 'errors are readable too')
  const autoconfig = await app.inject({ url: '/mail/config-v1.1.xml?emailaddress=a@gmail.com', headers: { origin: 'https://signup.example' } })
  t.equal(autoconfig.headers['access-control-allow-origin'], undefined, 'CORS is for /api only')
})

t.test('CORS: configured origins only', async (t) => {
  const app = await build(t, { corsOrigins: ['https://signup.example', 'https://help.example'] })
  const allowed = await app.inject({ url: '/api/v1/providers', headers: { origin: 'https://help.example' } })
  t.equal(allowed.headers['access-control-allow-origin'], 'https://help.example')
  t.match(allowed.headers.vary, /Origin/i, 'caches keep answers per origin')
  const denied = await app.inject({ url: '/api/v1/providers', headers: { origin: 'https://evil.example' } })
  t.equal(denied.statusCode, 200, 'the data is public; the browser withholds it')
  t.equal(denied.headers['access-control-allow-origin'], undefined)
  const preflight = await app.inject({ method: 'OPTIONS', url: '/api/v1/providers', headers: { origin: 'https://evil.example', 'access-control-request-method': 'GET' } })
  t.equal(preflight.headers['access-control-allow-origin'], undefined)
})

const GMAIL_RECORDS = [
  { name: 'autoconfig.gmail.com.', type: 'CNAME', ttl: 3600, target: 'autoconfig.example.org.' },
  { name: 'autodiscover.gmail.com.', type: 'CNAME', ttl: 3600, target: 'autoconfig.example.org.' },
  { name: '_autodiscover._tcp.gmail.com.', type: 'SRV', ttl: 3600, priority: 0, weight: 0, port: 443, target: 'autoconfig.example.org.' },
  { name: '_imaps._tcp.gmail.com.', type: 'SRV', ttl: 3600, priority: 0, weight: 1, port: 993, target: 'imap.gmail.com.' },
  { name: '_imap._tcp.gmail.com.', type: 'SRV', ttl: 3600, priority: 0, weight: 0, port: 0, target: '.' },
  { name: '_pop3s._tcp.gmail.com.', type: 'SRV', ttl: 3600, priority: 0, weight: 1, port: 995, target: 'pop.gmail.com.' },
  { name: '_pop3._tcp.gmail.com.', type: 'SRV', ttl: 3600, priority: 0, weight: 0, port: 0, target: '.' },
  { name: '_submissions._tcp.gmail.com.', type: 'SRV', ttl: 3600, priority: 0, weight: 1, port: 465, target: 'smtp.gmail.com.' },
  { name: '_submission._tcp.gmail.com.', type: 'SRV', ttl: 3600, priority: 10, weight: 1, port: 587, target: 'smtp.gmail.com.' },
  { name: '_caldavs._tcp.gmail.com.', type: 'SRV', ttl: 3600, priority: 0, weight: 1, port: 443, target: 'apidata.googleusercontent.com.' },
  { name: '_carddavs._tcp.gmail.com.', type: 'SRV', ttl: 3600, priority: 0, weight: 1, port: 443, target: 'www.googleapis.com.' },
]

t.test('domains/{domain}/dns: the records a domain owner publishes, as data and as zone text', async (t) => {
  const app = await build(t, { publicBaseUrl: 'https://autoconfig.example.org' })
  const res = await app.inject({ url: '/api/v1/domains/GMail.com./dns' })
  t.equal(res.statusCode, 200)
  t.equal(res.headers['content-type'], JSON_TYPE)
  t.equal(res.headers['cache-control'], API_CACHE_CONTROL)
  t.equal(res.headers.vary, undefined, 'the records do not depend on the Host when PUBLIC_BASE_URL is set')
  const body = dnsAdviceSchema.parse(res.json())
  t.same(Object.keys(res.json()).sort(), ['domain', 'match', 'provider', 'records', 'service', 'zone'])
  t.equal(body.domain, 'gmail.com')
  t.same(body.match, { by: 'exact', pattern: 'gmail.com' })
  t.same(body.provider, { id: 'gmail', name: 'Google Mail', shortName: 'GMail' })
  t.equal(body.service, 'https://autoconfig.example.org')
  // STARTTLS submission is offered, after implicit TLS (priority 10), so it has no "not offered" record.
  t.same(body.records, GMAIL_RECORDS)
  // The zone text holds every record, one per line, as the CLI prints it.
  const zoneLines = body.zone.split('\n').filter((line) => line !== '' && !line.startsWith(';'))
  t.equal(zoneLines.length, GMAIL_RECORDS.length)
  t.match(body.zone, /^autoconfig\.gmail\.com\. +3600 IN CNAME autoconfig\.example\.org\.$/m)
  t.match(body.zone, /^_submission\._tcp\.gmail\.com\. +3600 IN SRV +10 1 587 smtp\.gmail\.com\.$/m)
  t.match(body.zone, /^; gmail\.com: mail served by Google Mail, client settings by https:\/\/autoconfig\.example\.org$/m)
})

t.test('domains/{domain}/dns: without PUBLIC_BASE_URL the records point at the Host asked, and say Vary: Host', async (t) => {
  const app = await build(t, { providersDir: VALID_PROVIDERS_DIR })
  const res = await app.inject({ url: '/api/v1/domains/minimal.test/dns', headers: { host: 'ac.example.net:8443' } })
  t.equal(res.statusCode, 200)
  t.equal(res.headers.vary, 'Host')
  const body = dnsAdviceSchema.parse(res.json())
  t.equal(body.service, 'http://ac.example.net:8443')
  t.same(body.records.slice(0, 3), [
    { name: 'autoconfig.minimal.test.', type: 'CNAME', ttl: 3600, target: 'ac.example.net.' },
    { name: 'autodiscover.minimal.test.', type: 'CNAME', ttl: 3600, target: 'ac.example.net.' },
    { name: '_autodiscover._tcp.minimal.test.', type: 'SRV', ttl: 3600, priority: 0, weight: 0, port: 8443, target: 'ac.example.net.' },
  ])
})

t.test('domains/{domain}/dns?check=true: each record as this server\'s resolvers see it, never cached', async (t) => {
  const zone = minimalTestZone()
  const server = await startDnsServer(t, zone)
  const app = await build(t, { providersDir: VALID_PROVIDERS_DIR, publicBaseUrl: 'https://ac.example.net', dnsResolver: dnsResolver({ servers: [server.address], timeoutMs: 500 }) })
  const all = await app.inject({ url: '/api/v1/domains/minimal.test/dns?check=true' })
  t.equal(all.statusCode, 200)
  t.equal(all.headers['cache-control'], 'no-store')
  const body = dnsAdviceSchema.parse(all.json())
  t.equal(body.inPlace, true)
  t.same(body.records.map((r) => [r.name, r.type, r.check]), Object.keys(zone).map((name) => [`${name}.`, name.startsWith('auto') && !name.startsWith('_') ? 'CNAME' : 'SRV', { status: 'ok' }]))

  server.zone.delete('_submissions._tcp.minimal.test')
  server.zone.set('autodiscover.minimal.test', { records: [{ type: 'CNAME', target: 'elsewhere.example' }] })
  server.zone.set('_imaps._tcp.minimal.test', { rcode: 'SERVFAIL' })
  const some = dnsAdviceSchema.parse((await app.inject({ url: '/api/v1/domains/minimal.test/dns?check=true' })).json())
  t.equal(some.inPlace, false)
  const checkOf = (name: string) => some.records.find((r) => r.name === name)!.check
  t.same(checkOf('autodiscover.minimal.test.'), { status: 'different', found: ['elsewhere.example.'] })
  t.same(checkOf('_submissions._tcp.minimal.test.'), { status: 'missing' })
  t.same(checkOf('_imaps._tcp.minimal.test.'), { status: 'error', reason: 'ESERVFAIL' })
  t.same(checkOf('autoconfig.minimal.test.'), { status: 'ok' })

  const unchecked = await app.inject({ url: '/api/v1/domains/minimal.test/dns?check=false' })
  t.equal(unchecked.headers['cache-control'], API_CACHE_CONTROL)
  t.notOk('inPlace' in unchecked.json())
  t.notOk(unchecked.json().records.some((r: object) => 'check' in r))
})

t.test('domains/{domain}/dns: a domain found by its MX record gets its provider\'s servers', async (t) => {
  const server = await startDnsServer(t, { 'smallshop.example': { mx: [{ exchange: 'aspmx.l.google.com', priority: 1 }] } })
  const lookup = await lookupFor(BUNDLED_DIR)
  const mx = new MxResolver({ servers: [server.address], timeoutMs: 1000 })
  const app = await buildApp({ lookup: new ProviderLookup(lookup.catalog, [catalogResolver, mxDomainResolver(mx)]), publicBaseUrl: 'https://ac.example.net', rateLimit: false })
  t.teardown(() => app.close())
  const body = dnsAdviceSchema.parse((await app.inject({ url: '/api/v1/domains/smallshop.example/dns' })).json())
  t.same(body.match, { by: 'mx', pattern: 'aspmx.l.google.com', mxHost: 'aspmx.l.google.com' })
  t.equal(body.provider.id, 'gmail')
  t.same(body.records.find((r) => r.name === '_imaps._tcp.smallshop.example.'), { name: '_imaps._tcp.smallshop.example.', type: 'SRV', ttl: 3600, priority: 0, weight: 1, port: 993, target: 'imap.gmail.com.' })
})

t.test('domains/{domain}/dns: bad input is a problem, never a 5xx', async (t) => {
  const app = await build(t, { publicBaseUrl: 'https://ac.example.net' })
  const cases: Array<[string, number, string]> = [
    ['/api/v1/domains/not_a..domain/dns', 400, 'INVALID_DOMAIN'],
    ['/api/v1/domains/nobody.example/dns', 404, 'UNKNOWN_DOMAIN'],
    ['/api/v1/domains/gmail.com/dns?check=yes', 400, 'INVALID_PARAMETER'],
    ['/api/v1/domains/gmail.com/dns?check=true&check=true', 400, 'INVALID_PARAMETER'],
  ]
  for (const [url, status, code] of cases) {
    const res = await app.inject({ url })
    t.equal(res.statusCode, status, url)
    t.equal(res.headers['content-type'], PROBLEM_TYPE, url)
    t.equal(problemSchema.parse(res.json()).code, code, url)
  }
})
