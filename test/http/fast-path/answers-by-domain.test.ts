import t from 'tap'
import type { DomainMatch } from '../../../src/catalog/catalog.ts'
import { buildCatalog } from '../../../src/catalog/load.ts'
import { catalogResolver, ProviderLookup, type DomainResolver } from '../../../src/catalog/lookup.ts'
import { AnswersByDomain } from '../../../src/http/fast-path/answers-by-domain.ts'

function catalogOf (...providers: Array<[id: string, domain: string]>) {
  const loaded = buildCatalog(providers.map(([id, domain]) => ({
    file: `${id}.yaml`,
    text: `name: ${id}\ndomains: [${JSON.stringify(domain)}]\nincoming: [{ type: imap, host: imap.${id}.test }]\noutgoing: [{ host: smtp.${id}.test }]\n`,
  })))
  if (!loaded.ok) throw new Error('fixture must load')
  return loaded.catalog
}

/** What the tests prepare from a match: who served it, for which domain, and how. */
interface Answer { provider: string, domain: string, matchedBy: string }

function counting (lookup: ProviderLookup, capacity?: number) {
  const prepared: string[] = []
  const answers = new AnswersByDomain<Answer>(lookup, (match: DomainMatch) => {
    prepared.push(match.domain)
    return { provider: match.provider.id, domain: match.domain, matchedBy: match.matchedBy }
  }, capacity)
  return { answers, prepared }
}

t.test('a domain\'s answers are prepared once and then returned as they are', async (t) => {
  const { answers, prepared } = counting(new ProviderLookup(catalogOf(['one', 'one.test'], ['wild', '*.wild.test'])))
  const first = answers.get('one.test')
  t.same(first, { provider: 'one', domain: 'one.test', matchedBy: 'exact' })
  t.equal(answers.get('one.test'), first, 'the very same object')
  t.same(answers.get('a.wild.test'), { provider: 'wild', domain: 'a.wild.test', matchedBy: 'wildcard' })
  t.same(answers.get('b.wild.test'), { provider: 'wild', domain: 'b.wild.test', matchedBy: 'wildcard' }, 'each wildcard domain its own')
  t.same(prepared, ['one.test', 'a.wild.test', 'b.wild.test'])
  t.equal(answers.size, 3)
})

t.test('a domain no provider serves is null, and remembered as such', async (t) => {
  let asked = 0
  const counted: DomainResolver = { name: 'counted', resolve: (domain, catalog) => { asked++; return catalogResolver.resolve(domain, catalog) } }
  const { answers, prepared } = counting(new ProviderLookup(catalogOf(['one', 'one.test']), [counted]))
  t.equal(answers.get('nowhere.test'), null)
  t.equal(answers.get('nowhere.test'), null)
  t.equal(asked, 1, 'looked up once')
  t.same(prepared, [])
})

t.test('an answer that has to wait is left to the caller and not remembered', async (t) => {
  let asked = 0
  const later: DomainResolver = {
    name: 'later',
    resolve: async (domain, catalog) => { asked++; return domain === 'hosted.test' ? { ...catalog.match('one.test')!, domain } : undefined },
  }
  const { answers, prepared } = counting(new ProviderLookup(catalogOf(['one', 'one.test']), [catalogResolver, later]))
  t.equal(answers.get('hosted.test'), undefined)
  t.equal(answers.get('hosted.test'), undefined)
  t.equal(asked, 2, 'asked each time')
  t.equal(answers.get('nowhere.test'), undefined, 'nor is "nobody serves it" when the chain had to wait to say so')
  t.same(answers.get('one.test'), { provider: 'one', domain: 'one.test', matchedBy: 'exact' }, 'the catalog\'s own answer is kept')
  t.same(prepared, ['one.test'])
  t.equal(answers.size, 1)
})

t.test('a new catalog drops every answer made from the old one', async (t) => {
  const lookup = new ProviderLookup(catalogOf(['old', 'moved.test'], ['gone', 'gone.test']))
  const { answers, prepared } = counting(lookup)
  t.same(answers.get('moved.test'), { provider: 'old', domain: 'moved.test', matchedBy: 'exact' })
  t.same(answers.get('gone.test'), { provider: 'gone', domain: 'gone.test', matchedBy: 'exact' })
  t.equal(answers.get('new.test'), null)
  lookup.replace(catalogOf(['new', 'moved.test'], ['added', 'new.test']))
  t.same(answers.get('moved.test'), { provider: 'new', domain: 'moved.test', matchedBy: 'exact' })
  t.equal(answers.get('gone.test'), null)
  t.same(answers.get('new.test'), { provider: 'added', domain: 'new.test', matchedBy: 'exact' })
  t.same(prepared, ['moved.test', 'gone.test', 'moved.test', 'new.test'])
  t.equal(answers.size, 3)
})

t.test('past its capacity it starts afresh, and every answer stays right', async (t) => {
  const domains = Array.from({ length: 10 }, (_, i) => `d${i}.test`)
  const { answers, prepared } = counting(new ProviderLookup(catalogOf(...domains.map((domain, i): [string, string] => [`p${i}`, domain]))), 4)
  for (let pass = 0; pass < 3; pass++) {
    for (const [i, domain] of domains.entries()) t.same(answers.get(domain), { provider: `p${i}`, domain, matchedBy: 'exact' }, `pass ${pass}: ${domain}`)
    t.ok(answers.size <= 4, `pass ${pass}: at most 4 remembered`)
  }
  t.equal(prepared.length, 30, 'ten domains over a capacity of four: each prepared again every pass')
  t.throws(() => new AnswersByDomain(new ProviderLookup(catalogOf(['one', 'one.test'])), () => 1, 0), RangeError)
})
