import t from 'tap'
import { parseProviderFile } from '../../src/catalog/load.ts'
import { formatNote } from '../../src/ispdb/import-log.ts'
import { idFromFileName, importAutoconfig, importAutoconfigFiles, yamlFileName, type ImportOutcome } from '../../src/ispdb/import.ts'
import { renderAutoconfig } from '../../src/render/autoconfig.ts'
import { fixture, parseXml } from '../helper.ts'

const QUIRKS = 'fixtures/ispdb/quirks.example.xml'

function imported (outcome: ImportOutcome) {
  if (!outcome.ok) throw new Error(outcome.notes.map((note) => formatNote(outcome.source, note)).join('\n'))
  return outcome.value
}

function failed (outcome: ImportOutcome): string[] {
  if (outcome.ok) throw new Error('expected the import to fail')
  return outcome.notes.map((note) => formatNote(outcome.source, note))
}

/** One file with a bit of every quirk: the exact notes a user sees, in source order. */
const QUIRK_NOTES = [
  'q.xml:2: fixed: <emailProvider id="Quirks.Example">: the provider id is "quirks.example": written in lower case, as Thunderbird reads it',
  'q.xml:5: fixed: <domain> "QUIRKS.example.net" written as quirks.example.net, the form lookups compare',
  'q.xml:6: fixed: <domain> quirks.example is listed twice; kept once',
  'q.xml:7: dropped: <domain> "not a domain" is not a domain name (Thunderbird skips it too)',
  'q.xml:9: fixed: <displayNameShort> is a misspelling of <displayShortName>; read as <displayShortName>',
  'q.xml:11: dropped: attribute priority="1" on <incomingServer type="imap">: not part of the autoconfig format',
  'q.xml:15: dropped: alternative <socketType> STARTTLS: Thunderbird uses the first supported one (SSL), and a server here has one security mode; list another server to offer both',
  'q.xml:17: fixed: <username> "%EMAILADDRESS": placeholder %EMAILADDRESS lacks its closing "%"; written as %EMAILADDRESS% (clients replace only the exact name and would send the text literally)',
  'q.xml:18: fixed: <authentication> "plain" read as password-cleartext: "plain" is the deprecated name of password-cleartext (Thunderbird 3.0)',
  'q.xml:20: dropped: <authentication> OAuth2 is listed twice; kept once',
  'q.xml:21: dropped: <hostnmae> looks like a misspelt <hostname>, which is also present; the correctly spelt one is kept',
  'q.xml:23: fixed: <incomingServer type="pop3"> has no <port>: the standard port for pop3 with SSL is used',
  'q.xml:29: fixed: <leaveMessagesOnServer> "TRUE" read as true',
  'q.xml:32: dropped: <password>: a password has no place in a configuration served to everyone',
  'q.xml:35: dropped: <incomingServer type="ews">: an Exchange Web Services endpoint (a URL, not a mail protocol server); the provider model describes IMAP, POP3 and SMTP servers only, so this server (and its contents) was not carried over',
  'q.xml:35: dropped: comment "Exchange, for add-ons": it introduced <incomingServer type="ews">, which was not carried over',
  'q.xml:40: fixed: <outgoingServer type="smtp"> logs in but has no <username> (Thunderbird would send the text "undefined"); using %EMAILADDRESS%, the login of the first incoming server',
  'q.xml:45: dropped: <addThisServer> "true": Thunderbird ignores it since 2024 (comm-central f9189fceaf), and the spec left it "to client/user"',
  'q.xml:46: dropped: <useGlobalPreferredServer> "false": false is what Thunderbird assumes anyway',
  'q.xml:48: fixed: <outgoingServer type="smtp"> has no <username>; none is needed without login, and the model\'s default %EMAILADDRESS% is written (clients do not use it)',
  'q.xml:55: fixed: <instruction url> is the older name of <documentation>; written as documentation',
  'q.xml:61: fixed: <enable> at the root moved into <emailProvider>, where config-v1.1 places it',
]

