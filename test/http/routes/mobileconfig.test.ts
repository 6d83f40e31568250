import { parse, type PlistValue } from 'plist'
import t from 'tap'
import { buildApp } from '../../../src/app.ts'
import { catalogResolver, ProviderLookup } from '../../../src/catalog/lookup.ts'
import { mxDomainResolver } from '../../../src/dns/mx-domain-resolver.ts'
import { MxResolver } from '../../../src/dns/mx-resolver.ts'
import { problemSchema } from '../../../src/http/reply/responses.ts'
import { lookupSchema } from '../../../src/render/api-schema.ts'
import { build, BUNDLED_DIR, lookupFor, OAUTH_ONLY_PROVIDERS_DIR, unknownDomainProblem, VALID_PROVIDERS_DIR } from '../../helper.ts'
import { startDnsServer } from '../../dns/support.ts'

const PROFILE_TYPE = 'application/x-apple-aspen-config'
const PROBLEM_TYPE = 'application/problem+json; charset=utf-8'

type Dict = Record<string, PlistValue>

function profileOf (body: string): { top: Dict, mail: Dict } {
  const top = parse(body) as Dict
  const mail = (top.PayloadContent as Dict[]).find((payload) => payload.PayloadType === 'com.apple.mail.managed')!
  return { top, mail }
}

