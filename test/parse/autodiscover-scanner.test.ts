import t from 'tap'
import fc from 'fast-check'
import { FIELD_NAMES, type RequestFields } from '../../src/parse/autodiscover-fields.ts'
import { scanRequestFields } from '../../src/parse/autodiscover-scanner.ts'
import { readFieldsWithXmlParser } from '../../src/parse/autodiscover-xml.ts'
import { fixture } from '../helper.ts'

const REQUEST_NS = 'http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006'
const SCHEMA_2006A = 'http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a'

/**
 * The scanner's contract: when it answers, the answer is exactly the general parser's. Returns what happened,
 * so the tests below can also check the scanner is not simply refusing everything.
 */
function compare (text: string): 'scanned' | 'declined' {
  const scanned = scanRequestFields(text)
  if (scanned === undefined) return 'declined'
  const parsed = readFieldsWithXmlParser(text)
  if ('problem' in parsed) throw new Error(`scanner answered ${JSON.stringify(scanned)} where the parser refused (${parsed.problem}) for ${JSON.stringify(text)}`)
  if (JSON.stringify(sorted(scanned)) !== JSON.stringify(sorted(parsed))) {
    throw new Error(`scanner ${JSON.stringify(scanned)} != parser ${JSON.stringify(parsed)} for ${JSON.stringify(text)}`)
  }
  return 'scanned'
}

function sorted (fields: RequestFields): RequestFields {
  return Object.fromEntries(Object.entries(fields).sort(([a], [b]) => a.localeCompare(b)))
}

// ---- generators ------------------------------------------------------------------------------------------

const space = fc.constantFrom('', ' ', '\n', '\r\n', '\t', '  \n    ')
const ncName = fc.constantFrom('a', 'ad', 'x1', '_p', 'ns-2', 'q.r', 'xsi', 'xml', 'xmlns', 'Autodiscover', '__proto__', 'constructor')
const prefix = fc.oneof(fc.constant(''), ncName.map((name) => `${name}:`))

/** Characters a value may contain, with the five that need escaping and some that XML or JS treat specially. */
const valueChar = fc.constantFrom('a', 'Z', '0', '@', '.', '-', '+', '_', ' ', '\t', '\n', 'é', '𝄞', '\u00a0', '\u2028',
  '<', '>', '&', '"', "'", ']', '%', '#', ';')
const SAFE_ENTITY: Record<string, string[]> = {
  '<': ['&lt;', '&#60;', '&#x3c;', '&#x3C;'],
  '&': ['&amp;', '&#38;', '&#x26;'],
  '>': ['>', '&gt;', '&#62;'],
  '"': ['"', '&quot;', '&#34;'],
  "'": ["'", '&apos;', '&#39;', '&#0039;'],
}

/** A value written correctly: markup characters as entities or character references, others mostly raw. */
const encodedValue = fc.array(fc.tuple(valueChar, fc.nat(3)), { maxLength: 24 }).map((chars) => chars.map(([c, pick]) => {
  const choices = SAFE_ENTITY[c]
  if (choices !== undefined) return choices[pick % choices.length]!
  if (pick === 3) return `&#x${c.codePointAt(0)!.toString(16)};`
  if (pick === 2) return `&#${c.codePointAt(0)!};`
  return c
}).join(''))
const realisticValue = fc.oneof(
  fc.constantFrom('alice@gmail.com', ' bob@mail.com ', SCHEMA_2006A, `\n  ${SCHEMA_2006A}\n  `, '/o=Contoso/ou=Exchange/cn=Recipients/cn=alice', ''),
  encodedValue,
)

const declaration = fc.constantFrom('', '<?xml version="1.0" encoding="utf-8"?>', "<?xml version='1.0' encoding='UTF-8'?>",
  '<?xml version="1.0"?>', '<?xml version="1.0" encoding="utf-8" standalone="yes"?>', '<?xml  version = "1.0"  encoding = "Utf-8" ?>')
const namespace = fc.constantFrom(REQUEST_NS, REQUEST_NS.replace('http:', 'https:'), 'urn:other', '')

interface Shape {
  declaration: string
  prefix: string
  xmlns: string
  fields: Array<[string, string]>
  gaps: string[]
  selfClosing: boolean[]
  requestTwice: boolean
}

const shape: fc.Arbitrary<Shape> = fc.record({
  declaration,
  prefix,
  xmlns: namespace,
  fields: fc.uniqueArray(fc.tuple(fc.constantFrom(...FIELD_NAMES), realisticValue), { selector: ([name]) => name, maxLength: 3 }),
  gaps: fc.array(space, { minLength: 12, maxLength: 12 }),
  selfClosing: fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }),
  requestTwice: fc.constant(false),
})

