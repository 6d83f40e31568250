import t from 'tap'
import { DEFAULT_PORTS, providerSchema, toAsciiHostname } from '../../src/model/provider.ts'

const base = { name: 'Test', domains: ['test.example'], outgoing: [{ host: 'smtp.test.example' }] }

t.test('default ports follow protocol and security (RFC 8314, RFC 6409)', async (t) => {
  t.same(DEFAULT_PORTS, {
    imap: { tls: 993, starttls: 143, plain: 143 },
    pop3: { tls: 995, starttls: 110, plain: 110 },
    smtp: { tls: 465, starttls: 587, plain: 587 },
  })
  for (const type of ['imap', 'pop3'] as const) {
    for (const security of ['tls', 'starttls', 'plain'] as const) {
      const parsed = providerSchema.parse({ ...base, incoming: [{ type, host: 'mail.test.example', security }] })
      t.equal(parsed.incoming[0]?.port, DEFAULT_PORTS[type][security], `${type}/${security}`)
    }
  }
})

t.test('hostnames: placeholders allowed, IDN converted, junk refused', async (t) => {
  const host = (h: string) => providerSchema.safeParse({ ...base, incoming: [{ type: 'imap', host: h }] })
  t.equal(host('mail.%EMAILDOMAIN%').data?.incoming[0]?.host, 'mail.%EMAILDOMAIN%')
  t.equal(host('%EMAILDOMAIN%').data?.incoming[0]?.host, '%EMAILDOMAIN%')
  t.equal(host('Mail.Bücher.de').data?.incoming[0]?.host, 'mail.xn--bcher-kva.de')
  t.equal(host('192.0.2.1').success, true, 'IPv4 literal')
  t.equal(host('mail.%NOPE%').success, false)
  t.equal(host('mail example.com').success, false)
  t.equal(host('<script>').success, false)
  t.equal(toAsciiHostname('-bad.example'), undefined)
})

t.test('authentication lists: no duplicates, no login-free methods on incoming', async (t) => {
  const auth = (list: string[], where: 'incoming' | 'outgoing') => providerSchema.safeParse({
    ...base,
    incoming: [{ type: 'imap', host: 'imap.test.example', ...(where === 'incoming' ? { auth: list } : {}) }],
    ...(where === 'outgoing' ? { outgoing: [{ host: 'smtp.test.example', auth: list }] } : {}),
  }).success
  t.equal(auth(['oauth2', 'password-cleartext'], 'incoming'), true)
  t.equal(auth(['password-cleartext', 'password-cleartext'], 'incoming'), false)
  t.equal(auth([], 'incoming'), false)
  t.equal(auth(['none'], 'incoming'), false)
  t.equal(auth(['none'], 'outgoing'), true)
  t.equal(auth(['smtp-after-pop'], 'outgoing'), true)
})

t.test('wildcard domains', async (t) => {
  const domains = (list: string[]) => providerSchema.safeParse({ ...base, domains: list, incoming: [{ type: 'imap', host: 'imap.test.example' }] })
  t.same(domains(['*.Example.COM']).data?.domains, ['*.example.com'])
  t.equal(domains(['*.com']).success, false, 'a wildcard over a whole TLD is refused')
  t.equal(domains(['a.*.example.com']).success, false)
  t.equal(domains(['*']).success, false)
})
