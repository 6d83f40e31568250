import t from 'tap'
import { isAutoconfigWarm, preparedAutoconfig, warmAutoconfigInBackground } from '../../src/http/prepared-autoconfig.ts'
import type { Provider } from '../../src/model/provider.ts'
import { BUNDLED_DIR, lookupFor } from '../helper.ts'

/** Distinct provider objects (documents hang off the object), as many as a large catalog has. */
async function providers (count: number): Promise<Provider[]> {
  const [template] = [...(await lookupFor(BUNDLED_DIR)).catalog.providers.values()]
  return Array.from({ length: count }, (_, i) => ({ ...template!, id: `p${i}` }))
}

t.test('background warming renders every document, yielding to the event loop between batches', async (t) => {
  const list = await providers(350)
  // Counts turns of the event loop taken by other work while the warming runs.
  let turnsDuringWarming = 0
  let done = false
  const counter = () => { turnsDuringWarming++; if (!done) setImmediate(counter) }
  setImmediate(counter)
  await warmAutoconfigInBackground(list)
  done = true
  t.ok(list.every(isAutoconfigWarm), 'all rendered')
  t.ok(turnsDuringWarming >= 3, `other work ran in between (${turnsDuringWarming} turns)`)
  const doc = preparedAutoconfig({ provider: list[0]!, domain: 'gmail.com', matchedBy: 'exact', pattern: 'gmail.com' })
  t.match(doc.body.toString(), /<clientConfig/)
})

t.test('warming stops once its catalog is no longer current', async (t) => {
  const list = await providers(350)
  let current = true
  const warming = warmAutoconfigInBackground(list, () => current)
  current = false
  await warming
  t.notOk(list.some(isAutoconfigWarm), 'nothing rendered for a replaced catalog')
})

t.test('a match the catalog hands out again finds its document at once; another match object gets the same document', async (t) => {
  const [provider] = await providers(1)
  const exact = { provider: provider!, domain: 'gmail.com', matchedBy: 'exact', pattern: 'gmail.com' } as const
  const doc = preparedAutoconfig(exact)
  t.equal(preparedAutoconfig(exact), doc, 'the same match: the same document')
  t.equal(preparedAutoconfig({ ...exact }), doc, 'another match of the provider: its one exact document')
  const wildcard = { provider: provider!, domain: 'x.example.org', matchedBy: 'wildcard', pattern: '*.example.org' } as const
  const listed = preparedAutoconfig(wildcard)
  t.equal(preparedAutoconfig(wildcard), listed)
  t.not(listed, doc, 'a wildcard match has a document of its own')
  t.match(listed.body.toString(), /<domain>x\.example\.org<\/domain>/)
  t.same(preparedAutoconfig({ ...wildcard }), listed, 'another object for that domain: the same bytes and tag')
})
