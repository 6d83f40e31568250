import t from 'tap'
import type { PlistValue } from 'plist'
import { v5 as uuidV5 } from 'uuid'
import { loadProviders } from '../../src/catalog/load.ts'
import { parseEmailAddress, type EmailAddress } from '../../src/model/email-address.ts'
import { providerSchema, type Provider, type ProviderInput } from '../../src/model/provider.ts'
import {
  EMAIL_ACCOUNT_TYPE,
  EMAIL_AUTHENTICATION,
  hasProfile,
  MOBILECONFIG_CONTENT_TYPE,
  PROFILE_NAMESPACE,
  profileServers,
  renderMobileconfig,
  USE_SSL,
} from '../../src/render/mobileconfig.ts'
import { BUNDLED_DIR, VALID_PROVIDERS_DIR } from '../helper.ts'
import { parseProfile, payloadsOf, strictProfileProblems, UUID_FORMAT, type PlistDict } from '../support/plist-strict.ts'

async function catalog (dir: string): Promise<Map<string, Provider>> {
  const loaded = await loadProviders(dir)
  if (!loaded.ok) throw new Error(`${dir} must load`)
  return new Map(loaded.catalog.providers)
}

async function provider (id: string, dir = VALID_PROVIDERS_DIR): Promise<Provider> {
  const found = (await catalog(dir)).get(id)
  if (found === undefined) throw new Error(`no provider ${id}`)
  return found
}

function address (value: string): EmailAddress {
  const parsed = parseEmailAddress(value)
  if (parsed === undefined) throw new Error(`${JSON.stringify(value)} must be an address`)
  return parsed
}

/** The profile text; the test fails loudly when the renderer gives none. */
function render (p: Provider, email: string): string {
  const xml = renderMobileconfig(p, { address: address(email) })
  if (xml === undefined) throw new Error(`${p.id} must render a profile for ${email}`)
  return xml
}

interface Rendered {
  xml: string
  top: PlistDict
  mail: PlistDict
  caldav: PlistDict | undefined
  carddav: PlistDict | undefined
}

function profile (p: Provider, email: string): Rendered {
  const xml = render(p, email)
  const top = parseProfile(xml)
  const payloads = payloadsOf(top)
  const byType = (type: string): PlistDict | undefined => payloads.find((payload) => payload.PayloadType === type)
  return { xml, top, mail: byType('com.apple.mail.managed')!, caldav: byType('com.apple.caldav.account'), carddav: byType('com.apple.carddav.account') }
}

/** A provider built the way the catalog builds one: the schema's defaults, then its id. */
function make (input: Omit<ProviderInput, 'name' | 'domains'> & Partial<Pick<ProviderInput, 'name' | 'domains'>>, id = 'test.example'): Provider {
  return { ...providerSchema.parse({ name: 'Test Mail', domains: ['test.example'], ...input }), id }
}

/** The UUID the profile for `name` (`provider id:lower-cased address[:payload kind]`) must carry, worked out here. */
function uuidOf (name: string): string {
  return uuidV5(name, PROFILE_NAMESPACE).toUpperCase()
}

/** Every dictionary key anywhere in a value. */
function keysOf (value: PlistValue): string[] {
  if (Array.isArray(value)) return value.flatMap(keysOf)
  if (value !== null && typeof value === 'object' && !(value instanceof Date) && !(value instanceof Uint8Array)) {
    return Object.entries(value).flatMap(([key, item]) => [key, ...keysOf(item)])
  }
  return []
}

/** Identifiers and UUIDs of the profile and each payload. */
function identities (top: PlistDict): unknown[] {
  return [top, ...payloadsOf(top)].flatMap((dict) => [dict.PayloadUUID, dict.PayloadIdentifier])
}

const EXAMPLE_NAME = 'Example <Mail> & "Co"'
const GMAIL_ENABLE = 'Before you can connect, enable IMAP in Gmail: on the web, open Settings, See all settings, the "Forwarding and POP/IMAP" tab, select "Enable IMAP", then click "Save Changes".'
const OAUTH2_ONLY_BUNDLED = ['microsoft365', 'outlook']

const VALID_PROFILE = `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<dict>
  <key>PayloadType</key><string>Configuration</string>
  <key>PayloadVersion</key><integer>1</integer>
  <key>PayloadIdentifier</key><string>com.example.profile</string>
  <key>PayloadUUID</key><string>8C1E0B4A-5D2F-4E3A-9B6C-7D8E9F0A1B2C</string>
  <key>PayloadDisplayName</key><string>Example &amp; Co</string>
  <key>PayloadContent</key>
  <array>
    <dict>
      <key>PayloadType</key><string>com.apple.mail.managed</string>
      <key>PayloadVersion</key><integer>1</integer>
      <key>PayloadIdentifier</key><string>com.example.profile.mail</string>
      <key>PayloadUUID</key><string>0F0E0D0C-0B0A-4908-8706-050403020100</string>
      <key>EmailAccountType</key><string>EmailTypeIMAP</string>
      <key>IncomingMailServerHostName</key><string>imap.example.com</string>
      <key>IncomingMailServerPortNumber</key><integer>993</integer>
      <key>IncomingMailServerUseSSL</key><true/>
      <key>IncomingMailServerAuthentication</key><string>EmailAuthPassword</string>
      <key>OutgoingMailServerHostName</key><string>smtp.example.com</string>
      <key>OutgoingMailServerPortNumber</key><integer>465</integer>
      <key>OutgoingMailServerAuthentication</key><string>EmailAuthPassword</string>
    </dict>
  </array>
</dict>
</plist>
`

const MAIL_AT = 'PayloadContent[0] (com.apple.mail.managed)'

function broken (from: string, to: string, xml = VALID_PROFILE): string {
  if (!xml.includes(from)) throw new Error(`the valid profile holds no ${from}`)
  return xml.replace(from, to)
}

