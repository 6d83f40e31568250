import t from 'tap'
import { XMLValidator } from 'fast-xml-parser'
import { loadProviders } from '../../src/catalog/load.ts'
import { parseEmailAddress, type EmailAddress } from '../../src/model/email-address.ts'
import { providerSchema, type Provider, type ProviderInput } from '../../src/model/provider.ts'
import {
  AUTH_REQUIRED, autodiscoverAction, ENCRYPTION, PROTOCOL_TYPE, renderAutodiscover, renderAutodiscoverRedirect,
  renderAutodiscoverSettings, SPA, SSL,
} from '../../src/render/autodiscover.ts'
import { FIXTURES_DIR, parseXml, VALID_PROVIDERS_DIR } from '../helper.ts'

const ARRAYS = ['Protocol']
const ROOT_NS = 'http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006'
const OUTLOOK_2006A = 'http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a'

function address (text: string): EmailAddress {
  const parsed = parseEmailAddress(text)
  if (parsed === undefined) throw new Error(`${text} must parse`)
  return parsed
}

async function fixtureProvider (dir: string, id: string): Promise<Provider> {
  const loaded = await loadProviders(dir)
  if (!loaded.ok) throw new Error('fixtures must load')
  return loaded.catalog.providers.get(id)!
}

function provider (input: Partial<ProviderInput>): Provider {
  return {
    ...providerSchema.parse({
      name: 'Test',
      domains: ['test.example'],
      incoming: [{ type: 'imap', host: 'imap.test.example' }],
      outgoing: [{ host: 'smtp.test.example' }],
      ...input,
    }),
    id: 'test',
  }
}

/** Renders the settings answer and parses it back, checking it is well-formed first. */
function settings (p: Provider, who = 'alice@test.example'): any {
  const xml = renderAutodiscoverSettings(p, { address: address(who), schema: 'outlook-2006a' })
  if (XMLValidator.validate(xml) !== true) throw new Error(`not well-formed: ${xml}`)
  return parseXml(xml, ARRAYS).Autodiscover.Response
}

t.test('vocabulary tables, as MS-OXDSCLI spells them', async (t) => {
  t.same(PROTOCOL_TYPE, { imap: 'IMAP', pop3: 'POP3', smtp: 'SMTP' }, 'POP3, never POP')
  t.same(SSL, { tls: 'on', starttls: 'on', plain: 'off' })
  t.same(ENCRYPTION, { tls: 'SSL', starttls: 'TLS', plain: 'None' })
  t.same(Object.entries(SPA).filter(([, v]) => v === 'on').map(([k]) => k), ['ntlm', 'gssapi'])
  t.same(Object.entries(AUTH_REQUIRED).filter(([, v]) => v === 'off').map(([k]) => k), ['client-ip-address', 'smtp-after-pop', 'none'])
})

t.test('security modes: SSL and Encryption, with the reason for each', async (t) => {
  const cases: Array<[ProviderInput['incoming'][number], string, string, string, string]> = [
    [{ type: 'imap', host: 'h.test', security: 'tls' }, '993', 'on', 'SSL', 'implicit TLS on 993 is Outlook\'s "SSL/TLS"; TLS here would make it wait for STARTTLS'],
    [{ type: 'imap', host: 'h.test', security: 'starttls' }, '143', 'on', 'TLS', 'STARTTLS on 143 is Encryption TLS, still an encrypted logon (SSL on)'],
    [{ type: 'imap', host: 'h.test', security: 'plain' }, '143', 'off', 'None', 'plain is the only case with SSL off'],
    [{ type: 'pop3', host: 'h.test', security: 'tls' }, '995', 'on', 'SSL', 'POP3 over implicit TLS'],
    [{ type: 'pop3', host: 'h.test', security: 'starttls', port: 1110 }, '1110', 'on', 'TLS', 'an explicit port is kept'],
  ]
  for (const [server, port, ssl, encryption, reason] of cases) {
    const [protocol] = settings(provider({ incoming: [server] })).Account.Protocol
    t.same([protocol.Port, protocol.SSL, protocol.Encryption], [port, ssl, encryption], reason)
  }
  const smtp = settings(provider({ outgoing: [{ host: 's.test', security: 'tls' }, { host: 's.test', security: 'starttls' }, { host: 's.test', security: 'plain', port: 25 }] })).Account.Protocol.slice(1)
  t.same(smtp.map((p: any) => [p.Port, p.SSL, p.Encryption]), [['465', 'on', 'SSL'], ['587', 'on', 'TLS'], ['25', 'off', 'None']], 'SMTP: 465 implicit TLS, 587 STARTTLS, 25 plain')
})