function render (s: Shape): string {
  const p = s.prefix
  const g = (i: number) => s.gaps[i % s.gaps.length]!
  const xmlnsAttr = s.xmlns === '' ? '' : p === '' ? ` xmlns="${s.xmlns}"` : ` xmlns:${p.slice(0, -1)}="${s.xmlns}"`
  const fields = s.fields.map(([name, value], i) => s.selfClosing[i] === true && value === ''
    ? `${g(i + 3)}<${p}${name}${g(i + 6) === '' ? '' : ' '}/>`
    : `${g(i + 3)}<${p}${name}>${value}</${p}${name}${g(i + 7)}>`).join('')
  const request = `${g(1)}<${p}Request>${fields}${g(2)}</${p}Request>`
  return `${s.declaration}${g(0)}<${p}Autodiscover${xmlnsAttr}>${s.requestTwice ? request + request : request}${g(10)}</${p}Autodiscover>${g(11)}`
}

/** Well-formed requests in the shapes clients send, with every escaping style. */
const validRequest = shape.map(render)

/** Still well-formed, but outside the scanner's subset, or odd enough to trip a hand-written reader. */
const oddInsertion = fc.constantFrom(
  '<!-- comment -->', '<!-- <EMailAddress>x@y.z</EMailAddress> -->', '<?pi data?>', '<![CDATA[ a<b ]]>', '<Extra/>',
  '<Extra a="1">t</Extra>', '<EMailAddress>dup@example.com</EMailAddress>', '<Request/>', ' ', '\u00a0', 'text',
  '<a:Request xmlns:a="u"><a:EMailAddress>n@example.com</a:EMailAddress></a:Request>', '<EMailAddress><b>x</b></EMailAddress>',
)
const oddAttribute = fc.constantFrom(' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"', " xmlns='single'", ' a="1"',
  ' xmlns="a" xmlns="b"', ' xmlns:p="x&amp;y"', ' xsi:type="t"', ' xmlns = "spaced"')

function insertAt (text: string, at: number, piece: string): string {
  const i = at % (text.length + 1)
  return text.slice(0, i) + piece + text.slice(i)
}

/** Inserts after a random `>`, so insertions land between tags or at the start of text. */
function insertAfterTag (text: string, at: number, piece: string): string {
  const ends = [...text.matchAll(/>/g)].map((m) => m.index + 1)
  const i = ends.length === 0 ? 0 : ends[at % ends.length]!
  return text.slice(0, i) + piece + text.slice(i)
}

const oddRequest = fc.oneof(
  fc.tuple(validRequest, fc.nat(), oddInsertion).map(([text, at, piece]) => insertAfterTag(text, at, piece)),
  fc.tuple(validRequest, fc.nat(), oddAttribute).map(([text, at, attr]) => {
    const names = [...text.matchAll(/<[A-Za-z_][\w.:-]*/g)].map((m) => m.index + m[0].length)
    return names.length === 0 ? text : insertAt(text, names[at % names.length]!, attr)
  }),
  shape.map((s) => render({ ...s, prefix: 'xmlns:' })),
  shape.map((s) => render({ ...s, requestTwice: true })),
  shape.map((s) => render({ ...s, fields: [...s.fields, ...s.fields] })),
  validRequest.map((text) => text.replace(/utf-8/i, 'ISO-8859-1')),
  validRequest.map((text) => text.replace('1.0', '1.1')),
)

/** Broken or malicious: declarations, bad references, broken nesting, random damage. */
const hostilePiece = fc.constantFrom(
  '<!DOCTYPE Autodiscover [<!ENTITY x "y">]>', '<!DOCTYPE Autodiscover SYSTEM "file:///etc/passwd">', '&x;', '&foo;', '&#0;',
  '&#xD800;', '&#xFFFE;', '&#1114112;', '&#X41;', '&#;', '&amp', '&', '<', '>', ']]>', '</Request>', '<Request>', '</a:Autodiscover>',
  '"', "'", '\u0000', '\r', '\uFFFE', '\uD800', '<!ENTITY y "z">', '<?xml version="1.0"?>', '<!--', '-->', '<![CDATA[', '/>',
  '<:x>', '<1a>', '=', 'xmlns:', '&lt;', '&#x26;#60;',
)
const hostileRequest = fc.oneof(
  fc.tuple(validRequest, fc.nat(), hostilePiece).map(([text, at, piece]) => insertAt(text, at, piece)),
  fc.tuple(validRequest, fc.nat(), fc.nat(8)).map(([text, at, length]) => {
    const i = at % (text.length + 1)
    return text.slice(0, i) + text.slice(i + length)
  }),
  fc.tuple(validRequest, fc.array(fc.tuple(fc.nat(), hostilePiece), { maxLength: 4 }))
    .map(([text, edits]) => edits.reduce((acc, [at, piece]) => insertAt(acc, at, piece), text)),
  fc.string({ unit: fc.constantFrom('<', '>', '/', 'a', 'Autodiscover', 'Request', 'EMailAddress', ' ', '&', ';', '=', '"', ':', '!', '?') }),
  fc.string({ unit: 'binary', maxLength: 64 }),
)