t.test('the strict checker passes a correct profile and names every fault of a broken one', async (t) => {
  t.strictSame(strictProfileProblems(VALID_PROFILE), [], 'a hand-written correct profile has no problems')

  const faulty = broken('<key>IncomingMailServerPortNumber</key><integer>993</integer>', '<key>IncomingMailServerPortNumber</key><real>993</real>',
    broken('      <key>OutgoingMailServerHostName</key><string>smtp.example.com</string>\n', '',
      broken('<key>IncomingMailServerUseSSL</key>', '<key>IncomingMailServerPort</key><integer>993</integer>\n      <key>IncomingMailServerUseSSL</key>',
        broken('<string>imap.example.com</string>', '<string></string>'))))
  t.strictSame(strictProfileProblems(faulty), [
    'a <real>: every number in these payloads is an <integer>',
    'an empty <string>',
    `${MAIL_AT}.IncomingMailServerHostName: empty string`,
    `${MAIL_AT}.IncomingMailServerPortNumber: must be integer, is <real>`,
    `${MAIL_AT}.IncomingMailServerPort: not a key Apple's schema defines here`,
    `${MAIL_AT}: required key OutgoingMailServerHostName is missing`,
  ], 'a <real> port, an empty string, an unknown key and a missing required key')

  const cases: Array<[string, string, string[], string?]> = [
    ['<integer>465</integer>', '<integer/>', ['an empty <integer>', 'the plist library cannot read it: Cannot parse "" as integer.']],
    ['<integer>465</integer>', '<integer>4.5</integer>', [`${MAIL_AT}.OutgoingMailServerPortNumber: <integer>4.5</integer> is not an integer`]],
    ['<integer>465</integer>', '<string>465</string>', [`${MAIL_AT}.OutgoingMailServerPortNumber: must be integer, is <string>`]],
    ['<true/>', '<string>true</string>', [`${MAIL_AT}.IncomingMailServerUseSSL: must be boolean, is <string>`]],
    ['<string>imap.example.com</string>', '<string>  </string>', ['an empty <string>', `${MAIL_AT}.IncomingMailServerHostName: empty string`]],
    ['<string>EmailTypeIMAP</string>', '<string>EmailTypeExchange</string>', [`${MAIL_AT}.EmailAccountType: "EmailTypeExchange" is not one of EmailTypeIMAP, EmailTypePOP`]],
    ['<key>OutgoingMailServerAuthentication</key><string>EmailAuthPassword</string>', '<key>OutgoingMailServerAuthentication</key><string>EmailAuthOAuth2</string>',
      [`${MAIL_AT}.OutgoingMailServerAuthentication: "EmailAuthOAuth2" is not one of EmailAuthNone, EmailAuthPassword, EmailAuthCRAMMD5, EmailAuthNTLM, EmailAuthHTTPMD5`]],
    ['<string>0F0E0D0C-0B0A-4908-8706-050403020100</string>', '<string>0F0E0D0C0B0A49088706050403020100</string>',
      [`${MAIL_AT}.PayloadUUID: "0F0E0D0C0B0A49088706050403020100" does not match ${String(UUID_FORMAT)}`]],
    ['<key>PayloadVersion</key><integer>1</integer>', '<key>PayloadVersion</key><integer>2</integer>', ['profile.PayloadVersion: 2 is not one of 1']],
    ['<string>com.example.profile.mail</string>', '<string>org.other.mail</string>',
      ['PayloadContent[0]: PayloadIdentifier "org.other.mail" does not start with the profile\'s "com.example.profile"']],
    ['<string>com.example.profile.mail</string>', '<string>com.example.profile</string>', [
      'PayloadContent[0]: PayloadIdentifier "com.example.profile" is not unique in the profile',
      'PayloadContent[0]: PayloadIdentifier "com.example.profile" does not start with the profile\'s "com.example.profile"',
    ]],
    ['<string>0F0E0D0C-0B0A-4908-8706-050403020100</string>', '<string>8C1E0B4A-5D2F-4E3A-9B6C-7D8E9F0A1B2C</string>',
      ['PayloadContent[0]: PayloadUUID "8C1E0B4A-5D2F-4E3A-9B6C-7D8E9F0A1B2C" is not unique in the profile']],
    ['<string>Configuration</string>', '<string>Profile</string>', ['profile.PayloadType: "Profile" is not one of Configuration']],
    ['<string>com.apple.mail.managed</string>', '<string>com.apple.eas.account</string>',
      ['PayloadContent[0]: PayloadType "com.apple.eas.account" is not a payload this checker knows', ...[
        'EmailAccountType', 'IncomingMailServerHostName', 'IncomingMailServerPortNumber', 'IncomingMailServerUseSSL', 'IncomingMailServerAuthentication',
        'OutgoingMailServerHostName', 'OutgoingMailServerPortNumber', 'OutgoingMailServerAuthentication',
      ].map((key) => `PayloadContent[0].${key}: not a key Apple's schema defines here`)]],
    ['<key>IncomingMailServerUseSSL</key><true/>', '<key>IncomingPassword</key><string>hunter2</string>\n      <key>IncomingMailServerUseSSL</key><true/>', [],
      'a password key is Apple\'s (encrypted profiles): the schema allows it, the renderer tests forbid it'],
    ['<key>IncomingMailServerUseSSL</key><true/>', '<key>IncomingMailServerUseSSL</key><true/>\n      <key>IncomingMailServerUseSSL</key><false/>',
      [`${MAIL_AT}.IncomingMailServerUseSSL: the key appears twice`]],
    ['<string>Example &amp; Co</string>', '<string>Example & Co</string>', ['unescaped "&" at offset 466', 'not well-formed XML: char \'&\' is not expected. (line 9)']],
    ['<string>Example &amp; Co</string>', '<string>Example &nbsp; Co</string>', ['unescaped "&" at offset 466', 'the plist library reports: entity not found:&nbsp;']],
    ['<string>Example &amp; Co</string>', '<string>Example \uFFFF Co</string>', ['holds a character XML 1.0 cannot carry (control, lone surrogate, U+FFFE/U+FFFF)']],
    ['<string>Example &amp; Co</string>', '<string>Example &amp; Co</strin>', ['not well-formed XML: Expected closing tag \'string\' (opened in line 9, col 32) instead of closing tag \'strin\'. (line 9)',
      'the plist library cannot read it: Opening and ending tag mismatch: "string" != "strin"']],
    ['<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">\n', '', ['no Apple plist DOCTYPE followed by <plist version="1.0">']],
    ['<?xml version="1.0" encoding="UTF-8"?>\n', '', ['does not start with the XML declaration <?xml version="1.0" encoding="UTF-8"?>']],
  ]
  for (const [from, to, expected, why] of cases) {
    t.strictSame(strictProfileProblems(broken(from, to)), expected, why ?? `${from} → ${to}`)
  }
  const withoutContent = VALID_PROFILE.replace(/ {2}<key>PayloadContent<\/key>[\s\S]*<\/array>\n/, '')
  t.strictSame(strictProfileProblems(withoutContent), ['profile: required key PayloadContent is missing'])
  t.strictSame(strictProfileProblems(VALID_PROFILE.replace(/<dict>[\s\S]*<\/dict>\n<\/plist>/, '<array/>\n</plist>')), ['the <plist> must hold exactly one <dict>'])
})

