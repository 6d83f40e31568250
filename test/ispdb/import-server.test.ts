import t from 'tap'
import { formatNote, ImportLog } from '../../src/ispdb/import-log.ts'
import { importServer, repairPlaceholders, type Direction } from '../../src/ispdb/import-server.ts'
import { readXml } from '../../src/ispdb/read-xml.ts'

function convert (xml: string, direction: Direction = xml.startsWith('<outgoing') ? 'outgoing' : 'incoming') {
  const log = new ImportLog()
  const result = importServer(readXml(xml).root, direction, log, '%EMAILLOCALPART%')
  return { server: result?.server, notes: log.sorted().map((note) => formatNote('s.xml', note).replace(/^s\.xml:1: /, '')) }
}

const body = (inner: string) => `<hostname>mail.example.com</hostname><port>993</port><socketType>SSL</socketType><username>%EMAILADDRESS%</username>${inner}`
const imap = (inner: string, type = 'imap') => `<incomingServer type="${type}">${body(inner)}</incomingServer>`
const PASSWORD = '<authentication>password-cleartext</authentication>'
const OK_IMAP = { type: 'imap', host: 'mail.example.com', port: 993, security: 'tls', auth: ['password-cleartext'], username: '%EMAILADDRESS%' }

// One case per line: the element, the notes it gives, and the server (undefined: not carried over).
const CASES: Array<[string, string, string[], Record<string, unknown> | undefined]> = [
  ['a plain IMAP server', imap(PASSWORD), [], OK_IMAP],
  ['type in capitals', imap(PASSWORD, 'IMAP'), ['fixed: type="IMAP" read as "imap" (Thunderbird matches the lower-case name only)'], OK_IMAP],
  ['legacy exchange type', imap(PASSWORD, 'exchange'), ['dropped: <incomingServer type="exchange">: the legacy combined Exchange entry (owaURL/ewsURL) for Exchange add-ons; the provider model describes IMAP, POP3 and SMTP servers only, so this server (and its contents) was not carried over'], undefined],
  ['news server', imap(PASSWORD, 'nntp'), ['dropped: <incomingServer type="nntp">: a news server, not a mailbox; the provider model describes IMAP, POP3 and SMTP servers only, so this server (and its contents) was not carried over'], undefined],
  ['unknown type', imap(PASSWORD, 'carrier-pigeon'), ['dropped: <incomingServer type="carrier-pigeon">: not a server type of the autoconfig format; the provider model describes IMAP, POP3 and SMTP servers only, so this server (and its contents) was not carried over'], undefined],
  ['incoming without type', `<incomingServer>${body(PASSWORD)}</incomingServer>`, ['dropped: <incomingServer> without type: Thunderbird skips it, and so does the import'], undefined],
  ['deprecated "secure"', imap('<authentication>secure</authentication>'), ['fixed: <authentication> "secure" read as password-encrypted: "secure" is the deprecated name of password-encrypted (Thunderbird 3.0)'], { ...OK_IMAP, auth: ['password-encrypted'] }],
  ['mis-cased OAuth2', imap('<authentication>oauth2</authentication>'), ['fixed: <authentication> "oauth2" read as OAuth2 (Thunderbird matches the exact spelling only)'], { ...OK_IMAP, auth: ['oauth2'] }],
  ['"none" on incoming', imap(`<authentication>none</authentication>${PASSWORD}`), ['dropped: <authentication> none on an incoming server: it means "no login", which only an outgoing server can offer'], OK_IMAP],
  ['no usable method', imap('<authentication>kerberos-please</authentication>'), [
    'dropped: <authentication> "kerberos-please" is not an authentication method of the autoconfig format',
    'dropped: <incomingServer type="imap"> not carried over: none of its <authentication> methods is usable here (Thunderbird skips such a server)',
  ], undefined],
  ['no <authentication> at all', imap(''), ['fixed: <incomingServer type="imap"> has no <authentication>: password-cleartext assumed'], OK_IMAP],
  ['socketType in lower case', imap(PASSWORD).replace('SSL', 'ssl'), ['fixed: <socketType> "ssl" read as SSL (Thunderbird matches the exact spelling only)'], OK_IMAP],
  ['socketType TLS', imap(PASSWORD).replace('SSL', 'TLS'), [
    'dropped: <socketType> "TLS" is not SSL, STARTTLS or plain',
    'dropped: <incomingServer type="imap"> not carried over: it has no usable <socketType> (Thunderbird skips such a server)',
  ], undefined],
  ['port out of range', imap(PASSWORD).replace('993', '99999'), ['dropped: <incomingServer type="imap"> not carried over: its <port> "99999" is not a number from 1 to 65535'], undefined],
  ['bad hostname', imap(PASSWORD).replace('mail.example.com', 'mail_server'), ['dropped: <incomingServer type="imap"> not carried over: host: "mail_server" is not a valid hostname'], undefined],
  ['no hostname', imap(PASSWORD).replace('<hostname>mail.example.com</hostname>', ''), ['dropped: <incomingServer type="imap"> not carried over: it has no <hostname>'], undefined],
  ['pop3 options on IMAP', imap(`${PASSWORD}<pop3><leaveMessagesOnServer>true</leaveMessagesOnServer></pop3>`), ['dropped: <pop3> options on a imap server have no effect'], OK_IMAP],
  ['bad pop3 values', imap(`${PASSWORD}<pop3><daysToLeaveMessagesOnServer>soon</daysToLeaveMessagesOnServer><downloadOnBiff>yes</downloadOnBiff><downloadOnBiff>false</downloadOnBiff></pop3>`, 'pop3'), [
    'dropped: <daysToLeaveMessagesOnServer> "soon" is not a whole number of at least 0',
    'dropped: <downloadOnBiff> "yes" is not true or false',
    'dropped: a second <downloadOnBiff> ("false"): Thunderbird reads only the first',
  ], { ...OK_IMAP, type: 'pop3' }],
  ['restriction on incoming', imap(`${PASSWORD}<restriction>client-IP-address</restriction>`), ['dropped: <restriction> "client-IP-address": only client-IP-address on an outgoing server is defined'], OK_IMAP],
  ['Exchange URLs on IMAP', imap(`${PASSWORD}<ewsURL>https://x/ews</ewsURL>`), ['dropped: <ewsURL> "https://x/ews" on a imap server: only Exchange-type servers use it'], OK_IMAP],
  ['a preferred-server flag', imap(`${PASSWORD}<useGlobalPreferredServer>true</useGlobalPreferredServer>`), ['dropped: <useGlobalPreferredServer> "true": whether a client uses its default outgoing server is the user\'s choice, not the provider\'s; the model has no such field'], OK_IMAP],
  ['outgoing without type', `<outgoingServer>${body(PASSWORD).replace('993', '587')}</outgoingServer>`, ['fixed: <outgoingServer> without type: read as type="smtp", the only outgoing type'], { host: 'mail.example.com', port: 587, security: 'tls', auth: ['password-cleartext'], username: '%EMAILADDRESS%' }],
  ['outgoing of another type', `<outgoingServer type="imap">${body(PASSWORD)}</outgoingServer>`, ['dropped: <outgoingServer type="imap">: outgoing servers are SMTP; this one was not carried over'], undefined],
  ['outgoing without port', `<outgoingServer type="smtp">${body(PASSWORD).replace('<port>993</port>', '')}</outgoingServer>`, ['dropped: <outgoingServer type="smtp"> not carried over: it has no <port>, which Thunderbird requires on an outgoing server'], undefined],
  ['SMTP-after-POP as the spec spells it', `<outgoingServer type="smtp">${body('<authentication>SMTP-after-POP</authentication>')}</outgoingServer>`, ['fixed: <authentication> "SMTP-after-POP" read as smtp-after-pop: the spec spells it SMTP-after-POP, but Thunderbird matches only smtp-after-pop'], { host: 'mail.example.com', port: 993, security: 'tls', auth: ['smtp-after-pop'], username: '%EMAILADDRESS%' }],
  ['login without username', `<outgoingServer type="smtp"><hostname>smtp.example.com</hostname><port>465</port><socketType>SSL</socketType>${PASSWORD}</outgoingServer>`, ['fixed: <outgoingServer type="smtp"> logs in but has no <username> (Thunderbird would send the text "undefined"); using %EMAILLOCALPART%, the login of the first incoming server'], { host: 'smtp.example.com', port: 465, security: 'tls', auth: ['password-cleartext'], username: '%EMAILLOCALPART%' }],
  ['a comment in a dropped server', imap('<!-- keep? --><authentication>bogus</authentication>'), [
    'dropped: <authentication> "bogus" is not an authentication method of the autoconfig format',
    'dropped: comment "keep?": it introduced <authentication>, which was not carried over',
    'dropped: <incomingServer type="imap"> not carried over: none of its <authentication> methods is usable here (Thunderbird skips such a server)',
  ], undefined],
]

