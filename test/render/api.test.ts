import t from 'tap'
import { loadProviders } from '../../src/catalog/load.ts'
import { parseEmailAddress } from '../../src/model/email-address.ts'
import type { Provider } from '../../src/model/provider.ts'
import { apiLookup, apiMatch, apiProvider, providerRef, providerSummary } from '../../src/render/api.ts'
import { VALID_PROVIDERS_DIR } from '../helper.ts'

async function providers (): Promise<Map<string, Provider>> {
  const loaded = await loadProviders(VALID_PROVIDERS_DIR)
  if (!loaded.ok) throw new Error('fixtures must load')
  return new Map(loaded.catalog.providers)
}

const links = { autoconfig: 'https://ac.test/mail/config-v1.1.xml?emailaddress=bob%40sub.example.org', autodiscover: 'https://ac.test/autodiscover/autodiscover.xml' }

t.test('a lookup fills every template for the address and keeps everything else', async (t) => {
  const example = (await providers()).get('example.com')!
  const address = parseEmailAddress('bob@Sub.Example.ORG')!
  const lookup = apiLookup(example, { address, match: { matchedBy: 'wildcard', pattern: '*.example.org' }, links })
  t.equal(lookup.email, 'bob@sub.example.org')
  t.equal(lookup.domain, 'sub.example.org')
  t.same(lookup.match, { by: 'wildcard', pattern: '*.example.org' })
  t.same(lookup.provider, { id: 'example.com', name: 'Example <Mail> & "Co"', shortName: 'Example' })
  t.same(lookup.links, links)
  t.same(lookup.incoming.map((s) => [s.type, s.host, s.port, s.security, s.auth, s.username]), [
    ['imap', 'imap.example.com', 993, 'tls', ['password-encrypted', 'password-cleartext'], 'bob@sub.example.org'],
    ['imap', 'imap.example.com', 143, 'starttls', ['gssapi', 'ntlm'], 'bob@sub.example.org'],
    ['pop3', 'pop.sub.example.org', 1995, 'plain', ['tls-client-cert'], 'bob'],
  ])
  t.same(lookup.incoming[2]!.pop3, { leaveMessagesOnServer: false, downloadOnBiff: true, daysToLeaveMessagesOnServer: 7, checkIntervalMinutes: 15 })
  t.same(lookup.outgoing.map((s) => [s.host, s.port, s.security, s.auth, s.username, s.restriction]), [
    ['smtp.example.com', 465, 'tls', ['oauth2', 'password-cleartext'], 'bob@sub.example.org', undefined],
    ['smtp.example.com', 587, 'starttls', ['password-cleartext'], 'bob@sub.example.org', undefined],
    ['relay.example.com', 25, 'plain', ['client-ip-address', 'smtp-after-pop', 'none'], 'bob@sub.example.org', 'client-ip-address'],
  ])
  t.same(lookup.addressBook, { url: 'https://dav.example.com/carddav/bob@sub.example.org/', username: 'bob@sub.example.org', auth: ['http-basic'] })
  t.same(lookup.calendar, { url: 'https://dav.example.com/caldav/', username: 'bob', auth: ['http-digest', 'oauth2'] })
  t.equal(lookup.webmail?.loginPageInfo?.username, 'bob@sub.example.org')
  t.same(lookup.webmail?.loginPageInfo?.usernameField, { id: 'user', name: 'username' })
  t.equal(lookup.webmail?.loginPage, 'https://webmail.example.com/')
  t.same(lookup.enable, example.enable)
  t.same(lookup.documentation, example.documentation)
  t.same(lookup.oauth2, example.oauth2)
  t.notOk('autodiscover' in lookup, 'autodiscover behaviour is not part of a lookup')
})

t.test('the provider is never changed; each address gets its own values', async (t) => {
  const example = (await providers()).get('example.com')!
  const before = structuredClone(example)
  const match = { matchedBy: 'exact', pattern: 'example.com' } as const
  const first = apiLookup(example, { address: parseEmailAddress('a@example.com')!, match, links })
  const second = apiLookup(example, { address: parseEmailAddress('z@example.com')!, match, links })
  t.same(example, before, 'templates stay in the provider')
  t.equal(first.incoming[0]!.username, 'a@example.com')
  t.equal(second.incoming[0]!.username, 'z@example.com')
})