t.test('vocabulary tables use the exact values of Apple\'s schema', async (t) => {
  t.equal(MOBILECONFIG_CONTENT_TYPE, 'application/x-apple-aspen-config')
  t.strictSame(EMAIL_ACCOUNT_TYPE, { imap: 'EmailTypeIMAP', pop3: 'EmailTypePOP' })
  t.strictSame(EMAIL_AUTHENTICATION, {
    'password-cleartext': 'EmailAuthPassword',
    'password-encrypted': 'EmailAuthCRAMMD5',
    oauth2: undefined,
    ntlm: 'EmailAuthNTLM',
    gssapi: undefined,
    'client-ip-address': 'EmailAuthNone',
    'tls-client-cert': undefined,
    'smtp-after-pop': 'EmailAuthNone',
    none: 'EmailAuthNone',
  })
  t.strictSame(USE_SSL, { tls: true, starttls: false, plain: false }, 'true only for TLS from the first byte')
  t.match(PROFILE_NAMESPACE, UUID_FORMAT)
})

t.test('every field of the example provider\'s profile', async (t) => {
  const example = await provider('example.com')
  const before = structuredClone(example)
  const { xml, top } = profile(example, 'alice@example.com')
  t.strictSame(strictProfileProblems(xml), [])
  const name = 'example.com:alice@example.com'
  const identifier = `com.example.mail-autoconfig.${uuidOf(name)}`
  t.equal(uuidOf(name), '743A691E-6A79-5A32-9A5C-511CC5F68169', 'fixed forever: a changed derivation would stack a second profile on every device')
  t.strictSame(top, {
    PayloadType: 'Configuration',
    PayloadVersion: 1,
    PayloadIdentifier: identifier,
    PayloadUUID: uuidOf(name),
    PayloadDisplayName: `${EXAMPLE_NAME} (alice@example.com)`,
    PayloadDescription: [
      'Turn on IMAP & POP "first" https://example.com/settings?tab=imap&x=<1>',
      `${EXAMPLE_NAME} prefers OAuth2 sign-in, which a profile cannot set up: where Mail asks for the password, use an app password if ${EXAMPLE_NAME} requires one.`,
      'Sets up alice@example.com in Apple Mail, Calendar, Contacts. Mail asks for the password when the profile is installed; the profile holds none.',
    ].join('\n\n'),
    PayloadOrganization: EXAMPLE_NAME,
    PayloadRemovalDisallowed: false,
    PayloadContent: [
      {
        PayloadType: 'com.apple.mail.managed',
        PayloadVersion: 1,
        PayloadIdentifier: `${identifier}.mail`,
        PayloadUUID: uuidOf(`${name}:mail`),
        PayloadDisplayName: `${EXAMPLE_NAME} (mail)`,
        EmailAccountType: 'EmailTypeIMAP',
        EmailAccountDescription: EXAMPLE_NAME,
        EmailAddress: 'alice@example.com',
        IncomingMailServerHostName: 'imap.example.com',
        IncomingMailServerPortNumber: 993,
        IncomingMailServerUseSSL: true,
        IncomingMailServerUsername: 'alice@example.com',
        IncomingMailServerAuthentication: 'EmailAuthPassword',
        OutgoingMailServerHostName: 'smtp.example.com',
        OutgoingMailServerPortNumber: 465,
        OutgoingMailServerUseSSL: true,
        OutgoingMailServerUsername: 'alice@example.com',
        OutgoingMailServerAuthentication: 'EmailAuthPassword',
        OutgoingPasswordSameAsIncomingPassword: true,
      },
      {
        PayloadType: 'com.apple.caldav.account',
        PayloadVersion: 1,
        PayloadIdentifier: `${identifier}.caldav`,
        PayloadUUID: uuidOf(`${name}:caldav`),
        PayloadDisplayName: `${EXAMPLE_NAME} (calendar)`,
        CalDAVAccountDescription: `${EXAMPLE_NAME} calendar`,
        CalDAVHostName: 'dav.example.com',
        CalDAVPort: 443,
        CalDAVUseSSL: true,
        CalDAVPrincipalURL: 'https://dav.example.com/caldav/',
        CalDAVUsername: 'alice',
      },
      {
        PayloadType: 'com.apple.carddav.account',
        PayloadVersion: 1,
        PayloadIdentifier: `${identifier}.carddav`,
        PayloadUUID: uuidOf(`${name}:carddav`),
        PayloadDisplayName: `${EXAMPLE_NAME} (contacts)`,
        CardDAVAccountDescription: `${EXAMPLE_NAME} contacts`,
        CardDAVHostName: 'dav.example.com',
        CardDAVPort: 443,
        CardDAVUseSSL: true,
        CardDAVPrincipalURL: 'https://dav.example.com/carddav/alice@example.com/',
        CardDAVUsername: 'alice@example.com',
      },
    ],
  })
  t.match(xml, /<key>IncomingMailServerPortNumber<\/key>\s*<integer>993<\/integer>/, 'ports are written as <integer>')
  t.match(xml, /<key>CalDAVPort<\/key>\s*<integer>443<\/integer>/)
  t.match(xml, /<key>PayloadRemovalDisallowed<\/key>\s*<false\/>/)
  t.strictSame(example, before, 'the provider is never changed')
})