const QUIRK_PROVIDER = {
  id: 'quirks.example',
  name: 'Quirks & Coé',
  shortName: 'Quirks',
  domains: ['quirks.example', 'quirks.example.net'],
  incoming: [
    { type: 'imap', host: 'imap.%EMAILDOMAIN%', port: 993, security: 'tls', auth: ['password-cleartext', 'oauth2'], username: '%EMAILADDRESS%' },
    { type: 'pop3', host: 'pop.quirks.example', security: 'tls', auth: ['password-cleartext'], username: '%EMAILLOCALPART%', pop3: { leaveMessagesOnServer: true, checkIntervalMinutes: 15 } },
  ],
  outgoing: [
    { host: 'smtp.quirks.example', port: 465, security: 'tls', auth: ['password-cleartext'], username: '%EMAILADDRESS%' },
    { host: 'relay.quirks.example', port: 25, security: 'plain', auth: ['client-ip-address'], username: '%EMAILADDRESS%', restriction: 'client-ip-address' },
  ],
  enable: { url: 'https://quirks.example/settings', instructions: [{ text: 'Enable IMAP first' }] },
  documentation: [{ url: 'http://help.quirks.example/?a=1&b=2', descriptions: [{ lang: 'en', text: 'Help' }, { text: 'Hilfe' }] }],
  webmail: {
    loginPage: 'https://login.%EMAILDOMAIN%/',
    loginPageInfo: {
      url: 'https://login.%EMAILDOMAIN%/',
      waitForRedirectionUrlPrefix: 'https://sso.quirks.example/',
      username: '%EMAILADDRESS%',
      usernameField: { id: 'user', name: 'u' },
      passwordField: { name: 'p' },
      loginButton: {},
    },
  },
  oauth2: { issuer: 'auth.quirks.example', scope: 'mail', authUrl: 'https://auth.quirks.example/authorize', tokenUrl: 'https://auth.quirks.example/token' },
}

t.test('a file with every quirk: each fix and loss reported at its line, the rest carried over', async (t) => {
  const result = imported(importAutoconfig({ file: 'q.xml', text: await fixture('ispdb/quirks.example.xml') }))
  t.same(result.notes.map((note) => formatNote('q.xml', note)), QUIRK_NOTES)
  t.same(result.provider, QUIRK_PROVIDER)
  t.equal(result.id, 'quirks.example')
  t.equal(result.fileName, 'q.yaml')
})

t.test('CRLF line endings and a byte-order mark change nothing but one note', async (t) => {
  const text = await fixture('ispdb/quirks.example.xml')
  const crlf = imported(importAutoconfig({ file: 'q.xml', text: `\uFEFF${text.replaceAll('\n', '\r\n')}` }))
  t.same(crlf.provider, QUIRK_PROVIDER)
  t.same(crlf.notes.map((note) => formatNote('q.xml', note)), [
    'q.xml:1: fixed: byte-order mark removed (the 1.2 draft says UTF-8 "without BOM"; the ISPDB refuses one)',
    ...QUIRK_NOTES,
  ])
})

