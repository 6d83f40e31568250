import t from 'tap'
import { formatWarning, lintSources } from '../../src/lint/lint.ts'

const FILE = `name: Campus
domains: [campus.example]
incoming:
  - type: pop3
    host: pop.campus.example
    security: plain
  - type: imap
    host: mail.other.example
outgoing:
  - host: smtp.campus.example
`

t.test('warnings point at the line and column of the value, with their code', async (t) => {
  const result = lintSources([{ file: 'campus.yaml', text: FILE }])
  t.same(result.warnings.map(formatWarning), [
    'campus.yaml:6:15 incoming.0.security: POP3 server pop.campus.example:110 has no TLS: the password and the mail cross the network readable; offer tls or starttls (ISPDB reviewers require one of them) [plain-connection]',
    'campus.yaml:8:11 incoming.1.host: IMAP server mail.other.example:993: mail.other.example is outside this provider\'s domains (campus.example); ISPDB reviewers ask for proof that such a server belongs to the provider [foreign-hostname]',
  ])
  t.equal(result.accepted, 0)
})

t.test('acceptedWarnings silences a code for its file; a stale acceptance is itself reported', async (t) => {
  const accepting = `${FILE}acceptedWarnings:
  plain-connection: POP3 is reachable only inside the campus network.
  oauth2-only: left over from an old setup
`
  const result = lintSources([{ file: 'campus.yaml', text: accepting }, { file: 'other.yaml', text: FILE }])
  t.same(result.warnings.map(formatWarning), [
    'campus.yaml:8:11 incoming.1.host: IMAP server mail.other.example:993: mail.other.example is outside this provider\'s domains (campus.example); ISPDB reviewers ask for proof that such a server belongs to the provider [foreign-hostname]',
    'campus.yaml:13:16 acceptedWarnings.oauth2-only: accepted, but no such warning is raised any more; remove the entry',
    'other.yaml:6:15 incoming.0.security: POP3 server pop.campus.example:110 has no TLS: the password and the mail cross the network readable; offer tls or starttls (ISPDB reviewers require one of them) [plain-connection]',
    'other.yaml:8:11 incoming.1.host: IMAP server mail.other.example:993: mail.other.example is outside this provider\'s domains (campus.example); ISPDB reviewers ask for proof that such a server belongs to the provider [foreign-hostname]',
  ], 'the other file is not silenced')
  t.equal(result.accepted, 1)
})

t.test('a default value is reported at the server that takes it', async (t) => {
  const text = 'name: X\ndomains: [x.example]\nincoming:\n  - type: imap\n    host: imap.x.example\n    port: 143\noutgoing:\n  - host: smtp.x.example\n'
  t.same(lintSources([{ file: 'x.yaml', text }]).warnings.map(formatWarning), [
    'x.yaml:6:11 incoming.0.port: IMAP server imap.x.example:143: port 143 starts in plain text (STARTTLS or none), but security is tls (TLS from the first byte); the handshake fails [port-security-mismatch]',
  ])
  t.same(lintSources([{ file: 'bad.yaml', text: 'name: [' }]).warnings, [], 'a file that does not validate is check\'s business, not the linter\'s')
})
