import t from 'tap'
import { XMLValidator } from 'fast-xml-parser'
import { AUTOCONFIG_PATHS } from '../../../src/http/paths.ts'
import { build, parseXml, unknownDomainProblem, VALID_PROVIDERS_DIR } from '../../helper.ts'

const ARRAYS = ['domain', 'incomingServer', 'outgoingServer', 'authentication']

t.test('Gmail, as Thunderbird asks for it on both autoconfig URLs', async (t) => {
  const app = await build(t)
  for (const path of AUTOCONFIG_PATHS) {
    const res = await app.inject({ method: 'GET', url: `${path}?emailaddress=alice%40gmail.com`, headers: { host: 'autoconfig.gmail.com' } })
    t.equal(res.statusCode, 200, path)
    t.equal(res.headers['content-type'], 'application/xml; charset=utf-8')
    t.equal(res.headers['cache-control'], 'public, max-age=3600')
    t.match(res.headers.etag, /^"[A-Za-z0-9_-]{27}"$/)
    t.equal(XMLValidator.validate(res.body), true)
    const ep = parseXml(res.body, ARRAYS).clientConfig.emailProvider
    t.same(ep.domain, ['gmail.com', 'googlemail.com', ...['google.com', 'l.google.com', 'aspmx.l.google.com'].map((d) => ({ '#text': d, '@_purpose': 'mx' }))],
      'then the MX domains of its Workspace MX hosts (smtp.google.com, aspmx.l.google.com, *.aspmx.l.google.com)')
    const imap = ep.incomingServer[0]
    t.same([imap['@_type'], imap.hostname, imap.port, imap.socketType, imap.username, imap.authentication], ['imap', 'imap.gmail.com', '993', 'SSL', '%EMAILADDRESS%', ['OAuth2', 'password-cleartext']])
    t.same(ep.outgoingServer.map((s: any) => [s.hostname, s.port, s.socketType, s.username]), [
      ['smtp.gmail.com', '465', 'SSL', '%EMAILADDRESS%'],
      ['smtp.gmail.com', '587', 'STARTTLS', '%EMAILADDRESS%'],
    ])
    t.match(ep.enable.instruction['#text'], /Enable IMAP.*Save Changes/)
  }
})

t.test('mail.com: IMAP 993 SSL/TLS, SMTP 587 STARTTLS, enable instructions', async (t) => {
  const app = await build(t)
  const res = await app.inject({ method: 'GET', url: '/mail/config-v1.1.xml?emailaddress=bob@mail.com' })
  t.equal(res.statusCode, 200)
  const ep = parseXml(res.body, ARRAYS).clientConfig.emailProvider
  t.same([ep.incomingServer[0].hostname, ep.incomingServer[0].port, ep.incomingServer[0].socketType], ['imap.mail.com', '993', 'SSL'])
  t.same([ep.outgoingServer[0].hostname, ep.outgoingServer[0].port, ep.outgoingServer[0].socketType], ['smtp.mail.com', '587', 'STARTTLS'])
  t.match(ep.enable.instruction['#text'], /POP3 & IMAP.*Enable access to this account via POP3 and IMAP.*Save/)
})

t.test('without emailaddress the domain comes from the Host header (Thunderbird for Android)', async (t) => {
  const app = await build(t)
  const cases: Array<[string, number, string]> = [
    ['autoconfig.gmail.com', 200, 'autoconfig.<domain>'],
    ['gmail.com', 200, '.well-known on the domain itself'],
    ['AUTOCONFIG.GoogleMail.COM:8080', 200, 'case and port ignored'],
    ['autoconfig.unknown.example', 404, 'unknown domain'],
    ['localhost:8080', 400, 'no domain in the host'],
    ['127.0.0.1:8080', 400, 'an IPv4 literal names no domain'],
    ['127.0.0.1', 400, 'an IPv4 literal without a port'],
    ['[2001:db8::1]:8080', 400, 'an IPv6 literal names no domain'],
  ]
  for (const [host, status, reason] of cases) {
    const res = await app.inject({ method: 'GET', url: '/.well-known/autoconfig/mail/config-v1.1.xml', headers: { host } })
    t.equal(res.statusCode, status, `${host}: ${reason}`)
    if (status === 400) t.equal(res.json().code, 'MISSING_EMAIL_ADDRESS', `${host}: asks for the address`)
  }
  const empty = await app.inject({ method: 'GET', url: '/mail/config-v1.1.xml?emailaddress=', headers: { host: 'autoconfig.gmail.com' } })
  t.equal(empty.statusCode, 200, 'an empty emailaddress counts as none')
})

t.test('unknown domains are 404, never 200 (Thunderbird stops at the first 2xx)', async (t) => {
  const app = await build(t)
  const res = await app.inject({ method: 'GET', url: '/mail/config-v1.1.xml?emailaddress=alice@unknown.example' })
  t.equal(res.statusCode, 404)
  t.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8')
  t.equal(res.headers['cache-control'], 'public, max-age=300')
  t.same(res.json(), unknownDomainProblem('unknown.example'))
})

