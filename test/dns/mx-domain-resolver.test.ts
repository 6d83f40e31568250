/**
 * Customer domains found by MX, through every route that looks a domain up, against a real DNS server on
 * 127.0.0.1 and the bundled providers.
 */
import { Writable } from 'node:stream'
import t from 'tap'
import type { FastifyInstance } from 'fastify'
import { buildApp } from '../../src/app.ts'
import { loadProviders } from '../../src/catalog/load.ts'
import { catalogResolver, ProviderLookup } from '../../src/catalog/lookup.ts'
import { mxDomainResolver } from '../../src/dns/mx-domain-resolver.ts'
import { MxResolver, type MxResolverOptions } from '../../src/dns/mx-resolver.ts'
import { BUNDLED_DIR, fixture, parseXml, unknownDomainProblem } from '../helper.ts'
import { startDnsServer, type TestDnsServer, type ZoneEntry } from './support.ts'

const ZONE: Record<string, ZoneEntry> = {
  'smallshop.example': { mx: [{ exchange: 'alt1.aspmx.l.google.com', priority: 5 }, { exchange: 'aspmx.l.google.com', priority: 1 }] },
  'contoso.example': { mx: [{ exchange: 'contoso-example.mail.protection.outlook.com', priority: 0 }] },
  'gmxfan.example': { mx: [{ exchange: 'mx00.gmx.net', priority: 10 }] },
  'selfhosted.example': { mx: [{ exchange: 'mail.selfhosted.example', priority: 10 }] },
  'nomx.example': { rcode: 'NOERROR' },
  'broken.example': { rcode: 'SERVFAIL' },
  'dead.example': { silent: true },
  'slow.example': { mx: [{ exchange: 'smtp.google.com', priority: 1 }], delayMs: 400 },
}

interface Setup { app: FastifyInstance, dns: TestDnsServer, mx: MxResolver, logs: Array<Record<string, any>> }

async function setup (t: { teardown (fn: () => unknown): void }, options: MxResolverOptions = {}): Promise<Setup> {
  const dns = await startDnsServer(t, ZONE)
  const loaded = await loadProviders(BUNDLED_DIR)
  if (!loaded.ok) throw new Error('bundled providers must load')
  const mx = new MxResolver({ servers: [dns.address], timeoutMs: 250, ...options })
  const logs: Array<Record<string, any>> = []
  const destination = new Writable({ write (chunk, _encoding, done) { logs.push(JSON.parse(String(chunk))); done() } })
  const app = await buildApp({
    lookup: new ProviderLookup(loaded.catalog, [catalogResolver, mxDomainResolver(mx)]),
    mxStats: mx.stats,
    logger: { level: 'info', destination },
    rateLimit: false,
  })
  t.teardown(() => app.close())
  await app.ready()
  return { app, dns, mx, logs }
}

async function outlookRequest (address: string): Promise<string> {
  return (await fixture('requests/outlook-2016.xml')).replace('alice@gmail.com', address)
}

t.test('autoconfig: a domain whose MX is aspmx.l.google.com gets Gmail\'s settings, listing the customer domain', async (t) => {
  const { app, dns } = await setup(t)
  for (const url of ['/mail/config-v1.1.xml?emailaddress=alice@smallshop.example', '/.well-known/autoconfig/mail/config-v1.1.xml?emailaddress=alice@smallshop.example', '/v1.1/smallshop.example']) {
    const res = await app.inject({ url })
    t.equal(res.statusCode, 200, url)
    t.equal(res.headers['content-type'], 'application/xml; charset=utf-8')
    const provider = parseXml(res.body, ['domain', 'incomingServer', 'outgoingServer']).clientConfig.emailProvider
    t.equal(provider['@_id'], 'gmail')
    t.same(provider.domain, ['smallshop.example', 'gmail.com', 'googlemail.com', { '#text': 'google.com', '@_purpose': 'mx' }, { '#text': 'l.google.com', '@_purpose': 'mx' }, { '#text': 'aspmx.l.google.com', '@_purpose': 'mx' }],
      'the customer domain first, then the MX domains of the mx entries (smtp.google.com, aspmx.l.google.com, *.aspmx.l.google.com)')
    t.same(provider.incomingServer.map((s: any) => [s['@_type'], s.hostname, s.port, s.socketType, s.username]), [
      ['imap', 'imap.gmail.com', '993', 'SSL', '%EMAILADDRESS%'],
      ['pop3', 'pop.gmail.com', '995', 'SSL', '%EMAILADDRESS%'],
    ], 'placeholders stay for the client, which fills in the customer\'s address')
    t.same(provider.outgoingServer.map((s: any) => [s.hostname, s.port, s.socketType]), [['smtp.gmail.com', '465', 'SSL'], ['smtp.gmail.com', '587', 'STARTTLS']])
  }
  t.equal(dns.queries.get('MX smallshop.example'), 1, 'three requests, one query')
})