t.test('every field of Gmail\'s profile: no DAV payload (OAuth2 only), the app-password note', async (t) => {
  const gmail = await provider('gmail', BUNDLED_DIR)
  const { xml, top } = profile(gmail, 'alice@gmail.com')
  t.strictSame(strictProfileProblems(xml), [])
  const name = 'gmail:alice@gmail.com'
  const identifier = `com.gmail.mail-autoconfig.${uuidOf(name)}`
  t.equal(uuidOf(name), 'B45E0FF4-A16D-59A4-8DAC-9F3F7B3DFFD3')
  t.strictSame(top, {
    PayloadType: 'Configuration',
    PayloadVersion: 1,
    PayloadIdentifier: identifier,
    PayloadUUID: uuidOf(name),
    PayloadDisplayName: 'Google Mail (alice@gmail.com)',
    PayloadDescription: [
      `${GMAIL_ENABLE} https://mail.google.com/mail/u/0/#settings/fwdandpop`,
      'Google Mail prefers OAuth2 sign-in, which a profile cannot set up: where Mail asks for the password, use an app password if Google Mail requires one.',
      'Sets up alice@gmail.com in Apple Mail. Mail asks for the password when the profile is installed; the profile holds none.',
    ].join('\n\n'),
    PayloadOrganization: 'Google Mail',
    PayloadRemovalDisallowed: false,
    PayloadContent: [
      {
        PayloadType: 'com.apple.mail.managed',
        PayloadVersion: 1,
        PayloadIdentifier: `${identifier}.mail`,
        PayloadUUID: uuidOf(`${name}:mail`),
        PayloadDisplayName: 'Google Mail (mail)',
        EmailAccountType: 'EmailTypeIMAP',
        EmailAccountDescription: 'Google Mail',
        EmailAddress: 'alice@gmail.com',
        IncomingMailServerHostName: 'imap.gmail.com',
        IncomingMailServerPortNumber: 993,
        IncomingMailServerUseSSL: true,
        IncomingMailServerUsername: 'alice@gmail.com',
        IncomingMailServerAuthentication: 'EmailAuthPassword',
        OutgoingMailServerHostName: 'smtp.gmail.com',
        OutgoingMailServerPortNumber: 465,
        OutgoingMailServerUseSSL: true,
        OutgoingMailServerUsername: 'alice@gmail.com',
        OutgoingMailServerAuthentication: 'EmailAuthPassword',
        OutgoingPasswordSameAsIncomingPassword: true,
      },
    ],
  })
})

t.test('a minimal provider: only the mail payload, no install notes', async (t) => {
  const { xml, top, mail, caldav, carddav } = profile(await provider('minimal'), 'bob@minimal.test')
  t.strictSame(strictProfileProblems(xml), [])
  t.equal(top.PayloadDescription, 'Sets up bob@minimal.test in Apple Mail. Mail asks for the password when the profile is installed; the profile holds none.')
  t.notMatch(top.PayloadDescription, /OAuth2/)
  t.equal(payloadsOf(top).length, 1)
  t.equal(caldav, undefined)
  t.equal(carddav, undefined)
  t.equal(mail.PayloadIdentifier, `test.minimal.mail-autoconfig.${uuidOf('minimal:bob@minimal.test')}.mail`)
  t.match(mail, { IncomingMailServerHostName: 'mail.minimal.test', IncomingMailServerPortNumber: 993, OutgoingMailServerHostName: 'mail.minimal.test', OutgoingMailServerPortNumber: 465 })
})

t.test('every bundled provider and fixture gives a profile that passes the strict checker, or none when OAuth2 is its only login', async (t) => {
  const all = [...(await catalog(BUNDLED_DIR)).values(), ...(await catalog(VALID_PROVIDERS_DIR)).values()]
  t.ok(all.length >= 15, 'the catalog is loaded')
  const without: string[] = []
  for (const p of all) {
    const domain = p.domains.find((d) => !d.startsWith('*.'))!
    t.equal(hasProfile(p), profileServers(p) !== undefined, `${p.id}: hasProfile says what profileServers finds`)
    for (const email of [`alice@${domain}`, `O'Brien&Co+tag@${domain}`]) {
      const xml = renderMobileconfig(p, { address: address(email) })
      if (xml === undefined) {
        without.push(p.id)
        t.equal(profileServers(p), undefined, `${p.id}: no profile exactly when no servers are chosen`)
        continue
      }
      t.strictSame(strictProfileProblems(xml), [], `${p.id} <${email}>`)
      const top = parseProfile(xml)
      const keys = keysOf(top)
      t.ok(keys.includes('OutgoingMailServerAuthentication'), `${p.id}: the walk reaches the payloads' keys`)
      t.strictSame(keys.filter((key) => /Password/.test(key) && key !== 'OutgoingPasswordSameAsIncomingPassword'), [], `${p.id}: no key holds a password`)
      t.equal(payloadsOf(top)[0]!.EmailAddress, address(email).address, `${p.id}: the address round-trips`)
      const step = p.enable?.instructions.find((i) => i.lang === undefined || i.lang.startsWith('en'))?.text
      if (step !== undefined) t.match(top.PayloadDescription, step, `${p.id}: the enable step is on the install screen`)
      if (p.enable?.url !== undefined) t.match(top.PayloadDescription, p.enable.url, `${p.id}: the enable URL too`)
    }
  }
  t.strictSame([...new Set(without)].sort(), OAUTH2_ONLY_BUNDLED, 'only the OAuth2-only providers give no profile')
})

