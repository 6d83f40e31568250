import fc from 'fast-check'
import { XMLBuilder, XMLParser, XMLValidator } from 'fast-xml-parser'
import t from 'tap'
import { parseEmailAddress } from '../../src/model/email-address.ts'
import { renderAutoconfig } from '../../src/render/autoconfig.ts'
import { renderAutodiscover } from '../../src/render/autodiscover.ts'
import { renderAutodiscoverError } from '../../src/render/autodiscover-error.ts'
import { buildXml, escapedXmlText, xmlText } from '../../src/render/xml.ts'
import { lookupFor, VALID_PROVIDERS_DIR } from '../helper.ts'

/** Any UTF-16 text: controls, lone surrogates, U+FFFE/U+FFFF and astral characters included. */
const anyText = fc.string({ unit: 'binary', maxLength: 60 })
const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@_', parseTagValue: false, trimValues: false })

/** Throws (failing the property, which fast-check then shrinks) unless `xml` is well-formed. */
function wellFormed (xml: string, what: string): void {
  const verdict = XMLValidator.validate(xml)
  if (verdict !== true) throw new Error(`${what}: ${JSON.stringify(verdict)} in ${JSON.stringify(xml.slice(0, 300))}`)
}

t.test('xmlText replaces exactly the characters outside XML 1.0 Char with U+FFFD', async (t) => {
  t.equal(xmlText('a\u0015b\u0000c'), 'a\uFFFDb\uFFFDc', 'C0 controls')
  t.equal(xmlText('\t\n\r ok'), '\t\n\r ok', 'tab, newline and CR are characters')
  t.equal(xmlText('\uD800x\uDFFF'), '\uFFFDx\uFFFD', 'lone surrogates')
  t.equal(xmlText('\u{1F600}'), '\u{1F600}', 'a surrogate pair is one astral character')
  t.equal(xmlText('\uFFFE\uFFFF'), '\uFFFD\uFFFD')
  fc.assert(fc.property(anyText, (text) => {
    const clean = xmlText(text)
    return !/[^\t\n\r\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u.test(clean) && [...clean].length === [...text].length
  }))
})

t.test('whatever text a renderer is given, its answer is well-formed XML holding the cleaned text', async (t) => {
  fc.assert(fc.property(anyText, (text) => {
    const xml = buildXml({ a: { '@_x': text, '#text': text } })
    wellFormed(xml, 'buildXml')
    const parsed = parser.parse(xml) as { a: { '@_x': string } | string }
    // The attribute is written whenever the text is not empty (the builder leaves empty members out).
    return text === '' || (typeof parsed.a === 'object' && typeof parsed.a['@_x'] === 'string')
  }), { numRuns: 300 })
  fc.assert(fc.property(anyText, (message) => {
    wellFormed(renderAutodiscoverError({ errorCode: 600, message, debugData: message, time: '00:00:00.000', id: 1 }), 'the Error document')
  }), { numRuns: 300 })
  const lookup = await lookupFor(VALID_PROVIDERS_DIR)
  const provider = [...lookup.catalog.providers.values()][0]!
  const address = parseEmailAddress('alice@example.com')!
  fc.assert(fc.property(anyText, anyText, (name, host) => {
    const odd = { ...provider, name, shortName: name, incoming: provider.incoming.map((server) => ({ ...server, host })) }
    wellFormed(renderAutoconfig(odd, { domain: 'example.com' }), 'autoconfig')
    wellFormed(renderAutodiscover(odd, { address, schema: 'outlook-2006a' }), 'autodiscover')
  }), { numRuns: 200 })
})

t.test('escapedXmlText gives the bytes the builder\'s own escaping gives after xmlText, for any text', async (t) => {
  // The builder as it escapes by itself (processEntities), each value cleaned by xmlText first.
  // The options of render/xml.ts's builder, but for how values are escaped.
  const entities = new XMLBuilder({
    ignoreAttributes: false,
    attributeNamePrefix: '@_',
    textNodeName: '#text',
    format: true,
    indentBy: '  ',
    suppressEmptyNode: true,
    suppressBooleanAttributes: false,
    processEntities: true,
    tagValueProcessor: (_n: string, v: unknown) => typeof v === 'string' ? xmlText(v) : v,
    attributeValueProcessor: (_n: string, v: unknown) => typeof v === 'string' ? xmlText(v) : v,
  })
  t.equal(escapedXmlText('a&b<c>d\'e"f'), 'a&amp;b&lt;c&gt;d&apos;e&quot;f')
  t.equal(escapedXmlText('&amp;\u0000'), '&amp;amp;\uFFFD', 'an entity in the input is text, escaped again')
  fc.assert(fc.property(fc.oneof(anyText, fc.array(fc.constantFrom('&', '<', '>', '"', "'", '&amp;', 'x', '\u0001', '\uD800'), { maxLength: 12 }).map((parts) => parts.join(''))), (text) => {
    const theirs = entities.build({ v: { '@_a': text, '#text': text } }) as string
    const ours = buildXml({ v: { '@_a': text, '#text': text } })
    return ours === `<?xml version="1.0" encoding="UTF-8"?>\n${theirs}`
  }), { numRuns: 2000 })
})

t.test('an attribute whose value is "true" keeps its value (no bare boolean attributes)', async (t) => {
  const xml = buildXml({ emailProvider: { '@_id': 'true', displayName: 'x' } })
  t.match(xml, /<emailProvider id="true">/)
  t.equal(XMLValidator.validate(xml), true)
})
