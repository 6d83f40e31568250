import t from 'tap'
import { loadProviders } from '../../src/catalog/load.ts'
import { parseEmailAddress } from '../../src/model/email-address.ts'
import type { MailServer, Provider } from '../../src/model/provider.ts'
import { apiLookup } from '../../src/render/api.ts'
import { addressProblem, providerLanguages, settingsPage, type SettingsPageContext } from '../../src/render/settings-page.ts'
import { BUNDLED_DIR, parseXml, VALID_PROVIDERS_DIR } from '../helper.ts'

async function providers (dir: string): Promise<Map<string, Provider>> {
  const loaded = await loadProviders(dir)
  if (!loaded.ok) throw new Error(`${dir} must load`)
  return new Map(loaded.catalog.providers)
}

const PROFILE_URL = 'https://ac.test/mobileconfig?emailaddress=bob%40sub.example.org'

function context (email: string, match: SettingsPageContext['match'], language = 'en', appleProfileUrl = PROFILE_URL): SettingsPageContext {
  return { address: parseEmailAddress(email)!, match, language, appleProfileUrl }
}

t.test('every field, for a provider file that uses every feature, read in German', async (t) => {
  const example = (await providers(VALID_PROVIDERS_DIR)).get('example.com')!
  const match = { matchedBy: 'wildcard', pattern: '*.example.org', domain: 'sub.example.org' } as const
  const { appleProfile, ...view } = await settingsPage(example, context('bob@Sub.Example.ORG', match, 'de'))
  t.same(view, {
    email: 'bob@sub.example.org',
    providerName: 'Example <Mail> & "Co"',
    howMatched: 'sub.example.org is under *.example.org, which Example <Mail> & "Co" serves.',
    language: 'de',
    imap: [
      { protocol: 'IMAP', host: 'imap.example.com', port: 993, encryption: 'SSL/TLS', username: 'bob@sub.example.org', authentication: ['Encrypted password', 'Normal password'], preferred: true, providerNetworkOnly: false },
      { protocol: 'IMAP', host: 'imap.example.com', port: 143, encryption: 'STARTTLS', username: 'bob@sub.example.org', authentication: ['Kerberos / GSSAPI', 'NTLM'], preferred: false, providerNetworkOnly: false },
    ],
    pop3: [
      { protocol: 'POP3', host: 'pop.sub.example.org', port: 1995, encryption: 'None', username: 'bob', authentication: ['TLS Certificate'], preferred: true, providerNetworkOnly: false },
    ],
    smtp: [
      { protocol: 'SMTP', host: 'smtp.example.com', port: 465, encryption: 'SSL/TLS', username: 'bob@sub.example.org', authentication: ['OAuth2', 'Normal password'], preferred: true, providerNetworkOnly: false },
      { protocol: 'SMTP', host: 'smtp.example.com', port: 587, encryption: 'STARTTLS', username: 'bob@sub.example.org', authentication: ['Normal password'], preferred: false, providerNetworkOnly: false },
      {
        protocol: 'SMTP',
        host: 'relay.example.com',
        port: 25,
        encryption: 'None',
        username: undefined,
        authentication: ['No authentication (the provider\'s own network is let in)', 'No authentication (check incoming mail first: SMTP after POP)', 'No authentication'],
        preferred: false,
        providerNetworkOnly: true,
      },
    ],
    enable: { instructions: { text: 'Zuerst IMAP einschalten', lang: 'de' }, url: 'https://example.com/settings?tab=imap&x=<1>' },
    documentation: [
      // No German description: the untagged one, before falling back to the English one.
      { url: 'https://example.com/help', text: 'Help', lang: 'en' },
      // No description at all: the link shows its address.
      { url: 'http://example.com/old', text: 'http://example.com/old', lang: undefined },
    ],
    webmail: 'https://webmail.example.com/',
    signsInWithOAuth2: false,
  })
  t.equal(appleProfile!.url, PROFILE_URL)
  t.match(appleProfile!.qrCode, /^data:image\/svg\+xml;base64,[A-Za-z0-9+/]+=*$/)
  const svg = parseXml(Buffer.from(appleProfile!.qrCode.split(',')[1]!, 'base64').toString('utf8'))
  t.match(svg.svg['@_viewBox'], /^0 0 \d+ \d+$/, 'an SVG image (the browser test reads the code back)')
})