t.test('the produced YAML: notes in the header, comments beside their values, loads and renders', async (t) => {
  const result = imported(importAutoconfig({ file: QUIRKS, text: await fixture('ispdb/quirks.example.xml') }))
  const lines = result.yaml.split('\n')
  t.equal(lines[0], '# Imported from quirks.example.xml (Mozilla autoconfig). What the import changed (lines of quirks.example.xml):')
  t.same(lines.slice(1, 1 + QUIRK_NOTES.length), QUIRK_NOTES.map((note) => `#   line ${note.replace(/^q\.xml:/, '').replace(/^(\d+): /, '$1: ')}`))
  t.match(result.yaml, 'domains:\n  # main domains\n  - quirks.example\n')
  t.match(result.yaml, 'incoming:\n  # preferred\n  - type: imap\n')
  t.match(result.yaml, '    auth: [password-cleartext, oauth2]\n    # login with the full address\n    username: "%EMAILADDRESS%"\n')
  t.ok(result.yaml.endsWith('\n# closing remark\n# after the root\n'), 'comments at the end of the provider and after the root close the file')
  t.notMatch(result.yaml, /^# Exchange, for add-ons$/m, 'the comment of a server not carried over goes with it (and is noted)')

  const loaded = parseProviderFile('quirks.example.yaml', result.yaml)
  if (!loaded.ok) throw new Error('must load')
  const { clientConfig: root } = parseXml(renderAutoconfig(loaded.value.provider), ['domain', 'incomingServer', 'outgoingServer', 'authentication'])
  t.equal(root.emailProvider['@_id'], 'quirks.example')
  t.same(root.emailProvider.incomingServer.map((s: any) => s.port), ['993', '995'], 'the missing POP3 port is the standard one')
  t.equal(root.emailProvider.enable['@_visiturl'], 'https://quirks.example/settings')
  t.equal(root.webMail.loginPageInfo['@_waitForRedirectionURLPrefix'], 'https://sso.quirks.example/')
})

const MINIMAL = (body: string, extra = '') => `<clientConfig version="1.1"><emailProvider id="x.example">
<domain>x.example</domain><displayName>X</displayName>
${body}
</emailProvider>${extra}</clientConfig>`
const IMAP = '<incomingServer type="imap"><hostname>imap.x.example</hostname><port>993</port><socketType>SSL</socketType><username>%EMAILADDRESS%</username><authentication>password-cleartext</authentication></incomingServer>'
const SMTP = '<outgoingServer type="smtp"><hostname>smtp.x.example</hostname><port>465</port><socketType>SSL</socketType><username>%EMAILADDRESS%</username><authentication>password-cleartext</authentication></outgoingServer>'

t.test('files that cannot become a provider are refused with the reason', async (t) => {
  const refuse = (text: string) => failed(importAutoconfig({ file: 'x.xml', text }))
  t.same(refuse('<?xml version="1.0"?>\n<!DOCTYPE clientConfig SYSTEM "file:///etc/passwd">\n<clientConfig/>'), [
    'x.xml:2: error: <!DOCTYPE> is not accepted: autoconfig files need no DTD, and entity declarations can make a reader expand text without bound',
  ])
  t.same(refuse('<clientConfig>\n<emailProvider id="a">&bogus;</emailProvider></clientConfig>'), [
    'x.xml:2: error: &bogus; is not defined: without a DTD only &amp; &lt; &gt; &quot; &apos; and numeric references such as &#233; exist',
  ])
  t.match(refuse('<clientConfig><emailProvider></clientConfig>'), [/^x\.xml:1:\d+: error: not well-formed XML: /])
  // Issue 31: a truncated file says where it ends and inside what, not the parser's tag stack.
  t.same(refuse('<clientConfig version="1.1">\n<emailProvider id="x">\n<incomingServer type="imap"><hostname>imap'), [
    'x.xml:3:43: error: unexpected end of file inside <hostname>',
  ])
  t.same(refuse('<html><body/></html>'), ['x.xml:1: error: the root element is <html>, not <clientConfig>: not a Mozilla autoconfig file'])
  t.same(refuse('<clientConfig version="1.1"/>'), ['x.xml:1: error: no <emailProvider>: there is no provider to import'])
  t.same(refuse(MINIMAL(IMAP + SMTP).replace('<domain>x.example</domain>', '')), ['x.xml:1: error: no usable <domain>: nothing could be looked up (Thunderbird rejects such a file too)'])
  t.same(refuse(MINIMAL(SMTP)), ['x.xml:1: error: no incoming server left that the model describes (IMAP or POP3)'])
  t.same(refuse(MINIMAL(IMAP)), ['x.xml:1: error: no outgoing (SMTP) server left; Thunderbird rejects a file without one too'])
})

t.test('root-level sections and version quirks', async (t) => {
  const result = imported(importAutoconfig({
    file: 'x.xml',
    text: MINIMAL(`${IMAP}${SMTP}<identity/>`, '<fileShare type="webdav"><serverURL>https://dav.x.example/</serverURL></fileShare><addressBook type="carddav"><username>%EMAILADDRESS%</username><authentication>http-basic</authentication><serverURL>https://dav.x.example/card/</serverURL></addressBook>').replace('version="1.1"', 'version="1.0"'),
  }))
  t.same(result.notes.map((note) => formatNote('x.xml', note)), [
    'x.xml:1: fixed: version="1.0": written as version="1.1", the format this file is served in',
    'x.xml:3: dropped: <identity>: an empty placeholder of the old spec; no client reads it',
    'x.xml:4: dropped: <fileShare type="webdav">: WebDAV file shares are not part of the provider model',
  ])
  t.same(result.provider.addressBook, { username: '%EMAILADDRESS%', auth: ['http-basic'], url: 'https://dav.x.example/card/' })
})

t.test('sections that fail the model are dropped whole, with the model\'s reason', async (t) => {
  const result = imported(importAutoconfig({
    file: 'x.xml',
    text: MINIMAL(`${IMAP}${SMTP}<documentation url="ftp://x.example/help"><descr>Help</descr></documentation><documentation><descr>no url</descr></documentation>`, '<oAuth2><issuer>i</issuer></oAuth2><webMail/>'),
  }))
  t.same(result.notes.map((note) => formatNote('x.xml', note)), [
    'x.xml:3: dropped: <documentation> not carried over: url: must be an http:// or https:// URL',
    'x.xml:3: dropped: <documentation> without url, with all it contains: a description alone points nowhere',
    'x.xml:4: dropped: <oAuth2> not carried over: scope: missing; authUrl: missing; tokenUrl: missing',
    'x.xml:4: dropped: empty <webMail>',
  ])
  t.notOk('documentation' in result.provider)
})

t.test('ids: <emailProvider id> when free, the file name otherwise; files named after their id go first', async (t) => {
  const file = (name: string, id: string) => ({ file: `dir/${name}.xml`, text: MINIMAL(IMAP + SMTP).replace('id="x.example"', `id="${id}"`).replaceAll('x.example', name) })
  const results = importAutoconfigFiles([file('zoho.eu', 'zoho.com'), file('zoho.com', 'zoho.com'), file('bluewin.ch', 'swisscom.ch'), file('odd.example', 'Not An Id')]).map(imported)
  t.same(results.map((r) => [r.id, r.fileName, r.provider.id]), [
    ['zoho.eu', 'zoho.eu.yaml', undefined],
    ['zoho.com', 'zoho.com.yaml', undefined],
    ['swisscom.ch', 'bluewin.ch.yaml', 'swisscom.ch'],
    ['odd.example', 'odd.example.yaml', undefined],
  ])
  t.match(results[0]!.notes[0]!.message, 'the provider id is "zoho.eu": ids must be unique in a catalog and "zoho.com" is already taken')
  t.match(results[3]!.notes[0]!.message, 'and made of a-z, 0-9, ".", "_", "-"')
  t.equal(imported(importAutoconfig(file('gmx.net', 'gmx.net'), new Set(['gmx.net']))).id, 'gmx.net-2', 'an id taken outside the batch is not reused')
  t.equal(idFromFileName('dir/Some File.XML'), 'some-file')
  t.equal(yamlFileName('dir/OXCloud-EU.xml'), 'oxcloud-eu.yaml')
})

t.test('1.2 draft domain purpose, empty names and comments inside values are reported', async (t) => {
  const result = imported(importAutoconfig({
    file: 'x.xml',
    text: MINIMAL(IMAP + SMTP)
      .replace('<domain>x.example</domain>', '<domain>x.example</domain>\n<domain purpose="mx">MX.x.example</domain><domain purpose="mx">mx.x.example</domain><domain purpose="web">www.x.example</domain>')
      .replace('<displayName>X</displayName>', '<displayName></displayName><displayShortName>X<!-- short --></displayShortName>'),
  }))
  t.same(result.notes.map((note) => formatNote('x.xml', note)), [
    'x.xml:1: fixed: no <displayName>: the name is "x.example", from the id, as Thunderbird does',
    'x.xml:3: fixed: <domain purpose="mx"> mx.x.example written as mx *.mx.x.example, the MX hosts under it',
    'x.xml:3: fixed: <domain purpose="mx"> mx.x.example is listed twice; kept once',
    'x.xml:3: dropped: purpose="web" on <domain>: only purpose="mx" (1.2 draft) has a meaning, so the domain is kept without it',
    'x.xml:3: dropped: empty <displayName>',
    'x.xml:3: dropped: comment "short" inside <displayShortName>: a value has no place for it',
  ])
  t.same(result.provider.domains, ['x.example', 'www.x.example'])
  t.same(result.provider.mx, ['*.mx.x.example'], 'an MX domain stands for the MX hosts under it')
  t.equal(result.provider.shortName, 'X')
})
