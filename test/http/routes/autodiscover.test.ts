import t from 'tap'
import fc from 'fast-check'
import { Writable } from 'node:stream'
import { XMLValidator } from 'fast-xml-parser'
import { AUTODISCOVER_BODY_LIMIT } from '../../../src/http/routes/autodiscover.ts'
import { build, fixture, FIXTURES_DIR, parseXml, VALID_PROVIDERS_DIR } from '../../helper.ts'

const ARRAYS = ['Protocol']
const AUTODISCOVER_FIXTURES = `${FIXTURES_DIR}/providers/autodiscover`

async function outlookRequest (address = 'alice@gmail.com'): Promise<string> {
  return (await fixture('requests/outlook-2016.xml')).replace('alice@gmail.com', address)
}

/** The Error element of an Error document, after checking the document is well-formed. */
function errorOf (body: string): any {
  if (XMLValidator.validate(body) !== true) throw new Error(`not well-formed: ${body}`)
  return parseXml(body).Autodiscover.Response.Error
}

function protocols (body: string): any[] {
  if (XMLValidator.validate(body) !== true) throw new Error(`not well-formed: ${body}`)
  return parseXml(body, ARRAYS).Autodiscover.Response.Account.Protocol
}

t.test('Gmail and mail.com, as Outlook asks for them', async (t) => {
  const app = await build(t)
  const gmail = await app.inject({ method: 'POST', url: '/Autodiscover/Autodiscover.xml', headers: { host: 'autodiscover.gmail.com', 'content-type': 'text/xml' }, payload: await outlookRequest() })
  t.equal(gmail.statusCode, 200)
  t.equal(gmail.headers['content-type'], 'application/xml; charset=utf-8')
  t.equal(gmail.headers['cache-control'], 'no-store', 'the answer names a person')
  const [imap, pop3, smtp465, smtp587] = protocols(gmail.body)
  t.match(imap, { Type: 'IMAP', Server: 'imap.gmail.com', Port: '993', SSL: 'on', Encryption: 'SSL', SPA: 'off', LoginName: 'alice@gmail.com' })
  t.match(pop3, { Type: 'POP3', Server: 'pop.gmail.com', Port: '995', SSL: 'on', Encryption: 'SSL', SPA: 'off' })
  t.match(smtp465, { Type: 'SMTP', Server: 'smtp.gmail.com', Port: '465', SSL: 'on', Encryption: 'SSL', SPA: 'off', LoginName: 'alice@gmail.com' })
  t.match(smtp587, { Type: 'SMTP', Server: 'smtp.gmail.com', Port: '587', SSL: 'on', Encryption: 'TLS', SPA: 'off', LoginName: 'alice@gmail.com' })

  const mailCom = await app.inject({ method: 'POST', url: '/autodiscover/autodiscover.xml', payload: await outlookRequest('bob@mail.com') })
  t.equal(mailCom.statusCode, 200)
  t.same(protocols(mailCom.body).map((p) => [p.Type, p.Server, p.Port, p.SSL, p.Encryption, p.SPA, p.LoginName]), [
    ['IMAP', 'imap.mail.com', '993', 'on', 'SSL', 'off', 'bob@mail.com'],
    ['POP3', 'pop.mail.com', '995', 'on', 'SSL', 'off', 'bob@mail.com'],
    ['SMTP', 'smtp.mail.com', '587', 'on', 'TLS', 'off', 'bob@mail.com'],
  ])
})

t.test('every path casing, on every Host a client may use', async (t) => {
  const app = await build(t)
  const payload = await outlookRequest()
  const paths = ['/autodiscover/autodiscover.xml', '/Autodiscover/Autodiscover.xml', '/AutoDiscover/AutoDiscover.xml', '/AUTODISCOVER/AUTODISCOVER.XML', '/autoDiscover/AutoDiscover.Xml', '/autodiscover/autodiscover.xml/']
  const hosts = ['gmail.com', 'autodiscover.gmail.com', 'mail.hoster.example', 'localhost:8080', '127.0.0.1', '[::1]:8443']
  for (const url of paths) {
    for (const host of hosts) {
      const res = await app.inject({ method: 'POST', url, headers: { host }, payload })
      t.equal(res.statusCode, 200, `${host}${url}`)
    }
  }
  t.equal(protocols((await app.inject({ method: 'POST', url: paths[2]!, payload })).body)[0].Server, 'imap.gmail.com', 'the address decides, not the Host')
})

