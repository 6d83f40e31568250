import t from 'tap'
import { WARNING_CODES } from '../../src/lint/codes.ts'
import { lintProvider, RULES } from '../../src/lint/rules.ts'
import { providerSchema, type Provider } from '../../src/model/provider.ts'

/** A provider that raises no warning; each case changes one thing. */
const CLEAN = {
  name: 'Example',
  domains: ['example.com', '*.example.org'],
  incoming: [
    { type: 'imap', host: 'imap.example.com' },
    { type: 'pop3', host: 'pop.mail.example.org', security: 'starttls' },
    { type: 'imap', host: 'mail.%EMAILDOMAIN%', username: '%EMAILLOCALPART%' },
  ],
  outgoing: [{ host: 'smtp.example.com', security: 'starttls' }, { host: 'relay.example.com', port: 25, security: 'starttls', auth: ['none'], restriction: 'client-ip-address' }],
}

function lint (change: (p: any) => void): string[] {
  const input = structuredClone(CLEAN) as any
  change(input)
  const provider = { ...providerSchema.parse(input), id: 'example' } as Provider
  return lintProvider(provider).map((f) => `${f.path.join('.')} [${f.code}] ${f.message}`)
}

t.test('every warning code has exactly one rule, and every rule a summary', async (t) => {
  t.same(RULES.map((rule) => rule.code), [...WARNING_CODES])
  for (const rule of RULES) t.ok(rule.summary.length > 20, rule.code)
})

t.test('a provider following the reviewers\' rules raises nothing', async (t) => {
  t.same(lint(() => {}), [])
})