t.test('server choice: implicit TLS first, the provider\'s order among equals, IMAP over POP3', async (t) => {
  const smtp = [{ host: 'smtp.test.example' }]
  const starttlsFirst = profile(make({
    incoming: [{ type: 'imap', host: 'starttls.test.example', security: 'starttls' }, { type: 'imap', host: 'tls.test.example' }],
    outgoing: [{ host: 'submission.test.example', security: 'starttls' }, { host: 'smtps.test.example', port: 4465 }],
  }), 'a@test.example').mail
  t.match(starttlsFirst, {
    IncomingMailServerHostName: 'tls.test.example',
    IncomingMailServerPortNumber: 993,
    IncomingMailServerUseSSL: true,
    OutgoingMailServerHostName: 'smtps.test.example',
    OutgoingMailServerPortNumber: 4465,
    OutgoingMailServerUseSSL: true,
  }, 'implicit TLS wins though listed second; an explicit port is kept')

  const equals = profile(make({ incoming: [{ type: 'imap', host: 'first.test.example' }, { type: 'imap', host: 'second.test.example' }], outgoing: smtp }), 'a@test.example').mail
  t.equal(equals.IncomingMailServerHostName, 'first.test.example', 'the provider\'s order among servers of the same security')

  const plainAndStarttls = profile(make({
    incoming: [{ type: 'imap', host: 'plain.test.example', security: 'plain' }, { type: 'imap', host: 'starttls.test.example', security: 'starttls' }],
    outgoing: smtp,
  }), 'a@test.example').mail
  t.equal(plainAndStarttls.IncomingMailServerHostName, 'starttls.test.example', 'STARTTLS before plain')

  const unusableFirst = profile(make({
    incoming: [{ type: 'imap', host: 'tokens.test.example', auth: ['oauth2'] }, { type: 'imap', host: 'kerberos.test.example', auth: ['gssapi', 'tls-client-cert'] }, { type: 'imap', host: 'password.test.example' }],
    outgoing: [{ host: 'tokens.test.example', auth: ['oauth2'] }, { host: 'password.test.example', security: 'starttls' }],
  }), 'a@test.example').mail
  t.equal(unusableFirst.IncomingMailServerHostName, 'password.test.example', 'a server without a login Mail has is skipped, however secure')
  t.equal(unusableFirst.OutgoingMailServerHostName, 'password.test.example')
  t.equal(unusableFirst.OutgoingMailServerPortNumber, 587)

  const imapOverPop = profile(make({
    incoming: [{ type: 'pop3', host: 'pop.test.example' }, { type: 'imap', host: 'imap.test.example', security: 'starttls' }],
    outgoing: smtp,
  }), 'a@test.example').mail
  t.match(imapOverPop, { EmailAccountType: 'EmailTypeIMAP', IncomingMailServerHostName: 'imap.test.example', IncomingMailServerPortNumber: 143, IncomingMailServerUseSSL: false },
    'IMAP even when POP3 is listed first and more secure')

  const popFallback = profile(make({
    incoming: [{ type: 'imap', host: 'imap.test.example', auth: ['oauth2'] }, { type: 'pop3', host: 'pop.test.example' }],
    outgoing: smtp,
  }), 'a@test.example').mail
  t.match(popFallback, { EmailAccountType: 'EmailTypePOP', IncomingMailServerHostName: 'pop.test.example', IncomingMailServerPortNumber: 995, IncomingMailServerUseSSL: true },
    'POP3 when no IMAP server has a login Mail can use')
})

t.test('the example provider\'s servers one by one: the login each gives', async (t) => {
  const example = await provider('example.com')
  const chosen = profileServers(example)!
  t.equal(chosen.incoming.server, example.incoming[0])
  t.equal(chosen.incoming.method, 'password-cleartext', 'inside TLS the password, although password-encrypted comes first (CRAM-MD5 fails on SCRAM-only servers)')
  t.equal(chosen.incoming.authentication, 'EmailAuthPassword')
  t.equal(chosen.outgoing.server, example.outgoing[0])
  t.equal(chosen.outgoing.method, 'password-cleartext', 'OAuth2 is skipped')
  t.equal(chosen.outgoing.authentication, 'EmailAuthPassword')

  const cramOnly = (security: 'tls' | 'plain', auth: Array<'password-encrypted' | 'password-cleartext'>) => profile(make({
    incoming: [{ type: 'imap', host: 'imap.test.example', security, auth }],
    outgoing: [{ host: 'smtp.test.example' }],
  }), 'a@test.example').mail.IncomingMailServerAuthentication
  t.equal(cramOnly('tls', ['password-encrypted']), 'EmailAuthCRAMMD5', 'CRAM-MD5 when it is the only password method')
  t.equal(cramOnly('plain', ['password-encrypted', 'password-cleartext']), 'EmailAuthCRAMMD5', 'and on a plain connection, where the password would go in the clear')
  t.equal(cramOnly('tls', ['password-cleartext', 'password-encrypted']), 'EmailAuthPassword', 'the provider\'s own first choice')

  const ntlm = profile({ ...example, incoming: example.incoming.slice(1) }, 'a@example.com').mail
  t.match(ntlm, { IncomingMailServerHostName: 'imap.example.com', IncomingMailServerPortNumber: 143, IncomingMailServerUseSSL: false, IncomingMailServerAuthentication: 'EmailAuthNTLM' },
    'gssapi has no Apple value; NTLM has')
  t.equal(renderMobileconfig({ ...example, incoming: example.incoming.slice(2) }, { address: address('a@example.com') }), undefined,
    'a POP3 server that only takes client certificates cannot go into a profile')

  for (const [index, expected] of [[1, { OutgoingMailServerPortNumber: 587, OutgoingMailServerUseSSL: false, OutgoingMailServerAuthentication: 'EmailAuthPassword' }],
    [2, { OutgoingMailServerHostName: 'relay.example.com', OutgoingMailServerPortNumber: 25, OutgoingMailServerUseSSL: false, OutgoingMailServerAuthentication: 'EmailAuthNone' }]] as const) {
    t.match(profile({ ...example, outgoing: example.outgoing.slice(index) }, 'a@example.com').mail, expected, `outgoing from server ${index}`)
  }
})

t.test('servers only the provider\'s own network may use come last, whatever their security', async (t) => {
  const mail = profile(make({
    incoming: [{ type: 'imap', host: 'imap.test.example' }],
    outgoing: [
      { host: 'relay.test.example', security: 'tls', auth: ['client-ip-address'], restriction: 'client-ip-address' },
      { host: 'office.test.example', security: 'tls', auth: ['client-ip-address'] },
      { host: 'smtp.test.example', security: 'starttls' },
    ],
  }), 'a@test.example').mail
  t.match(mail, { OutgoingMailServerHostName: 'smtp.test.example', OutgoingMailServerPortNumber: 587, OutgoingMailServerAuthentication: 'EmailAuthPassword' },
    'the STARTTLS login server over the implicit-TLS relay and the network-admitted server')
  const onlyRelay = profile(make({
    incoming: [{ type: 'imap', host: 'imap.test.example' }],
    outgoing: [{ host: 'relay.test.example', security: 'tls', auth: ['client-ip-address'], restriction: 'client-ip-address' }],
  }), 'a@test.example').mail
  t.match(onlyRelay, { OutgoingMailServerHostName: 'relay.test.example', OutgoingMailServerAuthentication: 'EmailAuthNone' }, 'still taken when it is the only one')
})