t.test('authentication: SPA, AuthRequired, UsePOPAuth and SMTPLast, with the reason for each', async (t) => {
  const incoming: Array<[ProviderInput['incoming'][number]['auth'], string, string, string]> = [
    [undefined, 'off', 'on', 'the default, a password, is not SPA; SPA on would make Outlook try NTLM'],
    [['password-encrypted'], 'off', 'on', 'CRAM-MD5 and SCRAM are not what Outlook calls SPA'],
    [['oauth2', 'password-cleartext'], 'off', 'on', 'OAuth2 cannot be expressed; the password still works'],
    [['ntlm'], 'on', 'on', 'NTLM is Secure Password Authentication'],
    [['gssapi'], 'on', 'on', 'Kerberos is Secure Password Authentication'],
    [['password-cleartext', 'ntlm'], 'on', 'on', 'a server that offers NTLM accepts it'],
    [['tls-client-cert'], 'off', 'on', 'a certificate is still a login'],
  ]
  for (const [auth, spa, authRequired, reason] of incoming) {
    const [protocol] = settings(provider({ incoming: [{ type: 'imap', host: 'h.test', ...(auth === undefined ? {} : { auth }) }] })).Account.Protocol
    t.same([protocol.SPA, protocol.AuthRequired, protocol.DomainRequired], [spa, authRequired, 'off'], reason)
  }

  const outgoing: Array<[ProviderInput['outgoing'][number], string, string, string, string]> = [
    [{ host: 's.test' }, 'on', 'on', 'off', 'SMTP AUTH with the incoming login: reuse its credentials'],
    [{ host: 's.test', username: '%EMAILLOCALPART%' }, 'on', 'off', 'off', 'a different SMTP login name: LoginName carries it, not the incoming credentials'],
    [{ host: 's.test', auth: ['client-ip-address'] }, 'off', 'off', 'off', 'admitted by network: no login at all'],
    [{ host: 's.test', auth: ['none'] }, 'off', 'off', 'off', 'an open submission port'],
    [{ host: 's.test', auth: ['smtp-after-pop'] }, 'off', 'off', 'on', 'SMTP after POP: download before sending, no SMTP login'],
    [{ host: 's.test', auth: ['password-cleartext', 'smtp-after-pop'] }, 'on', 'on', 'on', 'either way works'],
  ]
  for (const [server, authRequired, usePopAuth, smtpLast, reason] of outgoing) {
    const smtp = settings(provider({ outgoing: [server] })).Account.Protocol[1]
    t.same([smtp.AuthRequired, smtp.UsePOPAuth, smtp.SMTPLast, smtp.SPA], [authRequired, usePopAuth, smtpLast, 'off'], reason)
  }
})