t.test('a provider without optional services gets none', async (t) => {
  const minimal = (await providers()).get('minimal')!
  const fixedLogin: Provider = { ...minimal, incoming: [{ ...minimal.incoming[0]!, username: 'shared-login' }] }
  const lookup = apiLookup(fixedLogin, { address: parseEmailAddress('x@minimal.test')!, match: { matchedBy: 'exact', pattern: 'minimal.test' }, links })
  t.same(lookup.incoming[0], fixedLogin.incoming[0], 'a login without placeholders is kept as it is')
  t.equal(lookup.outgoing[0]!.username, 'x@minimal.test', 'the default %EMAILADDRESS% is filled')
  t.equal(lookup.addressBook, undefined)
  t.equal(lookup.webmail, undefined)
})

t.test('webmail URLs with placeholders are filled, URL-encoded', async (t) => {
  const minimal = (await providers()).get('minimal')!
  const hosted: Provider = {
    ...minimal,
    webmail: {
      loginPage: 'https://login.%EMAILDOMAIN%/?user=%EMAILLOCALPART%',
      loginPageInfo: { url: 'https://login.%EMAILDOMAIN%/form', username: '%EMAILLOCALPART%', waitForRedirectionUrlPrefix: 'https://sso.example/' },
    },
  }
  const lookup = apiLookup(hosted, { address: parseEmailAddress('a&b@customer.example')!, match: { matchedBy: 'exact', pattern: 'customer.example' }, links })
  t.same(lookup.webmail, {
    loginPage: 'https://login.customer.example/?user=a%26b',
    loginPageInfo: { url: 'https://login.customer.example/form', username: 'a&b', waitForRedirectionUrlPrefix: 'https://sso.example/' },
  })
  t.equal(hosted.webmail?.loginPage, 'https://login.%EMAILDOMAIN%/?user=%EMAILLOCALPART%', 'the provider keeps its templates')
  const pageOnly: Provider = { ...minimal, webmail: { loginPage: 'https://%EMAILDOMAIN%/mail' } }
  t.same(apiLookup(pageOnly, { address: parseEmailAddress('x@y.example')!, match: { matchedBy: 'exact', pattern: 'y.example' }, links }).webmail, { loginPage: 'https://y.example/mail' })
})

t.test('provider document, summary and reference', async (t) => {
  const all = await providers()
  const example = all.get('example.com')!
  t.equal(apiProvider(example), example, 'the document is the validated provider, placeholders intact')
  t.equal(apiProvider(example).incoming[2]!.host, 'pop.%EMAILDOMAIN%')
  t.same(providerSummary(example), { id: 'example.com', name: 'Example <Mail> & "Co"', shortName: 'Example', domains: ['example.com', 'example.net', 'xn--bcher-kva.example', '*.example.org'] })
  t.same(providerSummary(all.get('minimal')!), { id: 'minimal', name: 'Minimal Mail', domains: ['minimal.test'] }, 'no shortName member when there is none')
  t.same(providerRef(all.get('minimal')!), { id: 'minimal', name: 'Minimal Mail' })
})

t.test('a match names its kind and pattern, and for an MX match the MX host', async (t) => {
  t.same(apiMatch({ matchedBy: 'exact', pattern: 'example.com' }), { by: 'exact', pattern: 'example.com' })
  t.same(apiMatch({ matchedBy: 'mx', pattern: '*.mx.hosting.example', mxHost: 'a.mx.hosting.example' }), { by: 'mx', pattern: '*.mx.hosting.example', mxHost: 'a.mx.hosting.example' })
  t.same(apiProvider((await providers()).get('example.com')!).mx, ['mx1.hosting.example', '*.mx.hosting.example', 'mx2.example.com'], 'the provider document has its mx entries, normalised')
})
