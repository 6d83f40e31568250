import t from 'tap'
import { buildCatalog } from '../../src/catalog/load.ts'
import { catalogResolver, ProviderLookup, type DomainResolver } from '../../src/catalog/lookup.ts'

function catalogOf (id: string, domain: string) {
  const loaded = buildCatalog([{ file: `${id}.yaml`, text: `name: ${id}\ndomains: [${domain}]\nincoming: [{ type: imap, host: imap.${domain} }]\noutgoing: [{ host: smtp.${domain} }]\n` }])
  if (!loaded.ok) throw new Error('fixture must load')
  return loaded.catalog
}

t.test('the catalog resolver answers synchronously', async (t) => {
  const lookup = new ProviderLookup(catalogOf('one', 'one.test'))
  const answer = lookup.lookup('one.test')
  t.notOk(answer instanceof Promise)
  t.match(answer, { provider: { id: 'one' } })
  t.equal(lookup.lookup('two.test'), undefined)
})

t.test('an asynchronous resolver (such as a future MX step) runs after the catalog, without changing callers', async (t) => {
  const asked: string[] = []
  const mx: DomainResolver = {
    name: 'mx',
    resolve: async (domain, catalog) => {
      asked.push(domain)
      return domain === 'hosted.test' ? { ...catalog.match('one.test')!, domain, matchedBy: 'exact' } : undefined
    },
  }
  const lookup = new ProviderLookup(catalogOf('one', 'one.test'), [catalogResolver, mx])
  t.match(await lookup.lookup('one.test'), { provider: { id: 'one' } })
  t.same(asked, [], 'catalog hit needs no MX step')
  t.match(await lookup.lookup('hosted.test'), { provider: { id: 'one' }, domain: 'hosted.test' })
  t.equal(await lookup.lookup('nowhere.test'), undefined)
})

t.test('replace swaps the catalog; a lookup in flight keeps the one it started with', async (t) => {
  let release!: () => void
  const gate = new Promise<void>((resolve) => { release = resolve })
  const slow: DomainResolver = {
    name: 'slow',
    resolve: async (domain, catalog) => { await gate; return catalog.match(domain.replace('slow.', '')) },
  }
  const lookup = new ProviderLookup(catalogOf('old', 'one.test'), [slow])
  const inFlight = lookup.lookup('slow.one.test')
  lookup.replace(catalogOf('new', 'one.test'))
  release()
  t.match(await inFlight, { provider: { id: 'old' } })
  t.match(await lookup.lookup('slow.one.test'), { provider: { id: 'new' } })
})

t.test('the caller\'s log reaches every resolver, synchronous or not', async (t) => {
  const lines: string[] = []
  const log = { info: (_details: Record<string, unknown>, message: string) => { lines.push(message) } }
  const first: DomainResolver = { name: 'first', resolve: (domain, _catalog, log) => { log?.info({ domain }, 'first'); return undefined } }
  const second: DomainResolver = { name: 'second', resolve: async (domain, _catalog, log) => { log?.info({ domain }, 'second'); return undefined } }
  const third: DomainResolver = { name: 'third', resolve: async (domain, _catalog, log) => { log?.info({ domain }, 'third'); return undefined } }
  const lookup = new ProviderLookup(catalogOf('one', 'one.test'), [first, second, third])
  t.equal(await lookup.lookup('x.test', log), undefined)
  t.same(lines, ['first', 'second', 'third'])
  t.equal(await lookup.lookup('x.test'), undefined, 'and none is needed')
})