t.test('every element of a settings answer, servers in preference order, placeholders filled in', async (t) => {
  const example = await fixtureProvider(VALID_PROVIDERS_DIR, 'example.com')
  const xml = renderAutodiscover(example, { address: address('Alice.B@Example.NET'), schema: 'outlook-2006a' })
  t.equal(XMLValidator.validate(xml), true, 'well-formed')
  t.ok(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006">'))
  const { Autodiscover: root } = parseXml(xml, ARRAYS)
  t.equal(root['@_xmlns'], ROOT_NS)
  t.equal(root.Response['@_xmlns'], OUTLOOK_2006A)
  t.same(root.Response.User, { DisplayName: 'Alice.B@example.net', AutoDiscoverSMTPAddress: 'Alice.B@example.net' }, 'the local part keeps its case; the domain is normalised')
  t.same([root.Response.Account.AccountType, root.Response.Account.Action], ['email', 'settings'])
  const common = { DomainRequired: 'off' }
  t.same(root.Response.Account.Protocol, [
    { Type: 'IMAP', Server: 'imap.example.com', Port: '993', ...common, LoginName: 'Alice.B@example.net', SPA: 'off', SSL: 'on', Encryption: 'SSL', AuthRequired: 'on' },
    { Type: 'IMAP', Server: 'imap.example.com', Port: '143', ...common, LoginName: 'Alice.B@example.net', SPA: 'on', SSL: 'on', Encryption: 'TLS', AuthRequired: 'on' },
    { Type: 'POP3', Server: 'pop.example.net', Port: '1995', ...common, LoginName: 'Alice.B', SPA: 'off', SSL: 'off', Encryption: 'None', AuthRequired: 'on' },
    { Type: 'SMTP', Server: 'smtp.example.com', Port: '465', ...common, LoginName: 'Alice.B@example.net', SPA: 'off', SSL: 'on', Encryption: 'SSL', AuthRequired: 'on', UsePOPAuth: 'on', SMTPLast: 'off' },
    { Type: 'SMTP', Server: 'smtp.example.com', Port: '587', ...common, LoginName: 'Alice.B@example.net', SPA: 'off', SSL: 'on', Encryption: 'TLS', AuthRequired: 'on', UsePOPAuth: 'on', SMTPLast: 'off' },
    { Type: 'SMTP', Server: 'relay.example.com', Port: '25', ...common, LoginName: 'Alice.B@example.net', SPA: 'off', SSL: 'off', Encryption: 'None', AuthRequired: 'off', UsePOPAuth: 'off', SMTPLast: 'on' },
  ])
  t.match(xml, /<Encryption>SSL<\/Encryption>\n\s+<AuthRequired>/, 'Encryption follows SSL, which it overrides')
})

t.test('the response namespace follows the schema asked for', async (t) => {
  const p = provider({})
  const xml = renderAutodiscoverSettings(p, { address: address('a@test.example'), schema: 'outlook-2006' })
  t.equal(parseXml(xml).Autodiscover.Response['@_xmlns'], 'http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006')
})

t.test('redirects: redirectUrl to another server, redirectAddr to another address, never to the same address', async (t) => {
  const example = await fixtureProvider(VALID_PROVIDERS_DIR, 'example.com')
  t.same(autodiscoverAction(example, address('alice@example.com')), { action: 'redirectAddr', address: 'alice@example.net' })
  t.same(autodiscoverAction(example, address('ALICE@example.net')), { action: 'settings' }, '%EMAILLOCALPART%@example.net for an example.net address would loop')
  const redirectAddr = parseXml(renderAutodiscover(example, { address: address('alice@example.com'), schema: 'outlook-2006a' })).Autodiscover
  t.same(redirectAddr.Response, {
    '@_xmlns': OUTLOOK_2006A,
    Account: { AccountType: 'email', Action: 'redirectAddr', RedirectAddr: 'alice@example.net' },
  })

  const hosted = await fixtureProvider(`${FIXTURES_DIR}/providers/autodiscover`, 'exchange-online')
  t.same(autodiscoverAction(hosted, address('bob@hosted.test')), { action: 'redirectUrl', url: 'https://autodiscover-s.outlook.com/autodiscover/autodiscover.xml' }, 'redirectUrl wins over redirectAddr')
  const redirectUrl = parseXml(renderAutodiscover(hosted, { address: address('bob@hosted.test'), schema: 'outlook-2006a' })).Autodiscover
  t.same(redirectUrl.Response.Account, { AccountType: 'email', Action: 'redirectUrl', RedirectUrl: 'https://autodiscover-s.outlook.com/autodiscover/autodiscover.xml' })

  const escaped = renderAutodiscoverRedirect({ action: 'redirectAddr', address: 'a&b@x.test' }, 'outlook-2006a')
  t.match(escaped, '<RedirectAddr>a&amp;b@x.test</RedirectAddr>')
})

t.test('addresses and provider text with markup characters stay escaped and well-formed', async (t) => {
  const markup = await fixtureProvider(`${FIXTURES_DIR}/providers/autodiscover`, 'markup')
  const odd: EmailAddress = { localPart: 'x<&"\'>y', domain: 'markup.test', address: 'x<&"\'>y@markup.test' }
  const xml = renderAutodiscoverSettings(markup, { address: odd, schema: 'outlook-2006a' })
  t.equal(XMLValidator.validate(xml), true)
  t.match(xml, '<LoginName>&lt;&amp;&quot;&apos;&gt;x&lt;&amp;&quot;&apos;&gt;y+markup.test</LoginName>')
  const response = parseXml(xml, ARRAYS).Autodiscover.Response
  t.equal(response.User.DisplayName, 'x<&"\'>y@markup.test')
  t.same(response.Account.Protocol.map((p: any) => [p.Type, p.Server, p.LoginName]), [
    ['POP3', 'pop.markup.test', '<&"\'>x<&"\'>y+markup.test'],
    ['IMAP', 'imap.markup.test', 'x<&"\'>y@markup.test'],
    ['SMTP', 'smtp.markup.test', 'x<&"\'>y@markup.test&smtp'],
  ])
  t.equal(response.Account.Protocol[2].UsePOPAuth, 'off', 'the SMTP login differs from the first incoming one')
})