t.test('GET /mobileconfig: the profile for the address, as a download Safari offers to install', async (t) => {
  const app = await build(t)
  const res = await app.inject({ url: '/mobileconfig?emailaddress=alice@GMail.com' })
  t.equal(res.statusCode, 200)
  t.equal(res.headers['content-type'], PROFILE_TYPE, 'Apple\'s media type, without a charset')
  t.equal(res.headers['content-disposition'], 'attachment; filename="gmail.com.mobileconfig"')
  t.equal(res.headers['cache-control'], 'no-store', 'a profile names one address: no shared cache keeps it')
  t.equal(res.headers.etag, undefined)
  t.ok(res.body.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN"'), 'an unsigned profile is the XML plist')
  const { top, mail } = profileOf(res.body)
  t.equal(top.PayloadType, 'Configuration')
  t.equal(top.PayloadDisplayName, 'Google Mail (alice@gmail.com)')
  t.match(mail, {
    EmailAccountType: 'EmailTypeIMAP',
    EmailAddress: 'alice@gmail.com',
    IncomingMailServerHostName: 'imap.gmail.com',
    IncomingMailServerPortNumber: 993,
    IncomingMailServerUseSSL: true,
    IncomingMailServerUsername: 'alice@gmail.com',
    OutgoingMailServerHostName: 'smtp.gmail.com',
    OutgoingMailServerPortNumber: 465,
  })
})

t.test('the aliases peers and their links use answer the same profile', async (t) => {
  const app = await build(t)
  const first = await app.inject({ url: '/mobileconfig?emailaddress=bob@web.de' })
  for (const url of ['/email.mobileconfig?email=bob@web.de', '/apple.mobileconfig?emailaddress=bob@web.de', '/mobileconfig?email=bob@web.de', '/MobileConfig/?emailaddress=bob@web.de', '/Email.mobileconfig?email=bob%40WEB.de']) {
    const res = await app.inject({ url })
    t.equal(res.statusCode, 200, url)
    t.equal(res.body, first.body, `${url}: the same bytes`)
    t.equal(res.headers['content-disposition'], 'attachment; filename="web.de.mobileconfig"', url)
  }
  const both = await app.inject({ url: '/mobileconfig?email=carol@web.de&emailaddress=bob@web.de' })
  t.equal(both.body, first.body, 'emailaddress wins over email')
})

t.test('HEAD answers the headers of the GET without the body', async (t) => {
  const app = await build(t)
  const get = await app.inject({ url: '/mobileconfig?emailaddress=alice@gmail.com' })
  const head = await app.inject({ method: 'HEAD', url: '/mobileconfig?emailaddress=alice@gmail.com' })
  t.equal(head.statusCode, 200)
  t.equal(head.body, '')
  t.equal(head.headers['content-length'], get.headers['content-length'])
  t.equal(head.headers['content-type'], PROFILE_TYPE)
  t.equal(head.headers['content-disposition'], get.headers['content-disposition'])
})

t.test('domains match as on every route: exact, wildcard and by MX', async (t) => {
  const wildcard = await build(t, { providersDir: VALID_PROVIDERS_DIR })
  const sub = await wildcard.inject({ url: '/mobileconfig?emailaddress=dana@mail.example.org' })
  t.equal(sub.statusCode, 200, '*.example.org')
  t.equal(sub.headers['content-disposition'], 'attachment; filename="mail.example.org.mobileconfig"', 'named after the address\'s domain')
  t.equal(profileOf(sub.body).mail.EmailAddress, 'dana@mail.example.org')

  const server = await startDnsServer(t, { 'smallshop.example': { mx: [{ exchange: 'aspmx.l.google.com', priority: 1 }] } })
  const lookup = await lookupFor(BUNDLED_DIR)
  const mx = new MxResolver({ servers: [server.address], timeoutMs: 1000 })
  const app = await buildApp({ lookup: new ProviderLookup(lookup.catalog, [catalogResolver, mxDomainResolver(mx)]), rateLimit: false })
  t.teardown(() => app.close())
  const res = await app.inject({ url: '/mobileconfig?emailaddress=erin@smallshop.example' })
  t.equal(res.statusCode, 200, 'a domain whose MX is Google\'s')
  t.equal(res.headers['content-disposition'], 'attachment; filename="smallshop.example.mobileconfig"')
  const { top, mail } = profileOf(res.body)
  t.equal(top.PayloadOrganization, 'Google Mail')
  t.equal(mail.IncomingMailServerHostName, 'imap.gmail.com')
  t.equal(mail.IncomingMailServerUsername, 'erin@smallshop.example')
})

t.test('bad requests are problems naming the parameter; an unknown domain is a 404', async (t) => {
  const app = await build(t)
  const cases: Array<[string, number, string, string | undefined]> = [
    ['/mobileconfig', 400, 'MISSING_EMAIL_ADDRESS', 'emailaddress'],
    ['/apple.mobileconfig?emailaddress=', 400, 'MISSING_EMAIL_ADDRESS', 'emailaddress'],
    ['/mobileconfig?emailaddress=alice', 400, 'INVALID_EMAIL_ADDRESS', 'emailaddress'],
    ['/email.mobileconfig?email=%22a%22%3Cb%3E%26@gmail.com', 400, 'INVALID_EMAIL_ADDRESS', 'email'],
    ['/mobileconfig?emailaddress=a@gmail.com&emailaddress=b@gmail.com', 400, 'INVALID_PARAMETER', 'emailaddress'],
    ['/mobileconfig?emailaddress=a@' + 'x'.repeat(300) + '.com', 400, 'INVALID_EMAIL_ADDRESS', 'emailaddress'],
  ]
  for (const [url, status, code, parameter] of cases) {
    const res = await app.inject({ url })
    t.equal(res.statusCode, status, url)
    t.equal(res.headers['content-type'], PROBLEM_TYPE, url)
    t.match(problemSchema.parse(res.json()), { code, parameter }, url)
  }
  const unknown = await app.inject({ url: '/mobileconfig?emailaddress=alice@nobody.example' })
  t.equal(unknown.statusCode, 404)
  t.same(unknown.json(), unknownDomainProblem('nobody.example'))
  t.equal(unknown.headers['cache-control'], 'public, max-age=300')
})

t.test('a provider that only takes OAuth2 has no profile, and the API does not link one', async (t) => {
  const app = await build(t, { providersDir: OAUTH_ONLY_PROVIDERS_DIR })
  const res = await app.inject({ url: '/mobileconfig?emailaddress=alice@tokens.example' })
  t.equal(res.statusCode, 404)
  t.match(problemSchema.parse(res.json()), { code: 'NO_PROFILE_FOR_PROVIDER', detail: /^Tokens Only Mail's servers take no login an Apple profile can set up/ })
  const lookup = lookupSchema.parse((await app.inject({ url: '/api/v1/lookup?email=alice@tokens.example' })).json())
  t.same(Object.keys(lookup.links).sort(), ['autoconfig', 'autodiscover'])
})

t.test('profiles are rate-limited like the other routes', async (t) => {
  const app = await build(t, { rateLimit: { max: 2, timeWindowMs: 60_000 } })
  const statuses = []
  for (let i = 0; i < 3; i++) statuses.push((await app.inject({ url: '/mobileconfig?emailaddress=alice@gmail.com' })).statusCode)
  t.same(statuses, [200, 200, 429])
})

t.test('requests are counted as their own kind', async (t) => {
  const app = await build(t)
  await app.inject({ url: '/mobileconfig?emailaddress=alice@gmail.com' })
  await app.inject({ url: '/email.mobileconfig?email=alice@nobody.example' })
  const metrics = (await app.inject({ url: '/metrics' })).body
  t.match(metrics, /^mail_autoconfig_requests_total\{kind="apple",outcome="served"\} 1$/m)
  t.match(metrics, /^mail_autoconfig_requests_total\{kind="apple",outcome="not_found"\} 1$/m)
})