t.test('autodiscover POX: the login name is the customer\'s address', async (t) => {
  const { app } = await setup(t)
  const res = await app.inject({ method: 'POST', url: '/autodiscover/autodiscover.xml', payload: await outlookRequest('alice@smallshop.example') })
  t.equal(res.statusCode, 200)
  const account = parseXml(res.body, ['Protocol']).Autodiscover.Response.Account
  t.same(account.Protocol.map((p: any) => [p.Type, p.Server, p.Port, p.Encryption, p.LoginName]), [
    ['IMAP', 'imap.gmail.com', '993', 'SSL', 'alice@smallshop.example'],
    ['POP3', 'pop.gmail.com', '995', 'SSL', 'alice@smallshop.example'],
    ['SMTP', 'smtp.gmail.com', '465', 'SSL', 'alice@smallshop.example'],
    ['SMTP', 'smtp.gmail.com', '587', 'TLS', 'alice@smallshop.example'],
  ])

  const m365 = await app.inject({ method: 'POST', url: '/autodiscover/autodiscover.xml', payload: await outlookRequest('bob@contoso.example') })
  t.equal(m365.statusCode, 200)
  t.same(parseXml(m365.body).Autodiscover.Response.Account, { AccountType: 'email', Action: 'redirectUrl', RedirectUrl: 'https://autodiscover-s.outlook.com/autodiscover/autodiscover.xml' },
    'a Microsoft 365 domain (MX *.mail.protection.outlook.com) is sent on to Microsoft')
})

t.test('autodiscover v2 JSON', async (t) => {
  const { app } = await setup(t)
  const res = await app.inject({ url: '/autodiscover/autodiscover.json/v1.0/alice@smallshop.example?Protocol=AutodiscoverV1', headers: { host: 'autodiscover.smallshop.example' } })
  t.equal(res.statusCode, 200)
  t.same(res.json(), { Protocol: 'AutodiscoverV1', Url: 'http://autodiscover.smallshop.example/autodiscover/autodiscover.xml' })
  const m365 = await app.inject({ url: '/autodiscover/autodiscover.json/v1.0/bob@contoso.example?Protocol=AutodiscoverV1' })
  t.same(m365.json(), { Protocol: 'AutodiscoverV1', Url: 'https://autodiscover-s.outlook.com/autodiscover/autodiscover.xml' })
})

t.test('the API names the match: by mx, the MX host and the pattern', async (t) => {
  const { app } = await setup(t)
  const domain = await app.inject({ url: '/api/v1/domains/smallshop.example' })
  t.equal(domain.statusCode, 200)
  t.same(domain.json(), {
    domain: 'smallshop.example',
    match: { by: 'mx', pattern: 'aspmx.l.google.com', mxHost: 'aspmx.l.google.com' },
    provider: { id: 'gmail', name: 'Google Mail', shortName: 'GMail' },
  }, 'the preferred MX (priority 1), though DNS listed it second')
  const fallback = await app.inject({ url: '/api/v1/domains/gmxfan.example' })
  t.same(fallback.json().match, { by: 'mx', pattern: 'gmx.net', mxHost: 'mx00.gmx.net' }, 'by the MX host\'s base domain')

  const lookup = await app.inject({ url: '/api/v1/lookup?email=alice@smallshop.example' })
  t.equal(lookup.statusCode, 200)
  const body = lookup.json()
  t.equal(body.email, 'alice@smallshop.example')
  t.equal(body.domain, 'smallshop.example')
  t.same(body.match, { by: 'mx', pattern: 'aspmx.l.google.com', mxHost: 'aspmx.l.google.com' })
  t.same(body.incoming.map((s: any) => [s.host, s.username]), [['imap.gmail.com', 'alice@smallshop.example'], ['pop.gmail.com', 'alice@smallshop.example']])
  t.equal(body.addressBook.url, 'https://www.googleapis.com/carddav/v1/principals/alice@smallshop.example/lists/default/', 'placeholders filled for the customer, not the provider')

  const m365 = await app.inject({ url: '/api/v1/domains/contoso.example' })
  t.same(m365.json().match, { by: 'mx', pattern: '*.mail.protection.outlook.com', mxHost: 'contoso-example.mail.protection.outlook.com' })
  t.same((await app.inject({ url: '/api/v1/providers?domain=smallshop.example' })).json().items.map((p: any) => p.id), ['gmail'])
  t.same((await app.inject({ url: '/api/v1/providers/gmail' })).json().mx, ['smtp.google.com', 'aspmx.l.google.com', '*.aspmx.l.google.com'])
  t.same((await app.inject({ url: '/tls/allowed?domain=autoconfig.smallshop.example' })).json(), { allowed: true, domain: 'smallshop.example' })
})

