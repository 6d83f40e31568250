import t from 'tap'
import { Catalog } from '../../../src/catalog/catalog.ts'
import { decodeCursor, encodeCursor, providerIndex, ProviderIndex } from '../../../src/http/api/provider-index.ts'
import type { Provider } from '../../../src/model/provider.ts'

function provider (id: string, name: string, domains: string[], shortName?: string): Provider {
  const host = `mail.${domains[0]!.replace('*.', '')}`
  return {
    id,
    name,
    domains,
    ...(shortName === undefined ? {} : { shortName }),
    incoming: [{ type: 'imap', host, port: 993, security: 'tls', auth: ['password-cleartext'], username: '%EMAILADDRESS%' }],
    outgoing: [{ type: 'smtp', host, port: 465, security: 'tls', auth: ['password-cleartext'], username: '%EMAILADDRESS%' }],
    documentation: [],
  }
}

const PROVIDERS = [
  provider('zeta', 'Zeta Mail', ['zeta.example']),
  provider('alpha', 'Alpha', ['alpha.example', '*.alpha.example']),
  provider('buecher', 'Bücher Post', ['xn--bcher-kva.example'], 'Bücher'),
  provider('gamma', 'Gamma', ['gamma.example']),
  provider('beta', 'Beta', ['beta.example']),
]

const ids = (page: { items: Array<{ id: string }> }) => page.items.map((item) => item.id)

t.test('cursors round-trip and refuse anything this server did not make', async (t) => {
  for (const id of ['gmail', 'mail.com', 'a', 'x_y-z.0']) t.equal(decodeCursor(encodeCursor(id)), id, id)
  for (const bad of ['', 'zz', '!!!', encodeCursor('UPPER'), encodeCursor('../etc'), encodeCursor('a b'), `${encodeCursor('gmail')}=`, 'Z21haWw==', '%00']) {
    t.equal(decodeCursor(bad), undefined, JSON.stringify(bad))
  }
})

t.test('pages follow id order; the last page has no cursor', async (t) => {
  const index = new ProviderIndex(PROVIDERS)
  const first = index.page({ limit: 2 })
  t.same(ids(first), ['alpha', 'beta'])
  t.equal(decodeCursor(first.nextCursor!), 'beta')
  const second = index.page({ limit: 2, after: decodeCursor(first.nextCursor!) })
  t.same(ids(second), ['buecher', 'gamma'])
  const last = index.page({ limit: 2, after: decodeCursor(second.nextCursor!) })
  t.same(ids(last), ['zeta'])
  t.equal(last.nextCursor, undefined, 'no cursor after the last page')
  const exact = index.page({ limit: 5 })
  t.same(ids(exact), ['alpha', 'beta', 'buecher', 'gamma', 'zeta'])
  t.equal(exact.nextCursor, undefined, 'a page that ends exactly at the end has no cursor either')
  t.same(index.page({ limit: 2, after: 'zeta' }), { items: [] }, 'past the end: empty')
  t.same(ids(index.page({ limit: 2, after: 'bf' })), ['buecher', 'gamma'], 'a cursor whose provider was removed still continues in order')
  t.same(new ProviderIndex([]).page({ limit: 10 }), { items: [] }, 'an empty catalog')
})

t.test('filters: provider id (from ?domain=) and q', async (t) => {
  const index = new ProviderIndex(PROVIDERS)
  t.same(ids(index.page({ limit: 10, providerId: 'gamma' })), ['gamma'])
  t.same(index.page({ limit: 10, providerId: null }), { items: [] }, 'a domain nobody serves')
  const q = (text: string) => ids(index.page({ limit: 10, q: text }))
  t.same(q('ALPHA'), ['alpha'], 'case-insensitive')
  t.same(q('mail'), ['zeta'], 'name')
  t.same(q('bücher'), ['buecher'], 'Unicode form of an IDN domain')
  t.same(q('XN--BCHER'), ['buecher'], 'A-label form')
  t.same(q('.example'), ['alpha', 'beta', 'buecher', 'gamma', 'zeta'])
  t.same(q('  '), ['alpha', 'beta', 'buecher', 'gamma', 'zeta'], 'blank q filters nothing')
  t.same(q('nothing-like-this'), [])
  const filtered = index.page({ limit: 1, q: 'ta' })
  t.same(ids(filtered), ['beta'])
  const rest = index.page({ limit: 1, q: 'ta', after: decodeCursor(filtered.nextCursor!) })
  t.same(rest, { items: [index.page({ limit: 1, providerId: 'zeta' }).items[0]] }, 'pages of a filtered list end without a cursor')
})

t.test('one index per catalog', async (t) => {
  const catalog = new Catalog(PROVIDERS)
  t.equal(providerIndex(catalog), providerIndex(catalog))
  t.not(providerIndex(catalog), providerIndex(new Catalog(PROVIDERS)), 'a reloaded catalog gets its own')
  t.same(providerIndex(catalog).page({ limit: 1 }).items, [{ id: 'alpha', name: 'Alpha', domains: ['alpha.example', '*.alpha.example'] }])
})