t.test('the page\'s values are the JSON API lookup\'s values for the same address', async (t) => {
  for (const [id, provider] of [...await providers(BUNDLED_DIR), ...await providers(VALID_PROVIDERS_DIR)]) {
    const address = parseEmailAddress(`someone@${provider.domains[0]!.replace('*.', 'sub.')}`)!
    const match = { matchedBy: 'exact', pattern: address.domain, domain: address.domain } as const
    const view = await settingsPage(provider, context(address.address, match))
    const lookup = apiLookup(provider, { address, match, links: { autoconfig: '', autodiscover: '' } })
    const hostsAndLogins = (servers: readonly MailServer[]) => servers.map((s) => [s.host, s.port, s.auth.some((m) => !['none', 'client-ip-address', 'smtp-after-pop'].includes(m)) ? s.username : undefined])
    t.same([...view.imap, ...view.pop3].map((s) => [s.host, s.port, s.username]),
      hostsAndLogins([...lookup.incoming.filter((s) => s.type === 'imap'), ...lookup.incoming.filter((s) => s.type === 'pop3')]), `${id}: incoming`)
    t.same(view.smtp.map((s) => [s.host, s.port, s.username]), hostsAndLogins(lookup.outgoing), `${id}: outgoing`)
    t.equal(view.webmail, lookup.webmail?.loginPage, `${id}: webmail`)
  }
})

t.test('Gmail as its help article gives it, in English; OAuth2 first means the provider\'s sign-in page', async (t) => {
  const gmail = (await providers(BUNDLED_DIR)).get('gmail')!
  const view = await settingsPage(gmail, context('alice@gmail.com', { matchedBy: 'exact', pattern: 'gmail.com', domain: 'gmail.com' }))
  t.same(view.imap.map((s) => [s.host, s.port, s.encryption]), [['imap.gmail.com', 993, 'SSL/TLS']])
  t.same(view.smtp.map((s) => [s.host, s.port, s.encryption]), [['smtp.gmail.com', 465, 'SSL/TLS'], ['smtp.gmail.com', 587, 'STARTTLS']])
  t.equal(view.imap[0]!.username, 'alice@gmail.com')
  t.same(view.imap[0]!.authentication, ['OAuth2', 'Normal password'])
  t.equal(view.howMatched, 'gmail.com is one of Google Mail\'s domains.')
  t.equal(view.enable?.url, 'https://mail.google.com/mail/u/0/#settings/fwdandpop')
  t.match(view.enable?.instructions, { lang: 'en', text: /enable IMAP in Gmail/ })
  t.equal(view.signsInWithOAuth2, true)
})

t.test('a domain found by MX says which provider hosts it and through which MX host', async (t) => {
  const gmail = (await providers(BUNDLED_DIR)).get('gmail')!
  const view = await settingsPage(gmail, context('bob@startup.example', { matchedBy: 'mx', pattern: '*.google.com', domain: 'startup.example', mxHost: 'aspmx.l.google.com' }))
  t.equal(view.howMatched, 'startup.example is hosted by Google Mail: its mail goes to aspmx.l.google.com (found by its MX record).')
  t.equal(view.imap[0]!.username, 'bob@startup.example')
})

t.test('languages: English first, then those of the file\'s texts, each once', async (t) => {
  const all = await providers(BUNDLED_DIR)
  t.same(providerLanguages(all.get('gmail')!), ['en'])
  t.same(providerLanguages(all.get('gmx')!), ['en', 'de'])
  t.same(providerLanguages((await providers(VALID_PROVIDERS_DIR)).get('example.com')!), ['en', 'de'])
})

t.test('the reason an address is refused, for every way parseEmailAddress refuses one', async (t) => {
  const cases: Array<[string, RegExp, string]> = [
    ['', /^Type your e-mail address/, 'nothing typed'],
    ['   ', /^Type your e-mail address/, 'only spaces'],
    ['alice', /has an @ between the name and the domain/, 'no @'],
    ['@example.com', /part before the @ too/, 'no local part'],
    ['alice@', /after the @ is not a domain name/, 'no domain'],
    ['alice@localhost', /after the @ is not a domain name/, 'a domain without a dot'],
    ['alice@exa mple.com', /after the @ is not a domain name/, 'a space in the domain'],
    ['al ice@example.com', /before the @ is not valid/, 'a space in the local part'],
    ['a@b@example.com', /before the @ is not valid/, 'two @'],
    ['.alice@example.com', /before the @ is not valid/, 'a leading dot'],
    [`${'a'.repeat(250)}@example.com`, /at most 254 characters/, 'too long'],
  ]
  for (const [text, reason, why] of cases) {
    t.equal(parseEmailAddress(text), undefined, `${why}: refused`)
    t.match(addressProblem(text), reason, why)
  }
})
