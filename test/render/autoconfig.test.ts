import t from 'tap'
import { XMLValidator } from 'fast-xml-parser'
import { loadProviders } from '../../src/catalog/load.ts'
import type { Provider } from '../../src/model/provider.ts'
import { AUTHENTICATION, renderAutoconfig, SOCKET_TYPE } from '../../src/render/autoconfig.ts'
import { parseXml, VALID_PROVIDERS_DIR } from '../helper.ts'

const ARRAYS = ['domain', 'incomingServer', 'outgoingServer', 'authentication', 'documentation', 'descr', 'instruction']

async function provider (id: string): Promise<Provider> {
  const loaded = await loadProviders(VALID_PROVIDERS_DIR)
  if (!loaded.ok) throw new Error('valid fixtures must load')
  return loaded.catalog.providers.get(id)!
}

t.test('vocabulary tables use the exact spellings Thunderbird matches', async (t) => {
  t.same(SOCKET_TYPE, { tls: 'SSL', starttls: 'STARTTLS', plain: 'plain' })
  t.equal(AUTHENTICATION.oauth2, 'OAuth2')
  t.equal(AUTHENTICATION['client-ip-address'], 'client-IP-address')
  t.equal(AUTHENTICATION['tls-client-cert'], 'TLS-client-cert')
})

t.test('every field of the model comes back out of the document', async (t) => {
  const xml = renderAutoconfig(await provider('example.com'))
  t.equal(XMLValidator.validate(xml), true, 'well-formed')
  t.ok(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<clientConfig version="1.1">'))
  const { clientConfig: root } = parseXml(xml, ARRAYS)
  t.equal(root['@_version'], '1.1')
  const ep = root.emailProvider
  t.equal(ep['@_id'], 'example.com')
  t.same(ep.domain, ['example.com', 'example.net', 'xn--bcher-kva.example', { '#text': 'hosting.example', '@_purpose': 'mx' }, { '#text': 'mx.hosting.example', '@_purpose': 'mx' }],
    'exact domains only (wildcards are not hostnames), then each mx entry\'s MX domain once, leaving out one already listed (mx2.example.com)')
  t.equal(ep.displayName, 'Example <Mail> & "Co"', 'escaped in, unescaped out')
  t.equal(ep.displayShortName, 'Example')

  t.same(ep.incomingServer, [
    { '@_type': 'imap', hostname: 'imap.example.com', port: '993', socketType: 'SSL', username: '%EMAILADDRESS%', authentication: ['password-encrypted', 'password-cleartext'] },
    { '@_type': 'imap', hostname: 'imap.example.com', port: '143', socketType: 'STARTTLS', username: '%EMAILADDRESS%', authentication: ['GSSAPI', 'NTLM'] },
    {
      '@_type': 'pop3',
      hostname: 'pop.%EMAILDOMAIN%',
      port: '1995',
      socketType: 'plain',
      username: '%EMAILLOCALPART%',
      authentication: ['TLS-client-cert'],
      pop3: { leaveMessagesOnServer: 'false', downloadOnBiff: 'true', daysToLeaveMessagesOnServer: '7', checkInterval: { '@_minutes': '15' } },
    },
  ])
  t.same(ep.outgoingServer, [
    { '@_type': 'smtp', hostname: 'smtp.example.com', port: '465', socketType: 'SSL', username: '%EMAILADDRESS%', authentication: ['OAuth2', 'password-cleartext'] },
    { '@_type': 'smtp', hostname: 'smtp.example.com', port: '587', socketType: 'STARTTLS', username: '%EMAILADDRESS%', authentication: ['password-cleartext'] },
    { '@_type': 'smtp', hostname: 'relay.example.com', port: '25', socketType: 'plain', username: '%EMAILADDRESS%', authentication: ['client-IP-address', 'smtp-after-pop', 'none'], restriction: 'client-IP-address' },
  ])
  t.same(ep.documentation, [
    { '@_url': 'https://example.com/help', descr: [{ '@_lang': 'en', '#text': 'Help' }, 'Hilfe ohne Sprache'] },
    { '@_url': 'http://example.com/old' },
  ])
  t.same(ep.enable, {
    '@_visiturl': 'https://example.com/settings?tab=imap&x=<1>',
    instruction: [{ '@_lang': 'en', '#text': 'Turn on IMAP & POP "first"' }, { '@_lang': 'de', '#text': 'Zuerst IMAP einschalten' }],
  })
  t.same(root.webMail, {
    loginPage: { '@_url': 'https://webmail.example.com/' },
    loginPageInfo: {
      '@_url': 'https://webmail.example.com/login',
      '@_waitForRedirectionURLPrefix': 'https://sso.example.com/',
      username: '%EMAILADDRESS%',
      usernameField: { '@_id': 'user', '@_name': 'username' },
      passwordField: { '@_name': 'password' },
      loginButton: '',
    },
  })
  t.same(root.oAuth2, { issuer: 'auth.example.com', scope: 'mail offline_access', authURL: 'https://auth.example.com/authorize', tokenURL: 'https://auth.example.com/token' })
  t.same(root.addressBook, { '@_type': 'carddav', username: '%EMAILADDRESS%', authentication: ['http-basic'], serverURL: 'https://dav.example.com/carddav/%EMAILADDRESS%/' })
  t.same(root.calendar, { '@_type': 'caldav', username: '%EMAILLOCALPART%', authentication: ['http-digest', 'OAuth2'], serverURL: 'https://dav.example.com/caldav/' })
})

t.test('raw markup never survives: special characters are escaped in text and attributes', async (t) => {
  const xml = renderAutoconfig(await provider('example.com'))
  t.match(xml, '<displayName>Example &lt;Mail&gt; &amp; &quot;Co&quot;</displayName>')
  t.match(xml, 'visiturl="https://example.com/settings?tab=imap&amp;x=&lt;1&gt;"')
})

t.test('a minimal provider renders only what it has', async (t) => {
  const xml = renderAutoconfig(await provider('minimal'))
  const { clientConfig: root } = parseXml(xml, ARRAYS)
  t.same(Object.keys(root), ['emailProvider', '@_version'])
  t.same(Object.keys(root.emailProvider), ['domain', 'displayName', 'incomingServer', 'outgoingServer', '@_id'])
  t.same(root.emailProvider.incomingServer, [{ '@_type': 'imap', hostname: 'mail.minimal.test', port: '993', socketType: 'SSL', username: '%EMAILADDRESS%', authentication: ['password-cleartext'] }])
})

t.test('a wildcard match lists the asked domain first; rendering is deterministic', async (t) => {
  const example = await provider('example.com')
  const { clientConfig: root } = parseXml(renderAutoconfig(example, { domain: 'sub.example.org' }), ARRAYS)
  t.same(root.emailProvider.domain, ['sub.example.org', 'example.com', 'example.net', 'xn--bcher-kva.example', { '#text': 'hosting.example', '@_purpose': 'mx' }, { '#text': 'mx.hosting.example', '@_purpose': 'mx' }])
  t.equal(renderAutoconfig(example, { domain: 'example.com' }), renderAutoconfig(example), 'a listed domain is not repeated')
  t.equal(renderAutoconfig(example), renderAutoconfig(example))
})