t.test('servers: what is carried over, fixed or dropped, and why', async (t) => {
  for (const [name, xml, notes, server] of CASES) {
    const result = convert(xml)
    t.same(result.notes, notes, `${name}: notes`)
    t.same(result.server, server, `${name}: server`)
  }
})

t.test('placeholders: broken or mis-cased ones are repaired and reported, others left alone', async (t) => {
  const repair = (value: string) => {
    const log = new ImportLog()
    return [repairPlaceholders(value, 4, '<username>', log), log.notes.map((note) => note.message)]
  }
  t.same(repair('%EMAILADDRESS'), ['%EMAILADDRESS%', ['<username> "%EMAILADDRESS": placeholder %EMAILADDRESS lacks its closing "%"; written as %EMAILADDRESS% (clients replace only the exact name and would send the text literally)']])
  t.same(repair('%emaillocalpart%@corp'), ['%EMAILLOCALPART%@corp', ['<username> "%emaillocalpart%@corp": placeholder %emaillocalpart% is mis-cased; written as %EMAILLOCALPART% (clients replace only the exact name and would send the text literally)']])
  t.same(repair('%EMAILLOCALPART%.%EMAILDOMAIN%'), ['%EMAILLOCALPART%.%EMAILDOMAIN%', []])
  t.same(repair('%UNKNOWN%'), ['%UNKNOWN%', []], 'not a placeholder we know; the model rejects it with its own reason')
})