t.test('no match, no MX, NXDOMAIN, SERVFAIL, a dead server: the unknown-domain answer, and a log line that says why', async (t) => {
  const { app, logs } = await setup(t)
  const cases = [
    ['selfhosted.example', 'no provider by MX: no provider knows its MX hosts'],
    ['nomx.example', 'no provider by MX: the domain has no MX record'],
    ['nowhere.example', 'no provider by MX: the domain does not exist in DNS'],
    ['broken.example', 'no provider by MX: the MX lookup failed'],
    ['dead.example', 'no provider by MX: the MX lookup timed out'],
  ] as const
  for (const [domain, why] of cases) {
    const res = await app.inject({ url: `/mail/config-v1.1.xml?emailaddress=alice@${domain}` })
    t.equal(res.statusCode, 404, domain)
    t.same(res.json(), unknownDomainProblem(domain))
    const api = await app.inject({ url: `/api/v1/lookup?email=alice@${domain}` })
    t.equal(api.statusCode, 404)
    const pox = await app.inject({ method: 'POST', url: '/autodiscover/autodiscover.xml', payload: await outlookRequest(`alice@${domain}`) })
    t.equal(pox.statusCode, 404)
    t.equal(parseXml(pox.body).Autodiscover.Response.Error.ErrorCode, '500')
    const lines = logs.filter((line) => line.msg === why && line.domain === domain)
    t.equal(lines.length, 3, `${domain}: ${why}, once per request`)
  }
  t.same(logs.find((line) => line.domain === 'selfhosted.example')!.mxHosts, ['mail.selfhosted.example'])
  t.notOk(logs.some((line) => JSON.stringify(line).includes('alice@')), 'no address in any log line')
})

t.test('domains in the catalog never cause a query; a public suffix neither', async (t) => {
  const { app, dns } = await setup(t)
  for (const url of ['/v1.1/gmail.com', '/v1.1/tenant.onmicrosoft.com', '/api/v1/domains/co.uk']) await app.inject({ url })
  t.same(Object.fromEntries(dns.queries), {})
})

t.test('a slow resolver delays only the requests that need it', async (t) => {
  const { app } = await setup(t, { timeoutMs: 2000 })
  const slow = app.inject({ url: '/v1.1/slow.example' })
  const started = performance.now()
  const bundled = await app.inject({ url: '/v1.1/gmail.com' })
  const bundledMs = performance.now() - started
  t.equal(bundled.statusCode, 200)
  t.ok(bundledMs < 200, `a bundled domain answered in ${Math.round(bundledMs)} ms while an MX query waited 400 ms`)
  const answered = await slow
  t.equal(answered.statusCode, 200)
  t.ok(performance.now() - started >= 380, 'the slow one waited for DNS')
})

t.test('metrics: lookups by outcome and cache hits', async (t) => {
  const { app } = await setup(t)
  await app.inject({ url: '/v1.1/smallshop.example' })
  await app.inject({ url: '/v1.1/smallshop.example' })
  await app.inject({ url: '/v1.1/nowhere.example' })
  const text = (await app.inject({ url: '/metrics' })).body
  t.match(text, /^mail_autoconfig_mx_lookups_total\{outcome="found"\} 1$/m)
  t.match(text, /^mail_autoconfig_mx_lookups_total\{outcome="nxdomain"\} 1$/m)
  t.match(text, /^mail_autoconfig_mx_lookups_total\{outcome="timeout"\} 0$/m)
  t.match(text, /^mail_autoconfig_mx_cache_hits_total 1$/m)
  t.match(text, /^mail_autoconfig_mx_coalesced_total 0$/m)
})