// ---- properties ------------------------------------------------------------------------------------------

t.test('real client requests are answered by the scanner, identically to the parser', async (t) => {
  for (const name of ['outlook-2016.xml', 'thunderbird.xml', 'namespace-prefixes.xml', 'https-namespaces.xml', 'new-outlook-mobilesync.xml', 'legacydn-only.xml', 'outlook-2006.xml']) {
    t.equal(compare(await fixture(`requests/${name}`)), 'scanned', name)
  }
})

t.test('differential: valid requests', async (t) => {
  let scanned = 0
  fc.assert(fc.property(validRequest, (text) => { if (compare(text) === 'scanned') scanned++ }), { numRuns: 2500 })
  // Most generated valid requests are inside the scanner's subset; only repeated fields and schema-less oddities
  // such as `xmlns:` as a prefix send it to the parser.
  t.ok(scanned > 1000, `the scanner answered ${scanned} of 2500 valid requests`)
})

t.test('differential: odd but well-formed requests', async (t) => {
  fc.assert(fc.property(oddRequest, (text) => { compare(text) }), { numRuns: 2500 })
  t.pass('the scanner never disagreed with the parser')
})

t.test('differential: hostile and damaged requests', async (t) => {
  let declined = 0
  fc.assert(fc.property(hostileRequest, (text) => { if (compare(text) === 'declined') declined++ }), { numRuns: 3000 })
  t.ok(declined > 1000, `the scanner declined ${declined} of 3000 damaged requests`)
})

t.test('what the scanner declines (each case goes to the general parser)', async (t) => {
  const wrap = (inner: string) => `<Autodiscover><Request>${inner}</Request></Autodiscover>`
  const cases: Array<[string, string]> = [
    [wrap('<!-- c --><EMailAddress>a@b.c</EMailAddress>'), 'a comment'],
    [wrap('<EMailAddress><![CDATA[a@b.c]]></EMailAddress>'), 'CDATA'],
    [wrap('<EMailAddress>a@b.c</EMailAddress><EMailAddress>d@e.f</EMailAddress>'), 'a repeated field'],
    [wrap('<Other/>'), 'an unknown element'],
    [wrap('<EMailAddress x="1">a@b.c</EMailAddress>'), 'an attribute other than xmlns'],
    [wrap('<EMailAddress>a&foo;@b.c</EMailAddress>'), 'an undefined entity'],
    [wrap('<EMailAddress>a&#0;@b.c</EMailAddress>'), 'a reference to a character XML forbids'],
    [wrap('<EMailAddress>a\r@b.c</EMailAddress>'), 'a carriage return inside a value (XML turns it into a line feed)'],
    [`<!DOCTYPE Autodiscover [<!ENTITY e "a@b.c">]>${wrap('<EMailAddress>&e;</EMailAddress>')}`, 'a DTD'],
    [`<?xml version="1.0" encoding="utf-16"?>${wrap('')}`, 'a non-UTF-8 encoding'],
    [` <?xml version="1.0"?>${wrap('')}`, 'a declaration that is not at the start'],
    [`${wrap('')}<Autodiscover/>`, 'a second root'],
    [`${wrap('')}x`, 'text after the root'],
    ['<Autodiscover><Request><EMailAddress>a@b.c</EMailAddress></Request>', 'an unclosed root'],
    ['<a:Autodiscover><a:Request></b:Request></a:Autodiscover>', 'a mismatched end tag'],
  ]
  for (const [text, reason] of cases) t.equal(scanRequestFields(text), undefined, reason)
})

t.test('what the scanner reads', async (t) => {
  const cases: Array<[string, RequestFields, string]> = [
    ['<Autodiscover/>', {}, 'an empty root'],
    ['<Autodiscover><Request/></Autodiscover>', {}, 'an empty request'],
    ['<Autodiscover><Request><EMailAddress/></Request></Autodiscover>', { EMailAddress: '' }, 'an empty field'],
    ['<Autodiscover><Request><EMailAddress>  a@b.c\n</EMailAddress ></Request></Autodiscover>\n', { EMailAddress: 'a@b.c' }, 'trimmed'],
    ['<Autodiscover><Request><EMailAddress>&#32;a&lt;&amp;&gt;&quot;&apos;&#x1D11E;</EMailAddress></Request></Autodiscover>', { EMailAddress: ' a<&>"\'𝄞' }, 'trimmed before references are resolved, as the parser does'],
    ['<x:Autodiscover xmlns:x="u"><x:Request><x:LegacyDN>/o=A</x:LegacyDN><x:AcceptableResponseSchema>s</x:AcceptableResponseSchema></x:Request></x:Autodiscover>', { LegacyDN: '/o=A', AcceptableResponseSchema: 's' }, 'prefixed'],
  ]
  for (const [text, expected, reason] of cases) {
    t.same(scanRequestFields(text), expected, reason)
    t.equal(compare(text), 'scanned', `${reason}: the parser agrees`)
  }
})
