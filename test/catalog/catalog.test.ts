import t from 'tap'
import { Catalog } from '../../src/catalog/catalog.ts'
import { buildCatalog, parseProviderFile } from '../../src/catalog/load.ts'

const source = (file: string, domains: string[]) => ({
  file,
  text: `name: ${file}\ndomains: [${domains.join(', ')}]\nincoming: [{ type: imap, host: imap.example.com }]\noutgoing: [{ host: smtp.example.com }]\n`,
})

t.test('exact domains win over wildcards; wildcards match any depth below their parent', async (t) => {
  const loaded = buildCatalog([source('a.yaml', ['example.com', '"*.example.com"']), source('b.yaml', ['special.example.com']), source('c.yaml', ['"*.deep.example.com"'])])
  if (!loaded.ok) throw new Error('fixture must load')
  const { catalog } = loaded
  t.match(catalog.match('example.com'), { provider: { id: 'a' }, matchedBy: 'exact', pattern: 'example.com' })
  t.match(catalog.match('special.example.com'), { provider: { id: 'b' }, matchedBy: 'exact' })
  t.match(catalog.match('x.example.com'), { provider: { id: 'a' }, matchedBy: 'wildcard', pattern: '*.example.com', domain: 'x.example.com' })
  t.match(catalog.match('a.b.example.com'), { provider: { id: 'a' }, matchedBy: 'wildcard' })
  t.match(catalog.match('x.deep.example.com'), { provider: { id: 'c' }, pattern: '*.deep.example.com' }, 'nearest wildcard wins')
  t.equal(catalog.match('example.org'), undefined)
  t.equal(catalog.match('notexample.com'), undefined, 'a suffix is not a subdomain')
  t.equal(catalog.providers.size, 3)
  t.equal(catalog.domainCount, 4)
})

t.test('answers are made once per key and kept by the catalog that made them', async (t) => {
  const loaded = buildCatalog([source('a.yaml', ['example.com'])])
  if (!loaded.ok) throw new Error('fixture must load')
  const { catalog } = loaded
  let made = 0
  const make = (text: string) => () => {
    made++
    return { body: Buffer.from(text), etag: `"${text}"` }
  }
  const first = catalog.answer('autoconfig a', make('one'))
  t.equal(catalog.answer('autoconfig a', make('two')), first, 'asked again: the kept answer')
  t.equal(made, 1)
  t.equal(catalog.answer('autoconfig a x.example.com', make('three')).body.toString(), 'three', 'another key, another answer')
  // Far more keys than are kept: memory stays bounded, and every answer is still right.
  for (let i = 0; i < 30_000; i++) catalog.answer(`k${i}`, make(`k${i}`))
  t.equal(catalog.answer('k29999', make('wrong')).body.toString(), 'k29999', 'a recent key is still kept')
  t.equal(catalog.answer('autoconfig a', make('again')).body.toString(), 'again', 'the least recently asked went first and is made anew')
  const reloaded = buildCatalog([source('a.yaml', ['example.com'])])
  if (!reloaded.ok) throw new Error('fixture must load')
  t.equal(reloaded.catalog.answer('autoconfig a', make('fresh')).body.toString(), 'fresh', 'a new catalog keeps nothing of the old')
})

t.test('indexing names every clash in list order and makes no catalog; the constructor throws on a clash', async (t) => {
  const providerOf = (file: string, domains: string[]) => {
    const { text } = source(file, domains)
    const parsed = parseProviderFile(file, text)
    if (!parsed.ok) throw new Error('fixture must parse')
    return parsed.value.provider
  }
  const a = providerOf('a.yaml', ['example.com', '"*.example.com"'])
  const b = providerOf('b.yaml', ['b.test', '"*.example.com"', 'example.net', 'b.test'])
  const c = providerOf('c.yaml', ['example.net', 'example.com'])
  const aAgain = providerOf('a.yaml', ['a.test'])
  const clashes = Catalog.index([a, b, c, aAgain])
  t.same(clashes, {
    ok: false,
    clashes: [
      { kind: 'domain', provider: b, domainIndex: 1, owner: a },
      { kind: 'domain', provider: b, domainIndex: 3, owner: b },
      { kind: 'domain', provider: c, domainIndex: 0, owner: b },
      { kind: 'domain', provider: c, domainIndex: 1, owner: a },
      { kind: 'id', provider: aAgain, owner: a },
    ],
  })
  // An exact domain and a wildcard over the same name are different patterns, also in different providers.
  const wildcardNet = providerOf('w.yaml', ['"*.example.net"'])
  const exactNet = providerOf('x.yaml', ['example.net'])
  const indexed = Catalog.index([wildcardNet, exactNet])
  t.ok(indexed.ok)
  if (indexed.ok) {
    t.match(indexed.catalog.match('example.net'), { provider: exactNet, matchedBy: 'exact' })
    t.match(indexed.catalog.match('mail.example.net'), { provider: wildcardNet, matchedBy: 'wildcard' })
  }
  t.throws(() => new Catalog([a, aAgain]), { message: 'id "a" of provider a is already claimed by provider a' })
  t.throws(() => new Catalog([b]), { message: 'domain "b.test" of provider b is already claimed by provider b' })
})

t.test('mx entries: an exact host first, then the nearest *.suffix; a second claim is a clash', async (t) => {
  const withMx = (file: string, mx: string[]) => ({ file, text: `${source(file, [file.replace('.yaml', '.test')]).text}mx: [${mx.map((m) => JSON.stringify(m)).join(', ')}]\n` })
  const loaded = buildCatalog([withMx('a.yaml', ['mx.hosting.example', '*.hosting.example']), withMx('b.yaml', ['*.deep.hosting.example'])])
  if (!loaded.ok) throw new Error('fixture must load')
  const { catalog } = loaded
  t.match(catalog.matchMxHost('mx.hosting.example'), { provider: { id: 'a' }, pattern: 'mx.hosting.example' })
  t.match(catalog.matchMxHost('mx2.hosting.example'), { provider: { id: 'a' }, pattern: '*.hosting.example' })
  t.match(catalog.matchMxHost('x.deep.hosting.example'), { provider: { id: 'b' }, pattern: '*.deep.hosting.example' }, 'nearest suffix wins')
  t.equal(catalog.matchMxHost('hosting.example'), undefined, 'a suffix pattern does not cover the suffix itself')
  t.equal(catalog.match('mx.hosting.example'), undefined, 'mx entries are not mail domains')
  t.equal(catalog.domainCount, 2)

  const clashing = Catalog.index([...loaded.catalog.providers.values(), { ...loaded.catalog.providers.get('b')!, id: 'c', domains: ['c.test'], mx: ['*.hosting.example'] }])
  t.notOk(clashing.ok)
  if (!clashing.ok) t.match(clashing.clashes, [{ kind: 'mx', provider: { id: 'c' }, mxIndex: 0, owner: { id: 'a' } }])
  t.throws(() => new Catalog([...loaded.catalog.providers.values(), { ...loaded.catalog.providers.get('b')!, id: 'c', domains: ['c.test'] }]), /mx "\*\.deep\.hosting\.example" of provider c is already claimed by provider b/)
})
