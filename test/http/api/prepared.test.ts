import t from 'tap'
import { parseEmailAddress } from '../../../src/email-address.ts'
import { lookupJson } from '../../../src/http/api/prepared.ts'
import { lookupLinks } from '../../../src/http/routes/api.ts'
import { BUNDLED_DIR, lookupFor } from '../../helper.ts'

const BASE = 'https://autoconfig.example.net'

t.test('a lookup is the same whether its match is one the catalog handed out before or another object like it', async (t) => {
  const { catalog } = await lookupFor(BUNDLED_DIR)
  const match = catalog.match('gmail.com')!
  t.equal(catalog.match('gmail.com'), match, 'the catalog hands out the same match again')
  const alice = parseEmailAddress('alice@gmail.com')!
  const bob = parseEmailAddress('bob@gmail.com')!
  const ask = (m: typeof match, address: typeof alice) => lookupJson({ address, match: m, links: lookupLinks(BASE, address) }, BASE)
  const first = ask(match, alice)
  t.same(ask(match, alice), first, 'asked again')
  t.same(ask({ ...match }, alice), first, 'another match object for the same domain')
  const forBob = ask(match, bob)
  t.equal(JSON.parse(forBob.body).email, 'bob@gmail.com')
  t.equal(JSON.parse(first.body).email, 'alice@gmail.com')
  t.equal(forBob.etag, first.etag, 'one tag for the provider and way of matching')
  const wildcard = ask({ ...match, matchedBy: 'wildcard', pattern: '*.gmail.com' }, alice)
  t.not(wildcard.etag, first.etag, 'another way of matching, another tag')
  t.same(JSON.parse(wildcard.body).match, { by: 'wildcard', pattern: '*.gmail.com' })
})