t.test('a STARTTLS-only provider: its STARTTLS ports with UseSSL false', async (t) => {
  const { xml, mail } = profile(make({
    incoming: [{ type: 'imap', host: 'mail.test.example', security: 'starttls' }],
    outgoing: [{ host: 'mail.test.example', security: 'starttls' }],
  }), 'a@test.example')
  t.strictSame(strictProfileProblems(xml), [])
  t.match(mail, { IncomingMailServerPortNumber: 143, IncomingMailServerUseSSL: false, OutgoingMailServerPortNumber: 587, OutgoingMailServerUseSSL: false })
  const pop = profile(make({ incoming: [{ type: 'pop3', host: 'pop.test.example', security: 'starttls' }], outgoing: [{ host: 'smtp.test.example', security: 'starttls', port: 2525 }] }), 'a@test.example').mail
  t.match(pop, { EmailAccountType: 'EmailTypePOP', IncomingMailServerPortNumber: 110, IncomingMailServerUseSSL: false, OutgoingMailServerPortNumber: 2525, OutgoingMailServerUseSSL: false })
})

t.test('no profile when OAuth2 is the only way in, either direction', async (t) => {
  const tokensOnly = make({ incoming: [{ type: 'imap', host: 'imap.test.example', auth: ['oauth2'] }], outgoing: [{ host: 'smtp.test.example', auth: ['oauth2'] }] })
  t.equal(renderMobileconfig(tokensOnly, { address: address('a@test.example') }), undefined)
  t.equal(profileServers(tokensOnly), undefined)

  const outgoingTokensOnly = make({ incoming: [{ type: 'imap', host: 'imap.test.example' }], outgoing: [{ host: 'smtp.test.example', auth: ['oauth2'] }, { host: 'smtp.test.example', security: 'starttls', auth: ['oauth2'] }] })
  t.equal(renderMobileconfig(outgoingTokensOnly, { address: address('a@test.example') }), undefined, 'a profile that can receive but not send is not made')
  t.equal(profileServers(outgoingTokensOnly), undefined)

  const incomingTokensOnly = make({ incoming: [{ type: 'imap', host: 'imap.test.example', auth: ['oauth2'] }, { type: 'pop3', host: 'pop.test.example', auth: ['oauth2', 'gssapi'] }], outgoing: [{ host: 'smtp.test.example' }] })
  t.equal(renderMobileconfig(incomingTokensOnly, { address: address('a@test.example') }), undefined)
})

t.test('outgoing logins: none needs no username; different usernames are asked for separately', async (t) => {
  for (const auth of [['none'], ['client-ip-address'], ['smtp-after-pop'], ['oauth2', 'none']] as const) {
    const { xml, mail } = profile(make({ incoming: [{ type: 'imap', host: 'imap.test.example' }], outgoing: [{ host: 'relay.test.example', security: 'plain', port: 25, auth: [...auth] }] }), 'a@test.example')
    t.strictSame(strictProfileProblems(xml), [])
    t.equal(mail.OutgoingMailServerAuthentication, 'EmailAuthNone', auth.join())
    t.notOk('OutgoingMailServerUsername' in mail, `${auth.join()}: no outgoing username`)
    t.equal(mail.OutgoingPasswordSameAsIncomingPassword, false, `${auth.join()}: no outgoing password to share`)
    t.equal(mail.IncomingMailServerUsername, 'a@test.example')
  }

  const split = profile(make({
    incoming: [{ type: 'imap', host: 'imap.test.example', username: '%EMAILLOCALPART%' }],
    outgoing: [{ host: 'smtp.test.example' }],
  }), 'carol@test.example').mail
  t.match(split, { IncomingMailServerUsername: 'carol', OutgoingMailServerUsername: 'carol@test.example', OutgoingPasswordSameAsIncomingPassword: false })

  const shared = profile(make({
    incoming: [{ type: 'imap', host: 'imap.test.example', username: 'fixed-login' }],
    outgoing: [{ host: 'smtp.test.example', username: 'fixed-login', auth: ['ntlm'] }],
  }), 'carol@test.example').mail
  t.match(shared, { IncomingMailServerUsername: 'fixed-login', OutgoingMailServerUsername: 'fixed-login', OutgoingMailServerAuthentication: 'EmailAuthNTLM', OutgoingPasswordSameAsIncomingPassword: true })
})

t.test('placeholders are filled from the address', async (t) => {
  const example = await provider('example.com')
  const pop = { ...example.incoming[2]!, auth: ['password-cleartext' as const] }
  const { xml, mail } = profile({ ...example, incoming: [pop] }, 'bob@Example.NET')
  t.strictSame(strictProfileProblems(xml), [])
  t.match(mail, {
    EmailAccountType: 'EmailTypePOP',
    EmailAddress: 'bob@example.net',
    IncomingMailServerHostName: 'pop.example.net',
    IncomingMailServerPortNumber: 1995,
    IncomingMailServerUseSSL: false,
    IncomingMailServerUsername: 'bob',
    IncomingMailServerAuthentication: 'EmailAuthPassword',
    OutgoingMailServerUsername: 'bob@example.net',
    OutgoingPasswordSameAsIncomingPassword: false,
  })
  t.notMatch(xml, /%EMAIL/, 'no placeholder is left')

  const hosted = profile(make({
    incoming: [{ type: 'imap', host: 'imap.%EMAILDOMAIN%', username: '%EMAILLOCALPART%+%EMAILDOMAIN%' }],
    outgoing: [{ host: 'smtp.%EMAILDOMAIN%' }],
    calendar: { url: 'https://dav.test.example/%EMAILDOMAIN%/%EMAILLOCALPART%/', username: '%EMAILLOCALPART%' },
  }), 'dave@customer.example')
  t.match(hosted.mail, { IncomingMailServerHostName: 'imap.customer.example', IncomingMailServerUsername: 'dave+customer.example', OutgoingMailServerHostName: 'smtp.customer.example' })
  t.match(hosted.caldav, { CalDAVPrincipalURL: 'https://dav.test.example/customer.example/dave/', CalDAVUsername: 'dave' })
})