// One case per line: the change, and the warnings it must raise (exact text).
const CASES: Array<[string, (p: any) => void, string[]]> = [
  ['plain IMAP with a password', (p) => { p.incoming[0].security = 'plain' }, ['incoming.0.security [plain-connection] IMAP server imap.example.com:143 has no TLS: the password and the mail cross the network readable; offer tls or starttls (ISPDB reviewers require one of them)']],
  ['plain relay without login', (p) => { p.outgoing[1].security = 'plain' }, ['outgoing.1.security [plain-connection] SMTP server relay.example.com:25 has no TLS: the mail cross the network readable; offer tls or starttls (ISPDB reviewers require one of them)']],
  ['OAuth2 alone', (p) => { p.incoming[0].auth = ['oauth2'] }, ['incoming.0.auth [oauth2-only] IMAP server imap.example.com:993 offers only OAuth2: a client logs in only if it ships an OAuth2 registration for this host (Thunderbird has a fixed list); list a password method after it if the server takes one']],
  ['OAuth2 with a fallback', (p) => { p.incoming[0].auth = ['oauth2', 'password-cleartext'] }, []],
  ['only network-limited outgoing servers', (p) => { p.outgoing = [p.outgoing[1], { host: 'smtp.example.com', auth: ['client-ip-address'] }] }, ['outgoing [no-outgoing-server] every outgoing server accepts mail only from the provider\'s own network (restriction: client-ip-address, or no login); users elsewhere cannot send. Add an authenticated submission server (port 465 or 587)']],
  ['a restricted server with login is still limited', (p) => { p.outgoing = [{ host: 'smtp.example.com', restriction: 'client-ip-address' }] }, ['outgoing [no-outgoing-server] every outgoing server accepts mail only from the provider\'s own network (restriction: client-ip-address, or no login); users elsewhere cannot send. Add an authenticated submission server (port 465 or 587)']],
  ['SMTP after POP works from anywhere', (p) => { p.outgoing = [{ host: 'smtp.example.com', auth: ['smtp-after-pop'] }] }, []],
  ['a fixed username', (p) => { p.incoming[0].username = 'mailuser' }, ['incoming.0.username [username-template] IMAP server imap.example.com:993: username "mailuser" has no placeholder, so every user would log in with the same name; use %EMAILADDRESS% or %EMAILLOCALPART%']],
  ['the domain alone', (p) => { p.incoming[0].username = 'user@%EMAILDOMAIN%' }, ['incoming.0.username [username-template] IMAP server imap.example.com:993: username "user@%EMAILDOMAIN%" names the domain but not the mailbox, so every user of a domain would log in alike; use %EMAILADDRESS% or %EMAILLOCALPART%']],
  ['the real name', (p) => { p.incoming[0].username = '%REALNAME%' }, ['incoming.0.username [username-template] IMAP server imap.example.com:993: username "%REALNAME%" uses %REALNAME%, the name the user typed for display, which is never a login; use %EMAILADDRESS% or %EMAILLOCALPART%']],
  ['local part and domain joined', (p) => { p.incoming[0].username = '%EMAILLOCALPART%.%EMAILDOMAIN%' }, []],
  ['a fixed username without login', (p) => { p.outgoing[1].username = 'relay' }, []],
  ['993 with STARTTLS', (p) => { p.incoming[0] = { type: 'imap', host: 'imap.example.com', port: 993, security: 'starttls' } }, ['incoming.0.port [port-security-mismatch] IMAP server imap.example.com:993: port 993 speaks TLS from the first byte, but security is starttls; the connection fails']],
  ['587 with implicit TLS', (p) => { p.outgoing[0] = { host: 'smtp.example.com', port: 587, security: 'tls' } }, ['outgoing.0.port [port-security-mismatch] SMTP server smtp.example.com:587: port 587 starts in plain text (STARTTLS or none), but security is tls (TLS from the first byte); the handshake fails']],
  ['a non-standard port', (p) => { p.incoming[0].port = 10993 }, []],
  ['IMAP on 587', (p) => { p.incoming[0] = { type: 'imap', host: 'imap.example.com', port: 587, security: 'starttls' } }, ['incoming.0.port [port-protocol-mismatch] IMAP server imap.example.com:587: port 587 is SMTP\'s, not IMAP\'s (143 or 993)']],
  ['POP3 on 993', (p) => { p.incoming[1] = { type: 'pop3', host: 'pop.example.com', port: 993 } }, ['incoming.1.port [port-protocol-mismatch] POP3 server pop.example.com:993: port 993 is IMAP\'s, not POP3\'s (110 or 995)']],
  ['a host of another domain', (p) => { p.incoming[0].host = 'imap.example.net' }, ['incoming.0.host [foreign-hostname] IMAP server imap.example.net:993: imap.example.net is outside this provider\'s domains (example.com, *.example.org); ISPDB reviewers ask for proof that such a server belongs to the provider']],
  ['a look-alike suffix', (p) => { p.incoming[0].host = 'imap.notexample.com' }, ['incoming.0.host [foreign-hostname] IMAP server imap.notexample.com:993: imap.notexample.com is outside this provider\'s domains (example.com, *.example.org); ISPDB reviewers ask for proof that such a server belongs to the provider']],
  ['an IP address', (p) => { p.incoming[0].host = '192.0.2.1' }, ['incoming.0.host [foreign-hostname] IMAP server 192.0.2.1:993: 192.0.2.1 is an IP address, not a name under this provider\'s domains (example.com, *.example.org); ISPDB reviewers ask for proof that such a server belongs to the provider']],
  ['the wildcard\'s own domain', (p) => { p.incoming[0].host = 'example.org' }, []],
]

t.test('each rule: what raises it, with the exact message, and what does not', async (t) => {
  for (const [name, change, expected] of CASES) t.same(lint(change), expected, name)
})

t.test('a long domain list is shortened in messages', async (t) => {
  const found = lint((p) => {
    p.domains = ['a.example', 'b.example', 'c.example', 'd.example', 'e.example']
    p.incoming = [{ type: 'imap', host: 'imap.a.example' }]
    p.outgoing = [{ host: 'smtp.elsewhere.example' }]
  })
  t.match(found, [/\(a\.example, b\.example, c\.example and 2 more\)/])
})