t.test('any Content-Type', async (t) => {
  const app = await build(t)
  const payload = await outlookRequest()
  const types = [undefined, 'text/xml; charset=utf-8', 'text/xml', 'application/xml', 'application/x-www-form-urlencoded', 'application/json', 'text/plain', 'multipart/form-data; boundary=x', 'garbage', '']
  for (const type of types) {
    const res = await app.inject({ method: 'POST', url: '/autodiscover/autodiscover.xml', headers: type === undefined ? {} : { 'content-type': type }, payload })
    t.equal(res.statusCode, 200, `Content-Type: ${type ?? '(none)'}`)
    t.equal(protocols(res.body)[0].LoginName, 'alice@gmail.com')
  }
})

t.test('real request bodies, each with its answer', async (t) => {
  const app = await build(t)
  const answers: Array<[string, number, string]> = [
    ['outlook-2016.xml', 200, 'settings'],
    ['thunderbird.xml', 200, 'settings'],
    ['bom-crlf.xml', 200, 'settings'],
    ['namespace-prefixes.xml', 200, 'settings'],
    ['https-namespaces.xml', 200, 'settings'],
    ['outlook-2006.xml', 200, 'settings'],
    ['new-outlook-mobilesync.xml', 200, '601'],
    ['legacydn-only.xml', 200, '600'],
    ['xxe.xml', 200, '600'],
    ['billion-laughs.xml', 200, '600'],
  ]
  for (const [name, status, answer] of answers) {
    const res = await app.inject({ method: 'POST', url: '/autodiscover/autodiscover.xml', headers: { 'content-type': 'text/xml; charset=utf-8' }, payload: await fixture(`requests/${name}`) })
    t.equal(res.statusCode, status, name)
    t.equal(XMLValidator.validate(res.body), true, `${name}: well-formed`)
    const response = parseXml(res.body).Autodiscover.Response
    t.equal(response.Account?.Action ?? response.Error?.ErrorCode, answer, name)
  }
  const old = await app.inject({ method: 'POST', url: '/autodiscover/autodiscover.xml', payload: await fixture('requests/outlook-2006.xml') })
  t.equal(parseXml(old.body).Autodiscover.Response['@_xmlns'], 'http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006', 'answered in the schema asked for')
})

t.test('Error documents: 600 and 601 are HTTP 200 with Time, Id, ErrorCode, Message, DebugData', async (t) => {
  const app = await build(t)
  const res = await app.inject({ method: 'POST', url: '/autodiscover/autodiscover.xml', payload: await fixture('requests/new-outlook-mobilesync.xml') })
  t.equal(res.statusCode, 200)
  t.equal(res.headers['content-type'], 'application/xml; charset=utf-8')
  const error = errorOf(res.body)
  t.match(error['@_Time'], /^\d\d:\d\d:\d\d\.\d{3}$/)
  t.match(error['@_Id'], /^\d{1,10}$/)
  t.ok(Number(error['@_Id']) < 2 ** 32, 'Id is an xs:unsignedInt')
  t.equal(error.ErrorCode, '601')
  t.match(error.Message, /mobilesync/)
  t.equal(error.DebugData, 'AUTODISCOVER_UNSUPPORTED_SCHEMA')
  t.equal(parseXml(res.body).Autodiscover.Response['@_xmlns'], undefined, 'an error Response has no namespace of its own')

  const empty = await app.inject({ method: 'POST', url: '/autodiscover/autodiscover.xml' })
  t.same([empty.statusCode, errorOf(empty.body).ErrorCode, errorOf(empty.body).DebugData], [200, '600', 'AUTODISCOVER_INVALID_REQUEST'], 'no body')
})