t.test('CalDAV and CardDAV: host, port, TLS, URL and username from the service', async (t) => {
  const dav = (calendar: string, addressBook: string): Rendered => profile(make({
    incoming: [{ type: 'imap', host: 'imap.test.example' }],
    outgoing: [{ host: 'smtp.test.example' }],
    calendar: { url: calendar },
    addressBook: { url: addressBook, username: '%EMAILLOCALPART%', auth: ['oauth2', 'http-digest'] },
  }), 'erin@test.example')

  const explicit = dav('https://cal.test.example:8443/dav/%EMAILADDRESS%/', 'http://card.test.example:8008/book/')
  t.strictSame(strictProfileProblems(explicit.xml), [])
  t.match(explicit.caldav, { CalDAVHostName: 'cal.test.example', CalDAVPort: 8443, CalDAVUseSSL: true, CalDAVPrincipalURL: 'https://cal.test.example:8443/dav/erin@test.example/', CalDAVUsername: 'erin@test.example' })
  t.match(explicit.carddav, { CardDAVHostName: 'card.test.example', CardDAVPort: 8008, CardDAVUseSSL: false, CardDAVPrincipalURL: 'http://card.test.example:8008/book/', CardDAVUsername: 'erin' },
    'a service that also takes a password gets its payload')
  t.equal(explicit.top.PayloadDescription, 'Sets up erin@test.example in Apple Mail, Calendar, Contacts. Mail asks for the password when the profile is installed; the profile holds none.')

  const defaults = dav('https://cal.test.example:443/', 'http://card.test.example/')
  t.match(defaults.caldav, { CalDAVPort: 443, CalDAVUseSSL: true, CalDAVPrincipalURL: 'https://cal.test.example/' })
  t.match(defaults.carddav, { CardDAVPort: 80, CardDAVUseSSL: false })
  t.match(defaults.xml, /<key>CardDAVPort<\/key>\s*<integer>80<\/integer>/)

  const odd = dav('https://calendar:s3cret@[2001:db8::1]:8443/dav/', 'https://[2001:db8::2]/book/')
  t.strictSame(strictProfileProblems(odd.xml), [])
  t.match(odd.caldav, { CalDAVHostName: '2001:db8::1', CalDAVPort: 8443, CalDAVPrincipalURL: 'https://[2001:db8::1]:8443/dav/' },
    'an IPv6 host without its brackets; credentials in a provider\'s URL never reach the profile')
  t.notMatch(odd.xml, /s3cret/)
  t.match(odd.carddav, { CardDAVHostName: '2001:db8::2', CardDAVPort: 443 })
})

t.test('a DAV service that only takes OAuth2 gets no payload', async (t) => {
  const base = { incoming: [{ type: 'imap' as const, host: 'imap.test.example' }], outgoing: [{ host: 'smtp.test.example' }] }
  const contactsOnly = profile(make({ ...base, calendar: { url: 'https://dav.test.example/cal/', auth: ['oauth2'] }, addressBook: { url: 'https://dav.test.example/card/' } }), 'a@test.example')
  t.strictSame(strictProfileProblems(contactsOnly.xml), [])
  t.equal(contactsOnly.caldav, undefined)
  t.match(contactsOnly.carddav, { CardDAVHostName: 'dav.test.example', CardDAVUsername: 'a@test.example' })
  t.strictSame(payloadsOf(contactsOnly.top).map((payload) => payload.PayloadType), ['com.apple.mail.managed', 'com.apple.carddav.account'])
  t.match(contactsOnly.top.PayloadDescription, /^Sets up a@test\.example in Apple Mail, Contacts\. /)

  const calendarOnly = profile(make({ ...base, calendar: { url: 'https://dav.test.example/cal/' }, addressBook: { url: 'https://dav.test.example/card/', auth: ['oauth2'] } }), 'a@test.example')
  t.strictSame(payloadsOf(calendarOnly.top).map((payload) => payload.PayloadType), ['com.apple.mail.managed', 'com.apple.caldav.account'])
  t.match(calendarOnly.top.PayloadDescription, /^Sets up a@test\.example in Apple Mail, Calendar\. /)

  const gmail = profile(await provider('gmail', BUNDLED_DIR), 'a@gmail.com')
  t.equal(gmail.caldav, undefined)
  t.equal(gmail.carddav, undefined)
  t.notMatch(gmail.xml, /DAV/)
})

t.test('identifiers and UUIDs: stable per provider and address, distinct otherwise', async (t) => {
  const example = await provider('example.com')
  const minimal = await provider('minimal')
  const alice = profile(example, 'alice@example.com')
  t.equal(render(example, 'alice@example.com'), alice.xml, 'the same provider and address give the same bytes')
  for (const payload of [alice.top, ...payloadsOf(alice.top)]) {
    t.match(payload.PayloadUUID, UUID_FORMAT)
    t.equal(payload.PayloadUUID, String(payload.PayloadUUID).toUpperCase(), 'upper case, as uuidgen writes them')
  }

  const shouting = profile(example, 'ALICE@Example.COM')
  t.strictSame(identities(shouting.top), identities(alice.top), 'letter case makes no other profile')
  t.equal(shouting.mail.EmailAddress, 'ALICE@example.com', 'the address is shown as typed (the domain normalised)')

  const bob = profile(example, 'bob@example.com')
  t.equal(new Set([...identities(alice.top), ...identities(bob.top)]).size, 16, 'another address: every UUID and identifier differs')
  t.not(bob.top.PayloadIdentifier, alice.top.PayloadIdentifier)

  const otherProvider = profile(minimal, 'alice@example.com')
  const sameProviderOtherId = profile({ ...example, id: 'example.org' }, 'alice@example.com')
  for (const other of [otherProvider, sameProviderOtherId]) {
    const ours = identities(alice.top)
    const theirs = identities(other.top)
    t.equal(theirs.filter((value) => ours.includes(value)).length, 0, 'another provider for the same address: nothing shared')
  }

  const idn = profile(example, 'jürgen@Bücher.Example')
  t.equal(idn.top.PayloadIdentifier, `example.xn--bcher-kva.mail-autoconfig.${uuidOf('example.com:jürgen@xn--bcher-kva.example')}`, 'reverse DNS of the A-label domain')
  t.strictSame(strictProfileProblems(idn.xml), [])
})

