import { parseHTML } from 'linkedom'
import t from 'tap'
import { buildApp } from '../../../src/app.ts'
import { loadProviders } from '../../../src/catalog/load.ts'
import { catalogResolver, ProviderLookup } from '../../../src/catalog/lookup.ts'
import { mxDomainResolver } from '../../../src/dns/mx-domain-resolver.ts'
import { MxResolver } from '../../../src/dns/mx-resolver.ts'
import { Readiness } from '../../../src/http/plugins/readiness.ts'
import { PAGE_CSP } from '../../../src/http/plugins/security-headers.ts'
import type { Provider } from '../../../src/model/provider.ts'
import { startDnsServer } from '../../dns/support.ts'
import { BUNDLED_DIR, build, OAUTH_ONLY_PROVIDERS_DIR, VALID_PROVIDERS_DIR } from '../../helper.ts'

const BASE = 'https://autoconfig.example.net'

/** The words each security mode must appear as, written out here rather than taken from the code under test. */
const ENCRYPTION = { tls: 'SSL/TLS', starttls: 'STARTTLS', plain: 'None' } as const

async function provider (dir: string, id: string): Promise<Provider> {
  const loaded = await loadProviders(dir)
  if (!loaded.ok) throw new Error(`${dir} must load`)
  return loaded.catalog.providers.get(id)!
}

type Page = ReturnType<typeof parseHTML>['document']

function documentOf (html: string): Page {
  return parseHTML(html).document
}

/** Each server table as its caption and its rows, label → text. */
function serverTables (document: Page): Array<{ caption: string, rows: Record<string, string> }> {
  return [...document.querySelectorAll('table.server')].map((table) => ({
    caption: table.querySelector('caption')!.textContent!.trim(),
    rows: Object.fromEntries([...table.querySelectorAll('tr')].map((row) => [row.querySelector('th')!.textContent!.trim(), row.querySelector('td')!.textContent!.trim()])),
  }))
}

/** What the page must show for each of a provider's servers, from the provider file itself. */
function expectedTables (provider: Provider, username: (template: string) => string) {
  const table = (server: Provider['incoming'][number] | Provider['outgoing'][number], first: boolean) => ({
    caption: `${server.type.toUpperCase()} server${first ? '' : ', alternative'}`,
    rows: { Server: server.host, Port: String(server.port), Encryption: ENCRYPTION[server.security], Username: username(server.username) },
  })
  const ofType = (servers: ReadonlyArray<Provider['incoming'][number] | Provider['outgoing'][number]>, type: string) =>
    servers.filter((s) => s.type === type).map((s, i) => table(s, i === 0))
  return [...ofType(provider.incoming, 'imap'), ...ofType(provider.incoming, 'pop3'), ...ofType(provider.outgoing, 'smtp')]
}