t.test('metrics count Error documents sent with a 200 as bad requests', async (t) => {
  const app = await build(t)
  await app.inject({ method: 'POST', url: '/autodiscover/autodiscover.xml', payload: await outlookRequest() })
  for (const name of ['legacydn-only.xml', 'new-outlook-mobilesync.xml']) await app.inject({ method: 'POST', url: '/autodiscover/autodiscover.xml', payload: await fixture(`requests/${name}`) })
  await app.inject({ method: 'POST', url: '/autodiscover/autodiscover.xml', payload: await outlookRequest('a@unknown.example') })
  const metrics = (await app.inject({ method: 'GET', url: '/metrics' })).body
  const count = (outcome: string) => new RegExp(`mail_autoconfig_requests_total\\{kind="autodiscover",outcome="${outcome}"\\} (\\d+)`).exec(metrics)?.[1]
  t.same([count('served'), count('bad_request'), count('not_found')], ['1', '2', '1'])
})

t.test('an unknown domain is HTTP 404, so Outlook and Thunderbird try their next URL', async (t) => {
  const app = await build(t)
  const res = await app.inject({ method: 'POST', url: '/autodiscover/autodiscover.xml', payload: await outlookRequest('alice@unknown.example') })
  t.equal(res.statusCode, 404)
  t.equal(res.headers['content-type'], 'application/xml; charset=utf-8')
  t.match(errorOf(res.body), { ErrorCode: '500', Message: 'No provider serves unknown.example', DebugData: 'UNKNOWN_DOMAIN' })
})

t.test('body size: 64 KiB is read, one byte more is 413', async (t) => {
  const app = await build(t)
  const request = await outlookRequest()
  const padded = request + ' '.repeat(AUTODISCOVER_BODY_LIMIT - Buffer.byteLength(request))
  t.equal((await app.inject({ method: 'POST', url: '/autodiscover/autodiscover.xml', payload: padded })).statusCode, 200, 'exactly 64 KiB')
  const res = await app.inject({ method: 'POST', url: '/autodiscover/autodiscover.xml', payload: `${padded} ` })
  t.equal(res.statusCode, 413)
  t.match(errorOf(res.body), { ErrorCode: '600', DebugData: 'BODY_TOO_LARGE', Message: /larger than 64 KiB/ })
  const declared = await app.inject({ method: 'POST', url: '/autodiscover/autodiscover.xml', headers: { 'content-length': String(10 * 1024 * 1024) }, payload: request })
  t.equal(declared.statusCode, 413, 'a declared length over the limit is refused before reading')
})

t.test('addresses with markup characters: escaped, well-formed, or refused with a well-formed 600', async (t) => {
  const app = await build(t)
  const accepted = await app.inject({ method: 'POST', url: '/autodiscover/autodiscover.xml', payload: await outlookRequest("o'brien&amp;co@gmail.com") })
  t.equal(accepted.statusCode, 200)
  t.match(accepted.body, '<LoginName>o&apos;brien&amp;co@gmail.com</LoginName>')
  t.equal(protocols(accepted.body)[0].LoginName, "o'brien&co@gmail.com")
  t.equal(parseXml(accepted.body).Autodiscover.Response.User.DisplayName, "o'brien&co@gmail.com")
  for (const address of ['a&lt;b&gt;@gmail.com', '&quot;a&quot;@gmail.com', 'a&b@gmail.com', 'a<b@gmail.com', '<![CDATA[x<y]]>@gmail.com']) {
    const res = await app.inject({ method: 'POST', url: '/autodiscover/autodiscover.xml', payload: await outlookRequest(address) })
    t.equal(res.statusCode, 200, address)
    t.equal(errorOf(res.body).ErrorCode, '600', address)
  }
})

