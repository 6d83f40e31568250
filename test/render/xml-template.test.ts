import t from 'tap'
import fc from 'fast-check'
import { XMLBuilder } from 'fast-xml-parser'
import { OUTLOOK_RESPONSE_SCHEMAS, type OutlookSchema } from '../../src/autodiscover-schemas.ts'
import { loadProviders } from '../../src/catalog/load.ts'
import type { EmailAddress } from '../../src/email-address.ts'
import type { Provider } from '../../src/model/provider.ts'
import { renderAutodiscoverSettings } from '../../src/render/autodiscover.ts'
import { compileAddressTemplate } from '../../src/render/xml-template.ts'
import { buildXml, escapeXml } from '../../src/render/xml.ts'
import { BUNDLED_DIR, FIXTURES_DIR, VALID_PROVIDERS_DIR } from '../helper.ts'

async function providers (): Promise<Provider[]> {
  const all: Provider[] = []
  for (const dir of [BUNDLED_DIR, VALID_PROVIDERS_DIR, `${FIXTURES_DIR}/providers/autodiscover`]) {
    const loaded = await loadProviders(dir)
    if (!loaded.ok) throw new Error(`${dir} must load`)
    all.push(...loaded.catalog.providers.values())
  }
  return all
}

const anyChar = fc.string({ unit: 'binary', minLength: 1, maxLength: 1 })
/** Any local part and domain, weighted towards the characters XML escapes and the markers' neighbourhood. */
const text = fc.string({ unit: fc.oneof(fc.constantFrom('<', '&', '"', "'", '>', '%', '@', '.', 'a', 'Z', '\uE002', '\uDFFF'), anyChar), minLength: 1, maxLength: 20 })
const anyAddress = fc.tuple(text, text).map(([localPart, domain]): EmailAddress => ({ localPart, domain, address: `${localPart}@${domain}` }))

t.test('escapeXml is the builder\'s own escaping', async (t) => {
  const builder = new XMLBuilder({ processEntities: true, ignoreAttributes: false })
  const value = fc.string({ unit: fc.oneof(fc.constantFrom('<', '&', '"', "'", '>'), anyChar), minLength: 1 })
  fc.assert(fc.property(value, (v) => builder.build({ v }) === `<v>${escapeXml(v)}</v>`), { numRuns: 500 })
  fc.assert(fc.property(value, (v) => builder.build({ v: { '@_a': v } }) === `<v a="${escapeXml(v)}"></v>`), { numRuns: 500 })
  t.equal(escapeXml('<&"\'>'), '&lt;&amp;&quot;&apos;&gt;')
})

t.test('a filled template equals a direct XMLBuilder render, for every provider, schema and address', async (t) => {
  for (const provider of await providers()) {
    for (const schema of Object.keys(OUTLOOK_RESPONSE_SCHEMAS) as OutlookSchema[]) {
      const render = (address: EmailAddress) => renderAutodiscoverSettings(provider, { address, schema })
      const template = compileAddressTemplate(render)
      if (template === undefined) {
        t.fail(`${provider.id}: the settings answer must compile to a template`)
        continue
      }
      fc.assert(fc.property(anyAddress, (address) => template(address) === render(address)), { numRuns: 150 })
      const markup: EmailAddress = { localPart: '<&"\'>', domain: '"\'&<>', address: '<&"\'>@"\'&<>' }
      t.equal(template(markup), render(markup), `${provider.id} ${schema}: <&"'`)
    }
  }
})

t.test('compilation refuses what is not a pure substitution of the address', async (t) => {
  const lowerCased = (address: EmailAddress) => buildXml({ User: address.address.toLowerCase() })
  t.equal(compileAddressTemplate(lowerCased), undefined, 'a renderer that transforms the address')
  const withMarker = (address: EmailAddress) => buildXml({ Name: 'provider text with \uE000 in it', User: address.address })
  t.equal(compileAddressTemplate(withMarker), undefined, 'provider text containing a marker character')
  const branching = (address: EmailAddress) => buildXml({ User: address.localPart === 'probe' ? 'special' : address.address })
  t.equal(compileAddressTemplate(branching), undefined, 'a renderer whose output depends on the address otherwise')
  const fine = compileAddressTemplate((address) => buildXml({ A: { '@_login': address.localPart, '#text': `${address.domain}/${address.address}` } }))
  t.equal(fine?.({ localPart: 'x"y', domain: 'd&e', address: 'x"y@d&e' }), buildXml({ A: { '@_login': 'x"y', '#text': 'd&e/x"y@d&e' } }), 'attributes and text alike')
})