t.test('GET / is the form: one field, one button, submitting to /settings by GET', async (t) => {
  const app = await build(t, { rateLimit: false })
  const res = await app.inject({ url: '/' })
  t.equal(res.statusCode, 200)
  t.match(res.headers, { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': PAGE_CSP })
  const document = documentOf(res.body)
  const form = document.querySelector('form')!
  t.equal(form.getAttribute('action'), '/settings')
  t.equal(form.getAttribute('method'), 'get')
  t.same([...form.querySelectorAll('input')].map((input) => [input.getAttribute('name'), input.getAttribute('value')]), [['email', '']])
  t.equal(form.querySelectorAll('button').length, 1)
  t.equal(document.querySelector('label[for="email"]')?.textContent, 'Your e-mail address')

  const head = await app.inject({ method: 'HEAD', url: '/' })
  t.equal(head.statusCode, 200)
  t.equal(head.body, '')
  t.equal(head.headers['content-type'], 'text/html; charset=utf-8')
})

t.test('Gmail: every server of the provider file, as a person types it, with the enable step and the links', async (t) => {
  const gmail = await provider(BUNDLED_DIR, 'gmail')
  const app = await build(t, { rateLimit: false, publicBaseUrl: BASE })
  const res = await app.inject({ url: '/settings?email=alice@gmail.com' })
  t.equal(res.statusCode, 200)
  t.match(res.headers, { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': PAGE_CSP, 'cache-control': 'public, max-age=300', vary: 'Accept-Language' })
  const document = documentOf(res.body)
  t.equal(document.querySelector('h1')!.textContent, 'Mail settings for alice@gmail.com')
  t.match(document.querySelector('.lead')!.textContent, 'Google Mail runs this mailbox. gmail.com is one of Google Mail\'s domains.')

  const tables = serverTables(document)
  t.same(tables.map((table) => ({ ...table, rows: { ...table.rows, Authentication: undefined } })),
    expectedTables(gmail, () => 'alice@gmail.com').map((table) => ({ ...table, rows: { ...table.rows, Authentication: undefined } })))
  t.same(tables.map((table) => table.rows.Authentication), ['OAuth2, or Normal password', 'OAuth2, or Normal password', 'OAuth2, or Normal password', 'OAuth2, or Normal password'])
  t.same(tables.map((table) => table.caption), ['IMAP server', 'POP3 server', 'SMTP server', 'SMTP server, alternative'])

  const enable = document.querySelector('.enable')!
  t.equal(enable.querySelector('p[lang="en"]')!.textContent, gmail.enable!.instructions[0]!.text)
  t.equal(enable.querySelector('a')!.getAttribute('href'), gmail.enable!.url)
  const links = [...document.querySelectorAll('#more-heading + ul a')].map((a) => [a.getAttribute('href'), a.textContent])
  t.same(links, [
    ...gmail.documentation.map((doc) => [doc.url, doc.descriptions[0]!.text]),
    [gmail.webmail!.loginPage, 'Webmail'],
  ])

  const profile = `${BASE}/mobileconfig?emailaddress=alice%40gmail.com`
  t.equal(document.querySelector('.apple a')!.getAttribute('href'), profile)
  const qr = document.querySelector('.apple img')!
  t.match(qr.getAttribute('src'), /^data:image\/svg\+xml;base64,/)
  t.equal(qr.getAttribute('alt'), `QR code of the profile's address, ${profile}`)
  t.same([...document.querySelectorAll('.client h3')].map((h) => h.textContent), ['Thunderbird', 'Outlook', 'Apple Mail (iPhone, iPad, Mac)', 'Android'])
  t.match(document.querySelector('.clients')!.textContent, 'Google Mail\'s sign-in page opens', 'OAuth2 first: the provider\'s sign-in page')
  t.same([...document.querySelectorAll('[data-copy]')].map((value) => value.textContent), tables.flatMap((table) => [table.rows.Server, table.rows.Port, table.rows.Username]),
    'every host, port and username is marked for a copy button')

  const head = await app.inject({ method: 'HEAD', url: '/settings?email=alice@gmail.com' })
  t.equal(head.statusCode, 200)
  t.equal(head.body, '')
})

t.test('placeholders filled for the address, every kind of server, and the provider\'s hostile name escaped', async (t) => {
  const example = await provider(VALID_PROVIDERS_DIR, 'example.com')
  const app = await build(t, { rateLimit: false, providersDir: VALID_PROVIDERS_DIR, publicBaseUrl: BASE })
  const res = await app.inject({ url: '/settings?email=Bob@Sub.Example.ORG' })
  t.equal(res.statusCode, 200)
  const document = documentOf(res.body)
  const fill = (template: string) => template.replaceAll('%EMAILADDRESS%', 'Bob@sub.example.org').replaceAll('%EMAILLOCALPART%', 'Bob').replaceAll('%EMAILDOMAIN%', 'sub.example.org')
  const expected = expectedTables(example, fill).map((table) => ({ ...table, rows: { ...table.rows, Server: fill(table.rows.Server) } }))
  // The relay takes no login: no username to type.
  expected[expected.length - 1]!.rows.Username = 'none needed'
  t.same(serverTables(document).map(({ caption, rows: { Authentication: _auth, ...rows } }) => ({ caption, rows })), expected)
  t.match(document.querySelector('.lead')!.textContent, 'Example <Mail> & "Co" runs this mailbox. sub.example.org is under *.example.org, which Example <Mail> & "Co" serves.')
  t.notMatch(res.body, /<Mail>/, 'the name is escaped, not markup')
  t.match(document.querySelector('.note')!.textContent, 'Accepts mail only from Example <Mail> & "Co"\'s own network.')
  t.equal(document.querySelector('.enable a')!.getAttribute('href'), 'https://example.com/settings?tab=imap&x=<1>')
})

t.test('hostile addresses: echoed only as text, in the field and on the page', async (t) => {
  const app = await build(t, { rateLimit: false, publicBaseUrl: BASE })
  const refused = '"><script>alert(1)</script><img src=x onerror=alert(1)>@gmail.com'
  const bad = await app.inject({ url: `/settings?email=${encodeURIComponent(refused)}` })
  t.equal(bad.statusCode, 400)
  t.notMatch(bad.body, /<script>alert|<img src=x/)
  t.equal(documentOf(bad.body).querySelector('#email')!.getAttribute('value'), refused, 'the field holds what was typed, as a value')

  // Valid: a local part may hold ' & / ? # % = { } (RFC 5322 atext).
  const odd = "o'hara&co/x?#%={}@gmail.com"
  const ok = await app.inject({ url: `/settings?email=${encodeURIComponent(odd)}` })
  t.equal(ok.statusCode, 200)
  const document = documentOf(ok.body)
  t.equal(document.querySelector('h1 .address')!.textContent, odd)
  t.same(serverTables(document).map((table) => table.rows.Username), [odd, odd, odd, odd])
  t.equal(document.querySelector('.apple a')!.getAttribute('href'), `${BASE}/mobileconfig?emailaddress=${encodeURIComponent(odd)}`)
  t.equal(document.querySelector('title')!.textContent, `Mail settings for ${odd}`)
})

t.test('a custom domain found by its MX record: the page says which provider hosts it, and its settings', async (t) => {
  const dns = await startDnsServer(t, { 'smallshop.example': { mx: [{ exchange: 'aspmx.l.google.com', priority: 1 }] } })
  const loaded = await loadProviders(BUNDLED_DIR)
  if (!loaded.ok) throw new Error('bundled providers must load')
  const mx = new MxResolver({ servers: [dns.address], timeoutMs: 1000 })
  const app = await buildApp({ lookup: new ProviderLookup(loaded.catalog, [catalogResolver, mxDomainResolver(mx)]), rateLimit: false })
  t.teardown(() => app.close())
  const res = await app.inject({ url: '/settings?email=bob@smallshop.example' })
  t.equal(res.statusCode, 200)
  const document = documentOf(res.body)
  t.equal(document.querySelector('.lead .match')!.textContent, 'smallshop.example is hosted by Google Mail: its mail goes to aspmx.l.google.com (found by its MX record).')
  t.same(serverTables(document).map((table) => [table.rows.Server, table.rows.Username]), [
    ['imap.gmail.com', 'bob@smallshop.example'],
    ['pop.gmail.com', 'bob@smallshop.example'],
    ['smtp.gmail.com', 'bob@smallshop.example'],
    ['smtp.gmail.com', 'bob@smallshop.example'],
  ])
  t.equal(dns.queries.get('MX smallshop.example'), 1, 'asked DNS once')
})

t.test('a bad address: 400, the form again with what was typed, and the reason', async (t) => {
  const app = await build(t, { rateLimit: false })
  const cases: Array<[string, string, RegExp]> = [
    ['/settings?email=alice', 'alice', /has an @ between the name and the domain/],
    ['/settings?email=alice@localhost', 'alice@localhost', /after the @ is not a domain name/],
    ['/settings?email=', '', /^Type your e-mail address/],
    ['/settings', '', /^Type your e-mail address/],
    ['/settings?email=a@gmail.com&email=b@gmail.com', '', /^Type one e-mail address, not several/],
  ]
  for (const [url, value, reason] of cases) {
    const res = await app.inject({ url })
    t.equal(res.statusCode, 400, url)
    t.match(res.headers, { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': PAGE_CSP }, url)
    const document = documentOf(res.body)
    const input = document.querySelector('form #email')!
    t.equal(input.getAttribute('value'), value, `${url}: the field keeps what was typed`)
    t.equal(input.getAttribute('aria-invalid'), 'true')
    t.equal(input.getAttribute('aria-describedby'), 'email-problem')
    t.match(document.querySelector('#email-problem')!.textContent, reason, url)
  }
})

t.test('an unknown domain: 404, what to try, and the form with the address', async (t) => {
  const app = await build(t, { rateLimit: false })
  const res = await app.inject({ url: '/settings?email=alice@unknown.example' })
  t.equal(res.statusCode, 404)
  t.match(res.headers, { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': PAGE_CSP, 'cache-control': 'public, max-age=300' })
  const document = documentOf(res.body)
  t.equal(document.querySelector('h1')!.textContent, 'No settings for unknown.example')
  t.match(document.querySelector('main')!.textContent, 'search for “unknown.example IMAP settings”')
  t.ok(document.querySelectorAll('h2 + ul li').length >= 3, 'things to try')
  t.equal(document.querySelector('form #email')!.getAttribute('value'), 'alice@unknown.example')
  t.equal(document.querySelector('form #email')!.getAttribute('aria-invalid'), null)
})

t.test('Accept-Language picks the provider file\'s texts; English otherwise', async (t) => {
  const app = await build(t, { rateLimit: false })
  const enableText = async (acceptLanguage: string | undefined) => {
    const res = await app.inject({ url: '/settings?email=alice@gmx.de', headers: acceptLanguage === undefined ? {} : { 'accept-language': acceptLanguage } })
    t.match(res.headers.vary, /Accept-Language/)
    const p = documentOf(res.body).querySelector('.enable p[lang]')!
    return [p.getAttribute('lang'), p.textContent]
  }
  const gmx = await provider(BUNDLED_DIR, 'gmx')
  const [en, de] = gmx.enable!.instructions
  t.same(await enableText('de'), ['de', de!.text])
  t.same(await enableText('de-CH, en;q=0.5'), ['de', de!.text], 'a regional variant gets its language')
  t.same(await enableText('en;q=0.4, de;q=0.9'), ['de', de!.text], 'by q-value')
  t.same(await enableText('fr, en;q=0.9'), ['en', en!.text])
  t.same(await enableText('ja'), ['en', en!.text], 'a language the file lacks: English')
  t.same(await enableText(undefined), ['en', en!.text], 'no header: English')
  // GMX describes its help page in German only: shown in German, tagged so, whatever the reader's language.
  const doc = documentOf((await app.inject({ url: '/settings?email=alice@gmx.de' })).body).querySelector('#more-heading + ul a')!
  t.same([doc.getAttribute('lang'), doc.textContent], ['de', 'IMAP-Serverdaten'])
})

t.test('no inline script or style; every asset the page names is served from this origin', async (t) => {
  const app = await build(t, { rateLimit: false })
  for (const url of ['/', '/settings?email=alice@gmail.com', '/settings?email=nope', '/settings?email=a@unknown.example']) {
    const res = await app.inject({ url })
    t.notMatch(res.body, /<script>|<script [^>]*>[^<]|<style|\sstyle=|\son[a-z]+=/i, `${url}: nothing the policy would block`)
    t.equal(res.headers['content-security-policy'], PAGE_CSP)
    t.notMatch(PAGE_CSP, /unsafe-inline/)
    const document = documentOf(res.body)
    const assets = [...document.querySelectorAll('link[rel="stylesheet"], script[src]')].map((el) => el.getAttribute('href') ?? el.getAttribute('src')!)
    t.same(assets, ['/assets/settings.css', '/assets/copy.js'])
    for (const asset of assets) {
      const served = await app.inject({ url: asset })
      t.equal(served.statusCode, 200, asset)
      t.match(served.headers['content-type'], asset.endsWith('.css') ? /^text\/css/ : /^(application|text)\/javascript/)
      t.equal(served.headers['cache-control'], 'public, max-age=3600')
    }
  }
  t.equal((await app.inject({ url: '/assets/..%2f..%2fpackage.json' })).statusCode, 404, 'nothing outside the assets directory')
  t.equal((await app.inject({ url: '/assets/' })).statusCode, 404, 'no directory listing')
})

t.test('rate-limited like every route; held while providers load', async (t) => {
  const limited = await build(t, { rateLimit: { max: 2, timeWindowMs: 60_000 } })
  t.equal((await limited.inject({ url: '/' })).statusCode, 200)
  t.equal((await limited.inject({ url: '/settings?email=alice@gmail.com' })).statusCode, 200)
  const over = await limited.inject({ url: '/settings?email=alice@gmail.com' })
  t.equal(over.statusCode, 429)
  t.ok(over.headers['retry-after'])

  const loading = await build(t, { rateLimit: false, readiness: new Readiness('loading') })
  for (const url of ['/', '/settings?email=alice@gmail.com']) {
    const res = await loading.inject({ url })
    t.equal(res.statusCode, 503, url)
    t.equal(res.headers['retry-after'], '2')
  }
})

t.test('without PUBLIC_BASE_URL the profile link comes from the request, and the page says Vary: Host', async (t) => {
  const app = await build(t, { rateLimit: false })
  const res = await app.inject({ url: '/settings?email=alice@gmail.com', headers: { host: 'mail.example.org' } })
  t.equal(res.headers.vary, 'Host, Accept-Language')
  t.equal(documentOf(res.body).querySelector('.apple a')!.getAttribute('href'), 'http://mail.example.org/mobileconfig?emailaddress=alice%40gmail.com')
  const badHost = await app.inject({ url: '/settings?email=alice@gmail.com', headers: { host: 'a b' } })
  t.equal(badHost.statusCode, 400, 'a Host that is no host name is the client\'s error, never a 5xx')
})

t.test('the page routes are not in the API document', async (t) => {
  const app = await build(t, { rateLimit: false })
  const paths = Object.keys((app.swagger() as { paths: Record<string, unknown> }).paths)
  t.notOk(paths.includes('/'))
  t.notOk(paths.includes('/settings'))
  t.notOk(paths.some((path) => path.startsWith('/assets')), paths.join(' '))
})

t.test('a provider that only signs in with OAuth2 gets Apple Mail steps by hand, no profile link or QR code', async (t) => {
  const app = await build(t, { providersDir: OAUTH_ONLY_PROVIDERS_DIR, publicBaseUrl: BASE })
  const res = await app.inject({ url: '/settings?email=alice@tokens.example' })
  t.equal(res.statusCode, 200)
  const apple = documentOf(res.body).querySelector('.apple')!
  t.equal(apple.querySelector('a'), null, 'no link to a profile that would be a 404')
  t.equal(apple.querySelector('img'), null, 'no QR code')
  t.match(apple.textContent, 'No downloadable profile can set up Tokens Only Mail: its servers take no login a profile can express')
  t.match(apple.textContent, 'choose Tokens Only Mail if Mail lists it among its own account types', 'Mail\'s own account types are the way in, not typing the values')
})
