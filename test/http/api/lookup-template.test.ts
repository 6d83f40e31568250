import { isDeepStrictEqual } from 'node:util'
import fc from 'fast-check'
import t from 'tap'
import { parseEmailAddress, type EmailAddress } from '../../../src/email-address.ts'
import { LookupTemplate, type LookupSlots } from '../../../src/http/api/lookup-template.ts'
import { lookupJson } from '../../../src/http/api/prepared.ts'
import { lookupSchema } from '../../../src/http/api/schemas.ts'
import { lookupLinks } from '../../../src/http/routes/api.ts'
import { compileSerializer } from '../../../src/http/serializer.ts'
import type { Provider } from '../../../src/model/provider.ts'
import { apiLookup, FIXED_LOOKUP_MEMBERS, prepareLookup } from '../../../src/render/api.ts'
import { BUNDLED_DIR, lookupFor, VALID_PROVIDERS_DIR } from '../../helper.ts'

const serializePerAddress = compileSerializer(lookupSchema.omit(FIXED_LOOKUP_MEMBERS))
const serializeLookup = compileSerializer(lookupSchema)

async function allProviders (): Promise<Provider[]> {
  const providers: Provider[] = []
  for (const dir of [BUNDLED_DIR, VALID_PROVIDERS_DIR]) providers.push(...(await lookupFor(dir)).catalog.providers.values())
  return providers
}

/** Addresses the API accepts: plausible ones, and local parts full of what escaping and URL encoding change. */
const address: fc.Arbitrary<EmailAddress> = fc.oneof(
  fc.emailAddress(),
  fc.tuple(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 20 }), fc.constantFrom('gmail.com', 'sub.example.org', 'Bücher.example', 'xn--mnchen-3ya.de')).map(([local, domain]) => `${local}@${domain}`),
  fc.tuple(fc.stringMatching(/^[a-z0-9.!#$%&'*+/=?^_`{|}~\u00e9\u20ac-]{1,30}$/), fc.domain()).map(([local, domain]) => `${local}@${domain}`),
).map((text) => parseEmailAddress(text)).filter((parsed): parsed is EmailAddress => parsed !== undefined)

const base = fc.constantFrom('http://localhost', 'https://autoconfig.example.net', 'http://[::1]:8080', 'https://h.example:8443')

t.test('every provider\'s template fills in to exactly what the serializer writes, for any address', async (t) => {
  const providers = await allProviders()
  t.ok(providers.length >= 17, `${providers.length} providers`)
  for (const provider of providers) {
    const { render } = prepareLookup(provider)
    for (const match of [{ matchedBy: 'exact' as const, pattern: provider.domains[0]! }, { matchedBy: 'wildcard' as const, pattern: '*.example.org' }]) {
      const serialize = ({ address, links }: LookupSlots) => serializePerAddress(render({ address, match, links }))
      const template = LookupTemplate.compile(serialize)
      if (template === undefined) {
        t.fail(`${provider.id}: no template`)
        continue
      }
      fc.assert(fc.property(address, base, (address, base) => {
        const slots = { address, links: lookupLinks(base, address) }
        const filled = template.fillMeasured(slots).text
        const expected = serialize(slots)
        if (filled !== expected) throw new Error(`${provider.id} ${match.pattern} ${address.address}:\n${filled}\n${expected}`)
        const measured = template.fillMeasured(slots)
        if (measured.text !== expected || measured.bytes !== Buffer.byteLength(expected)) throw new Error(`${provider.id} ${address.address}: measured ${measured.bytes}`)
        const open = template.fillOpen(slots)
        if (open.text !== expected.slice(0, -1) || open.bytes !== Buffer.byteLength(expected) - 1) throw new Error(`${provider.id} ${address.address}: open ${open.bytes}`)
      }), { numRuns: 150 })
    }
  }
  t.pass('templates agree with the serializer')
})

// The body joins the per-address members and the fixed ones (prepared.ts), so members come in another order.
t.test('a lookup body holds the whole lookup, as the serializer writes it, and states its length in bytes', async (t) => {
  const providers = await allProviders()
  fc.assert(fc.property(fc.constantFrom(...providers), address, base, (provider, address, base) => {
    const match = { provider, domain: provider.domains[0]!, matchedBy: 'exact' as const, pattern: provider.domains[0]! }
    const context = { address, match, links: lookupLinks(base, address) }
    const { body, bytes } = lookupJson(context, base)
    if (bytes !== Buffer.byteLength(body)) throw new Error(`${provider.id} ${address.address}: ${bytes} bytes stated, ${Buffer.byteLength(body)} in the body`)
    const parsed = JSON.parse(body)
    if (!isDeepStrictEqual(parsed, JSON.parse(serializeLookup(apiLookup(provider, context))))) throw new Error(`${provider.id} ${address.address}`)
    if (parsed.email !== address.address || parsed.domain !== address.domain || parsed.links.autoconfig !== context.links.autoconfig) throw new Error('fields')
  }), { numRuns: 500 })
  t.pass('bodies agree')
})

t.test('a provider value that looks like a slot gets no template, and its lookups are still right', async (t) => {
  const [gmail] = (await allProviders()).filter((p) => p.id === 'gmail')
  const odd: Provider = { ...gmail!, name: 'Odd \u0001L name', id: 'odd' }
  const { render } = prepareLookup(odd)
  const match = { provider: odd, domain: 'gmail.com', matchedBy: 'exact' as const, pattern: 'gmail.com' }
  t.equal(LookupTemplate.compile(({ address, links }) => serializePerAddress(render({ address, match, links }))), undefined, 'no template')
  const addr = parseEmailAddress('alice@gmail.com')!
  const context = { address: addr, match, links: lookupLinks('http://localhost', addr) }
  const { body, bytes } = lookupJson(context, 'http://localhost')
  t.same(JSON.parse(body), JSON.parse(serializeLookup(apiLookup(odd, context))))
  t.equal(bytes, Buffer.byteLength(body), 'its length stated in bytes')
  t.equal(JSON.parse(body).provider.name, 'Odd \u0001L name')
})
