import t from 'tap'
import { buildCatalog } from '../../src/catalog/load.ts'
import { byPreference, matchByMx } from '../../src/catalog/mx-match.ts'

function provider (id: string, domains: string[], mx?: string[]) {
  const lines = [`name: ${id}`, `domains: [${domains.map((d) => JSON.stringify(d)).join(', ')}]`]
  if (mx !== undefined) lines.push(`mx: [${mx.map((m) => JSON.stringify(m)).join(', ')}]`)
  lines.push(`incoming: [{ type: imap, host: imap.${id}.test }]`, `outgoing: [{ host: smtp.${id}.test }]`)
  return { file: `${id}.yaml`, text: `${lines.join('\n')}\n` }
}

const loaded = buildCatalog([
  provider('google', ['gmail.com'], ['aspmx.l.google.com', '*.aspmx.l.google.com', 'smtp.google.com']),
  provider('m365', ['*.onmicrosoft.com'], ['*.mail.protection.outlook.com']),
  provider('gmx', ['gmx.net', 'gmx.de']),
  provider('outlook', ['outlook.com', 'olc.protection.outlook.com']),
  provider('campus', ['*.uni.example']),
])
if (!loaded.ok) throw new Error('fixture must load')
const catalog = loaded.catalog

t.test('an exact mx entry', async (t) => {
  t.same(matchByMx(catalog, 'shop.example', [{ exchange: 'smtp.google.com', priority: 1 }]),
    { provider: catalog.providers.get('google'), domain: 'shop.example', matchedBy: 'mx', pattern: 'smtp.google.com', mxHost: 'smtp.google.com' })
})

t.test('a *.suffix mx entry covers the hosts under it', async (t) => {
  t.same(matchByMx(catalog, 'contoso.example', [{ exchange: 'contoso-example.mail.protection.outlook.com', priority: 0 }]),
    { provider: catalog.providers.get('m365'), domain: 'contoso.example', matchedBy: 'mx', pattern: '*.mail.protection.outlook.com', mxHost: 'contoso-example.mail.protection.outlook.com' })
  t.match(matchByMx(catalog, 'shop.example', [{ exchange: 'alt1.aspmx.l.google.com', priority: 5 }]), { pattern: '*.aspmx.l.google.com', mxHost: 'alt1.aspmx.l.google.com' })
  t.equal(matchByMx(catalog, 'shop.example', [{ exchange: 'l.google.com', priority: 5 }]), undefined, 'a pattern covers the names under it, not itself')
})

t.test('several MX records: the most preferred host that matches, mx entries before domains', async (t) => {
  t.match(matchByMx(catalog, 'shop.example', [
    { exchange: 'mx.unknown.example', priority: 1 },
    { exchange: 'mx01.gmx.net', priority: 20 },
    { exchange: 'alt2.aspmx.l.google.com', priority: 10 },
  ]), { provider: { id: 'google' }, mxHost: 'alt2.aspmx.l.google.com' }, 'a declared mx entry on any host beats a base-domain guess')
  t.match(matchByMx(catalog, 'shop.example', [
    { exchange: 'mx01.gmx.net', priority: 20 },
    { exchange: 'mx00.gmx.de', priority: 10 },
  ]), { provider: { id: 'gmx' }, pattern: 'gmx.de', mxHost: 'mx00.gmx.de' }, 'among guesses, the preferred host')
  t.same(byPreference([{ exchange: 'b', priority: 10 }, { exchange: 'a', priority: 5 }, { exchange: 'c', priority: 10 }]).map((r) => r.exchange), ['a', 'b', 'c'], 'ties keep DNS order')
  const sorted = [{ exchange: 'a', priority: 5 }, { exchange: 'b', priority: 5 }, { exchange: 'c', priority: 10 }]
  t.equal(byPreference(sorted), sorted, 'records already in order (as the resolver keeps them) are used as they are')
})

t.test('no mx entry: the MX host minus its first label, then its base domain, against the catalog domains', async (t) => {
  t.same(matchByMx(catalog, 'shop.example', [{ exchange: 'mx00.gmx.net', priority: 10 }]),
    { provider: catalog.providers.get('gmx'), domain: 'shop.example', matchedBy: 'mx', pattern: 'gmx.net', mxHost: 'mx00.gmx.net' })
  t.match(matchByMx(catalog, 'shop.example', [{ exchange: 'shop-example.olc.protection.outlook.com', priority: 10 }]),
    { provider: { id: 'outlook' }, pattern: 'olc.protection.outlook.com' }, 'the parent first, as Thunderbird asks')
  t.match(matchByMx(catalog, 'shop.example', [{ exchange: 'a.b.c.outlook.com', priority: 10 }]),
    { provider: { id: 'outlook' }, pattern: 'outlook.com' }, 'then the base domain')
  t.match(matchByMx(catalog, 'shop.example', [{ exchange: 'mx.dept.uni.example', priority: 10 }]),
    { provider: { id: 'campus' }, pattern: '*.uni.example' }, 'catalog wildcards count')
})

t.test('what is not followed', async (t) => {
  t.equal(matchByMx(catalog, 'gmx.org', [{ exchange: 'mail.gmx.org', priority: 10 }]), undefined, 'a host under the customer domain itself (self-hosted)')
  t.equal(matchByMx(catalog, 'shop.example', [{ exchange: 'mx.co.uk', priority: 10 }]), undefined, 'a public suffix')
  t.equal(matchByMx(catalog, 'shop.example', []), undefined)
})