t.test('redirects from the provider file', async (t) => {
  const example = await build(t, { providersDir: VALID_PROVIDERS_DIR })
  const addr = await example.inject({ method: 'POST', url: '/autodiscover/autodiscover.xml', payload: await outlookRequest('alice@example.com') })
  t.same(parseXml(addr.body).Autodiscover.Response.Account, { AccountType: 'email', Action: 'redirectAddr', RedirectAddr: 'alice@example.net' })
  const same = await example.inject({ method: 'POST', url: '/autodiscover/autodiscover.xml', payload: await outlookRequest('alice@example.net') })
  t.equal(parseXml(same.body).Autodiscover.Response.Account.Action, 'settings', 'redirecting to the address asked about would loop')

  const hosted = await build(t, { providersDir: AUTODISCOVER_FIXTURES })
  const url = await hosted.inject({ method: 'POST', url: '/autodiscover/autodiscover.xml', payload: await outlookRequest('bob@hosted.test') })
  t.same(parseXml(url.body).Autodiscover.Response.Account, { AccountType: 'email', Action: 'redirectUrl', RedirectUrl: 'https://autodiscover-s.outlook.com/autodiscover/autodiscover.xml' })
  const wildcard = await hosted.inject({ method: 'POST', url: '/autodiscover/autodiscover.xml', payload: await outlookRequest('carol@Team.Markup.Test') })
  t.same(protocols(wildcard.body).map((p) => p.Server), ['pop.team.markup.test', 'imap.markup.test', 'smtp.team.markup.test'], 'a wildcard domain fills its own name into the hosts')
})

t.test('GET: an Error 600 document, or a 302 to the public https URL when reached over plain http', async (t) => {
  const plain = await build(t)
  for (const method of ['GET', 'HEAD'] as const) {
    const res = await plain.inject({ method, url: '/Autodiscover/Autodiscover.xml', headers: { host: 'autodiscover.gmail.com' } })
    t.equal(res.statusCode, 200, `${method} without a configured base URL: nothing to redirect to`)
    t.equal(res.headers['content-type'], 'application/xml; charset=utf-8')
    if (method === 'GET') t.match(errorOf(res.body), { ErrorCode: '600', Message: /POSTed/ })
  }

  const configured = await build(t, { publicBaseUrl: 'https://autoconfig.example.net/', trustProxy: true })
  const redirect = await configured.inject({ method: 'GET', url: '/autodiscover/autodiscover.xml', headers: { host: 'autodiscover.customer.example' } })
  t.equal(redirect.statusCode, 302, 'MS-OXDISCO §3.1.5.4: the http GET is answered with a redirect')
  t.equal(redirect.headers.location, 'https://autoconfig.example.net/autodiscover/autodiscover.xml')
  const overHttps = await configured.inject({ method: 'GET', url: '/autodiscover/autodiscover.xml', headers: { 'x-forwarded-proto': 'https' } })
  t.equal(overHttps.statusCode, 200, 'already on https: no redirect')
  t.equal(errorOf(overHttps.body).ErrorCode, '600')

  const httpBase = await build(t, { publicBaseUrl: 'http://autoconfig.example.net' })
  t.equal((await httpBase.inject({ method: 'GET', url: '/autodiscover/autodiscover.xml' })).statusCode, 200, 'a plain-http base URL is no upgrade')
})

t.test('the Authorization header is never required, logged or echoed', async (t) => {
  const lines: string[] = []
  const stream = new Writable({ write (chunk, _encoding, done) { lines.push(String(chunk)); done() } })
  const app = await build(t, { logger: { level: 'trace', destination: stream } })
  const secret = Buffer.from('alice@gmail.com:correct horse battery staple').toString('base64')
  const headers = { authorization: `Basic ${secret}`, cookie: 'session=s3cr3t-cookie' }
  const payload = await outlookRequest()
  const withAuth = await app.inject({ method: 'POST', url: '/autodiscover/autodiscover.xml', headers, payload })
  const without = await app.inject({ method: 'POST', url: '/autodiscover/autodiscover.xml', payload })
  t.equal(withAuth.statusCode, 200)
  t.equal(withAuth.body, without.body, 'the answer does not depend on credentials')
  const failing = await app.inject({ method: 'POST', url: '/autodiscover/autodiscover.xml', headers, payload: await fixture('requests/legacydn-only.xml') })
  const v2 = await app.inject({ method: 'GET', url: '/autodiscover/autodiscover.json?Email=alice@gmail.com&Protocol=ActiveSync', headers })
  for (const res of [withAuth, failing, v2]) {
    t.notMatch(res.body, secret)
    t.notMatch(JSON.stringify(res.headers), secret)
    t.notMatch(JSON.stringify(res.headers), 's3cr3t')
  }
  const log = lines.join('')
  t.ok(lines.length >= 6, 'requests were logged')
  t.notMatch(log, secret, 'no credentials in the log')
  t.notMatch(log, /authorization|s3cr3t/i, 'no Authorization or Cookie header in the log')
})