t.test('hostile local parts round-trip exactly and are always escaped', async (t) => {
  const example = await provider('example.com')
  const locals: Array<[string, string]> = [
    ["a&'b", "a%26'b"],
    ["o'brien", "o'brien"],
    ['100%', '100%25'],
    ['a/b?c#d', 'a%2Fb%3Fc%23d'],
    ['me+tag', 'me%2Btag'],
    ['&amp', '%26amp'],
    ['jürgen', 'j%C3%BCrgen'],
    ['😀', '%F0%9F%98%80'],
    ['{x}|~!$*=^`', '%7Bx%7D%7C~!%24*%3D%5E%60'],
  ]
  for (const [local, encoded] of locals) {
    const email = `${local}@example.com`
    const { xml, top, mail, caldav, carddav } = profile(example, email)
    t.strictSame(strictProfileProblems(xml), [], local)
    t.equal(mail.EmailAddress, email, `${local}: EmailAddress`)
    t.equal(mail.IncomingMailServerUsername, email)
    t.equal(mail.OutgoingMailServerUsername, email)
    t.equal(caldav!.CalDAVUsername, local, `${local}: the local part alone`)
    t.equal(carddav!.CardDAVUsername, email)
    t.equal(carddav!.CardDAVPrincipalURL, `https://dav.example.com/carddav/${encoded}@example.com/`, `${local}: percent-encoded in the URL, kept inside its path segment`)
    t.equal(top.PayloadDisplayName, `${EXAMPLE_NAME} (${email})`)
    t.match(top.PayloadDescription, `Sets up ${email} in Apple Mail`)
    t.notMatch(xml, /&(?!amp;|lt;|gt;|quot;|apos;)/, `${local}: no unescaped &`)
  }
  t.match(render(example, "a&'b@example.com"), "<string>a&amp;'b@example.com</string>")
  t.match(render(example, '&amp@example.com'), '<string>&amp;amp@example.com</string>', 'text that looks like an entity is escaped too')
})

t.test('a provider name with <>&" round-trips and is escaped', async (t) => {
  const { xml, top, mail, caldav, carddav } = profile(await provider('example.com'), 'a@example.com')
  t.equal(top.PayloadOrganization, EXAMPLE_NAME)
  t.equal(mail.EmailAccountDescription, EXAMPLE_NAME)
  t.equal(caldav!.CalDAVAccountDescription, `${EXAMPLE_NAME} calendar`)
  t.equal(carddav!.CardDAVAccountDescription, `${EXAMPLE_NAME} contacts`)
  t.match(xml, '<string>Example &lt;Mail&gt; &amp; "Co"</string>')
  t.notMatch(xml, '<Mail>')
  const quoted = profile(make({ name: '</string><key>IncomingPassword</key><string>x', incoming: [{ type: 'imap', host: 'imap.test.example' }], outgoing: [{ host: 'smtp.test.example' }] }), 'a@test.example')
  t.strictSame(strictProfileProblems(quoted.xml), [], 'markup in a name cannot add a key')
  t.equal(quoted.mail.EmailAccountDescription, '</string><key>IncomingPassword</key><string>x')
  t.notOk('IncomingPassword' in quoted.mail)
})

t.test('a lone surrogate or U+FFFF in the local part becomes U+FFFD; the document stays well-formed', async (t) => {
  const example = await provider('example.com')
  const locals: Array<[string, string]> = [['a\uD800b', 'a\uFFFDb'], ['\uDC00x', '\uFFFDx'], ['a\uFFFFb', 'a\uFFFDb'], ['\uFFFE', '\uFFFD']]
  for (const [local, shown] of locals) {
    const email = `${local}@example.com`
    let xml: string
    try {
      xml = render(example, email)
    } catch (error) {
      t.fail(`${JSON.stringify(local)}: ${String(error)}`)
      continue
    }
    t.strictSame(strictProfileProblems(xml), [], JSON.stringify(local))
    const { mail, caldav, carddav } = profile(example, email)
    t.equal(mail.EmailAddress, `${shown}@example.com`)
    t.equal(caldav!.CalDAVUsername, shown)
    t.equal(carddav!.CardDAVPrincipalURL, `https://dav.example.com/carddav/${encodeURIComponent(shown)}@example.com/`)
    t.equal(xml, render(example, `${shown}@example.com`), 'the profile is the one for the address it shows')
  }
})

t.test('install notes: the enable step and URL, and the OAuth2 note only where OAuth2 comes first', async (t) => {
  const base = { incoming: [{ type: 'imap' as const, host: 'imap.test.example' }], outgoing: [{ host: 'smtp.test.example' }] }
  const summary = 'Sets up a@test.example in Apple Mail. Mail asks for the password when the profile is installed; the profile holds none.'
  const description = (input: Omit<ProviderInput, 'name' | 'domains'>): unknown => profile(make(input), 'a@test.example').top.PayloadDescription

  t.equal(description({ ...base, enable: { url: 'https://test.example/enable' } }), `https://test.example/enable\n\n${summary}`, 'a URL alone')
  t.equal(description({ ...base, enable: { instructions: [{ lang: 'de', text: 'Erst einschalten' }, { lang: 'en-GB', text: 'Switch it on' }] } }), `Switch it on\n\n${summary}`, 'English wins over the first text')
  t.equal(description({ ...base, enable: { instructions: [{ lang: 'de', text: 'Erst einschalten' }, { lang: 'fr', text: 'Activez' }] } }), `Erst einschalten\n\n${summary}`, 'else the first text')
  t.equal(description({ ...base, enable: {} }), summary, 'an empty enable section adds nothing')

  const oauthNote = /prefers OAuth2 sign-in/
  t.notMatch(description({ incoming: [{ type: 'imap', host: 'imap.test.example', auth: ['password-cleartext', 'oauth2'] }], outgoing: [{ host: 'smtp.test.example', auth: ['password-cleartext', 'oauth2'] }] }), oauthNote,
    'OAuth2 offered second is no preference')
  t.match(description({ incoming: [{ type: 'imap', host: 'imap.test.example', auth: ['oauth2', 'password-cleartext'] }], outgoing: [{ host: 'smtp.test.example' }] }), oauthNote, 'incoming prefers OAuth2')
  t.match(description({ incoming: [{ type: 'imap', host: 'imap.test.example' }], outgoing: [{ host: 'smtp.test.example', auth: ['oauth2', 'password-cleartext'] }] }), oauthNote, 'outgoing prefers OAuth2')
  t.notMatch(description({ incoming: [{ type: 'imap', host: 'imap.test.example' }, { type: 'imap', host: 'imap2.test.example', auth: ['oauth2', 'password-cleartext'] }], outgoing: [{ host: 'smtp.test.example' }] }), oauthNote,
    'a server not in the profile says nothing')
})