t.test('malformed addresses are 400 with the parameter named', async (t) => {
  const app = await build(t)
  const bad = ['alice', 'alice@', '@gmail.com', 'a b@gmail.com', 'alice@gmail..com', `${'a'.repeat(250)}@gmail.com`, 'alice%0d%0a@gmail.com', '%3Cscript%3E@gmail.com']
  for (const address of bad) {
    const res = await app.inject({ method: 'GET', url: `/mail/config-v1.1.xml?emailaddress=${address}` })
    t.equal(res.statusCode, 400, address)
    t.match(res.json(), { code: 'INVALID_EMAIL_ADDRESS', parameter: 'emailaddress' })
  }
  const twice = await app.inject({ method: 'GET', url: '/mail/config-v1.1.xml?emailaddress=a@gmail.com&emailaddress=b@gmail.com' })
  t.equal(twice.statusCode, 400, 'a repeated parameter is ambiguous')
  t.match(twice.json(), { code: 'INVALID_PARAMETER', parameter: 'emailaddress' })
})

t.test('upper-case and IDN domains are normalised before lookup', async (t) => {
  const app = await build(t, { providersDir: VALID_PROVIDERS_DIR })
  for (const address of ['ALICE@EXAMPLE.COM', 'alice@Example.Net.', 'alice@bücher.example', 'alice@xn--bcher-kva.example', 'alice@BÜCHER.example']) {
    const res = await app.inject({ method: 'GET', url: `/mail/config-v1.1.xml?emailaddress=${encodeURIComponent(address)}` })
    t.equal(res.statusCode, 200, address)
    t.equal(parseXml(res.body).clientConfig.emailProvider['@_id'], 'example.com')
  }
  const wildcard = await app.inject({ method: 'GET', url: '/mail/config-v1.1.xml?emailaddress=alice@Team.Example.ORG' })
  t.equal(wildcard.statusCode, 200, 'wildcard *.example.org')
  t.same(parseXml(wildcard.body, ARRAYS).clientConfig.emailProvider.domain[0], 'team.example.org')
  t.equal((await app.inject({ method: 'GET', url: '/mail/config-v1.1.xml?emailaddress=alice@example.org' })).statusCode, 404, '*.example.org does not cover example.org')
})

t.test('the ISPDB form /v1.1/<domain>', async (t) => {
  const app = await build(t)
  const res = await app.inject({ method: 'GET', url: '/v1.1/GMail.com' })
  t.equal(res.statusCode, 200)
  t.equal(parseXml(res.body).clientConfig.emailProvider.incomingServer[0].hostname, 'imap.gmail.com')
  t.equal((await app.inject({ method: 'GET', url: '/v1.1/unknown.example' })).statusCode, 404)
  const dots = await app.inject({ method: 'GET', url: '/v1.1/%2e%2e' })
  t.match(dots.headers['content-type'], /^text\/html/, 'a dot-segment path resolves to / (the settings page\'s form), never to an autoconfig document')
  for (const evil of ['..%2F..%2Fetc%2Fpasswd', '..%2F', 'gmail.com%00', 'gmail.com%0d%0aX-Evil:%201', 'a%3Cb%3E.com']) {
    const r = await app.inject({ method: 'GET', url: `/v1.1/${evil}` })
    t.equal(r.statusCode, 400, evil)
    t.match(r.json(), { code: 'INVALID_DOMAIN' })
  }
})

t.test('paths are case-insensitive where clients vary', async (t) => {
  const app = await build(t)
  for (const url of ['/Mail/Config-v1.1.xml', '/.WELL-KNOWN/autoconfig/MAIL/config-v1.1.xml', '/V1.1/gmail.com', '/mail/config-v1.1.xml/']) {
    const res = await app.inject({ method: 'GET', url: url.includes('v1.1/') ? url : `${url}?emailaddress=a@gmail.com` })
    t.equal(res.statusCode, 200, url)
  }
})

t.test('HEAD and conditional GET', async (t) => {
  const app = await build(t)
  const url = '/mail/config-v1.1.xml?emailaddress=alice@gmail.com'
  const get = await app.inject({ method: 'GET', url })
  const head = await app.inject({ method: 'HEAD', url })
  t.equal(head.statusCode, 200)
  t.equal(head.body, '')
  t.equal(head.headers.etag, get.headers.etag)
  t.equal(head.headers['content-type'], 'application/xml; charset=utf-8')
  t.equal(head.headers['content-length'], String(Buffer.byteLength(get.body)))
  const etag = String(get.headers.etag)
  for (const header of [etag, `W/${etag}`, `"other", ${etag}`, '*']) {
    const res = await app.inject({ method: 'GET', url, headers: { 'if-none-match': header } })
    t.equal(res.statusCode, 304, header)
    t.equal(res.body, '')
    t.equal(res.headers.etag, etag)
  }
  t.equal((await app.inject({ method: 'GET', url, headers: { 'if-none-match': '"stale"' } })).statusCode, 200)
  const other = await app.inject({ method: 'GET', url: '/mail/config-v1.1.xml?emailaddress=bob@googlemail.com' })
  t.equal(other.headers.etag, etag, 'the document does not depend on the address, so neither does its tag')
})

t.test('unknown routes are problem documents', async (t) => {
  const app = await build(t)
  const res = await app.inject({ method: 'GET', url: '/nothing/here' })
  t.equal(res.statusCode, 404)
  t.match(res.json(), { code: 'ROUTE_NOT_FOUND', status: 404 })
})
