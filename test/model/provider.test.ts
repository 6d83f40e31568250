import fc from 'fast-check'
import t from 'tap'
import { DEFAULT_PORTS, mxDomainOf, normalizedHostname, providerSchema, toAsciiHostname } from '../../src/model/provider.ts'

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

t.test('host names: the quick path by character codes answers as the general one does', async (t) => {
  const named: Array<[string, string | undefined]> = [
    ['imap.example.com', 'imap.example.com'],
    ['IMAP.Example.COM', 'imap.example.com'],
    ['a', 'a'],
    ['192.0.2.1', '192.0.2.1'],
    [`${'a'.repeat(63)}.example`, `${'a'.repeat(63)}.example`],
    [`${'a'.repeat(64)}.example`, undefined],
    [`${'a.'.repeat(126)}a`, `${'a.'.repeat(126)}a`],
    [`${'a.'.repeat(126)}ab`, undefined],
    ['a..b', undefined],
    ['.a', undefined],
    ['-a.b', undefined],
    ['a-.b', undefined],
    ['a_b.c', undefined],
    ['imap.example.com.', 'imap.example.com'],
    [' imap.example.com ', 'imap.example.com'],
    ['Bücher.de', 'xn--bcher-kva.de'],
    ['', undefined],
  ]
  for (const [value, expected] of named) {
    t.equal(toAsciiHostname(value), expected, JSON.stringify(value))
    t.equal(normalizedHostname(value), expected, `${JSON.stringify(value)}, general path`)
  }
  const label = fc.oneof(
    fc.string({ unit: fc.constantFrom('a', 'Z', '0', '-', '_', 'ü', ' ', '%'), maxLength: 8 }),
    fc.integer({ min: 61, max: 65 }).map((length) => 'x'.repeat(length)),
  )
  fc.assert(fc.property(fc.array(label, { maxLength: 6 }), fc.constantFrom('', '.', ' '), (labels, end) => {
    const value = labels.join('.') + end
    return toAsciiHostname(value) === normalizedHostname(value)
  }), { numRuns: 20_000 })
  fc.assert(fc.property(fc.integer({ min: 250, max: 256 }), (length) => {
    const value = 'a.'.repeat(length).slice(0, length).replace(/\.$/, 'b')
    return toAsciiHostname(value) === normalizedHostname(value)
  }))
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

t.test('mx entries: exact hosts or *.suffix patterns, normalised; each stands for an MX domain', async (t) => {
  const mx = (list: unknown) => providerSchema.safeParse({ ...base, mx: list, incoming: [{ type: 'imap', host: 'imap.test.example' }] })
  t.same(mx(['ASPMX.L.Google.com.', '*.Mail.Protection.Outlook.com']).data?.mx, ['aspmx.l.google.com', '*.mail.protection.outlook.com'])
  t.equal(mx(undefined).data?.mx, undefined, 'optional')
  t.equal(mx([]).success, false, 'an empty list says nothing')
  t.equal(mx(['*.com']).success, false, 'a pattern over a whole TLD is refused')
  t.match(mx(['mx host']).error?.issues[0]?.message, /^"mx host" is not an MX host such as aspmx.l.google.com or \*.mail.protection.outlook.com$/)
  t.equal(mxDomainOf('*.mail.protection.outlook.com'), 'mail.protection.outlook.com')
  t.equal(mxDomainOf('aspmx.l.google.com'), 'l.google.com', 'the host minus its first label, as Thunderbird asks the ISPDB')
})

t.test('webmail URLs may carry placeholders, even in the host; other URLs may not', async (t) => {
  const webmail = (loginPage: string) => providerSchema.safeParse({ ...base, incoming: [{ type: 'imap', host: 'imap.test.example' }], webmail: { loginPage } })
  t.equal(webmail('https://login.%EMAILDOMAIN%').success, true, 'placeholder as the host (inbox.lv in the ISPDB)')
  t.equal(webmail('https://app.example.com/login/?domain=%EMAILDOMAIN%').success, true)
  t.equal(webmail('https://example.com/CEK%E3%81%AE%E3%83').success, true, 'percent-encoding that looks like %AE% is not a placeholder')
  t.equal(webmail('https://login.%NOPE%').success, false, 'an unknown placeholder leaves no valid host')
  t.equal(webmail('ftp://login.%EMAILDOMAIN%').success, false)
  const docs = providerSchema.safeParse({ ...base, incoming: [{ type: 'imap', host: 'imap.test.example' }], documentation: [{ url: 'https://help.%EMAILDOMAIN%/' }] })
  t.equal(docs.success, false, 'documentation URLs are plain URLs')
})

t.test('acceptedWarnings names permanent warning codes, each with a reason', async (t) => {
  const accepted = (value: unknown) => providerSchema.safeParse({ ...base, incoming: [{ type: 'imap', host: 'imap.test.example' }], acceptedWarnings: value })
  t.same(accepted({ 'plain-connection': 'only reachable inside the campus network' }).data?.acceptedWarnings, { 'plain-connection': 'only reachable inside the campus network' })
  t.equal(accepted({ 'no-such-warning': 'x' }).success, false, 'a misspelt code is an error, not a silent no-op')
  t.equal(accepted({ 'plain-connection': '' }).success, false, 'the reason is required')
})