t.test('no request, however malformed, gets a 5xx or a document that is not well-formed', async (t) => {
  const app = await build(t)
  const valid = await outlookRequest()
  const piece = fc.constantFrom('<', '>', '&', '&amp;', '<!DOCTYPE x [<!ENTITY e "e">]>', '&e;', ']]>', '\u0000', '\uFFFE', '\uD800', '"', '<![CDATA[', '<!--', '</Request>', '<EMailAddress>', '@', 'é', '\r\n')
  const body = fc.oneof(
    fc.tuple(fc.nat(), fc.array(piece, { minLength: 1, maxLength: 4 })).map(([at, pieces]) => {
      const i = at % valid.length
      return valid.slice(0, i) + pieces.join('') + valid.slice(i)
    }),
    fc.tuple(fc.nat(), fc.nat(40)).map(([at, length]) => valid.slice(0, at % valid.length) + valid.slice((at % valid.length) + length)),
    fc.string({ unit: 'binary', maxLength: 200 }),
  )
  await fc.assert(fc.asyncProperty(body, async (payload) => {
    const res = await app.inject({ method: 'POST', url: '/autodiscover/autodiscover.xml', payload })
    return res.statusCode < 500 && XMLValidator.validate(res.body) === true
  }), { numRuns: 200 })
  t.pass('200 damaged requests, each answered below 500 with well-formed XML')
})

t.test('rate limiting: autodiscover has its own tighter count, answered in its own format', async (t) => {
  const app = await build(t, { rateLimit: { max: 10, timeWindowMs: 60_000 } })
  const payload = await outlookRequest()
  for (let i = 0; i < 2; i++) t.equal((await app.inject({ method: 'POST', url: '/autodiscover/autodiscover.xml', payload })).statusCode, 200)
  const limited = await app.inject({ method: 'POST', url: '/Autodiscover/Autodiscover.xml', payload })
  t.equal(limited.statusCode, 429, 'a fifth of 10 per window')
  t.ok(Number(limited.headers['retry-after']) > 0, 'Retry-After')
  t.equal(limited.headers['content-type'], 'application/xml; charset=utf-8')
  t.match(errorOf(limited.body), { ErrorCode: '600', DebugData: 'RATE_LIMITED', Message: /Too many requests/ })
  const v2 = () => app.inject({ method: 'GET', url: '/autodiscover/autodiscover.json?Email=a@gmail.com&Protocol=AutodiscoverV1' })
  const answers = [await v2(), await v2(), await v2()]
  const last = answers[2]!
  t.same([last.statusCode, last.json().ErrorCode], [429, 'TooManyRequests'], 'the JSON routes answer JSON')
  t.match(last.json().ErrorMessage, /Too many requests/)
  t.equal((await app.inject({ method: 'GET', url: '/mail/config-v1.1.xml?emailaddress=a@gmail.com' })).statusCode, 200, 'other routes keep their own count')
})

t.test('the rest of the app keeps problem+json', async (t) => {
  const app = await build(t)
  const res = await app.inject({ method: 'GET', url: '/mail/config-v1.1.xml?emailaddress=nope' })
  t.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8')
  const missing = await app.inject({ method: 'POST', url: '/autodiscover/other.xml', payload: '<x/>' })
  t.same([missing.statusCode, missing.json().code], [404, 'ROUTE_NOT_FOUND'])
})

t.test('issue 31: a body whose parser message quotes a control character still gets a well-formed Error document', async (t) => {
  const app = await build(t)
  for (const payload of ['<\x15', '\x1f\x8b\x08\x00', '<a>\x00</a>']) {
    const res = await app.inject({ method: 'POST', url: '/autodiscover/autodiscover.xml', headers: { 'content-type': 'text/xml' }, payload })
    t.equal(res.statusCode, 200, JSON.stringify(payload))
    t.equal(XMLValidator.validate(res.body), true, `${JSON.stringify(payload)}: well-formed`)
    t.match(res.body, /<ErrorCode>600<\/ErrorCode>/)
  }
})
