import t from 'tap'
import { readFile } from 'node:fs/promises'
import { parseAutodiscoverRequest, type ParsedAutodiscoverRequest } from '../../src/parse/autodiscover-request.ts'
import { fixture, FIXTURES_DIR } from '../helper.ts'

const OUTLOOK_NS = 'http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006'
const SCHEMA_2006A = 'http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a'

function request (inner: string): string {
  return `<?xml version="1.0" encoding="utf-8"?><Autodiscover xmlns="${OUTLOOK_NS}"><Request>${inner}</Request></Autodiscover>`
}

function alice (schema: 'outlook-2006a' | 'outlook-2006' = 'outlook-2006a'): ParsedAutodiscoverRequest {
  return { ok: true, request: { address: { address: 'alice@gmail.com', localPart: 'alice', domain: 'gmail.com' }, schema } }
}

t.test('real client requests', async (t) => {
  const cases: Array<[string, ParsedAutodiscoverRequest, string]> = [
    ['outlook-2016.xml', alice(), 'Outlook for Windows, one line'],
    ['thunderbird.xml', alice(), 'Thunderbird, indented, whitespace before the root'],
    ['bom-crlf.xml', alice(), 'UTF-8 byte-order mark and CRLF line ends'],
    ['namespace-prefixes.xml', alice(), 'a: prefixes and an extra xmlns:xsi'],
    ['https-namespaces.xml', alice(), 'https:// namespaces as printed in Microsoft\'s documentation'],
    ['outlook-2006.xml', alice('outlook-2006'), 'the older 2006 schema; the address surrounded by whitespace'],
  ]
  for (const [name, expected, reason] of cases) t.same(parseAutodiscoverRequest(await fixture(`requests/${name}`)), expected, `${name}: ${reason}`)
  const bom = await readFile(`${FIXTURES_DIR}/requests/bom-crlf.xml`)
  t.same([...bom.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'the fixture really starts with a UTF-8 BOM')
})

t.test('requests we cannot serve get 600 or 601 with a reason', async (t) => {
  const cases: Array<[string, string, RegExp, string]> = [
    [await fixture('requests/new-outlook-mobilesync.xml'), 'AUTODISCOVER_UNSUPPORTED_SCHEMA', /mobilesync.*no ActiveSync/, 'new Outlook: 601, not an HTTP error (Mailu#3961)'],
    [request('<EMailAddress>alice@gmail.com</EMailAddress><AcceptableResponseSchema>urn:something-else</AcceptableResponseSchema>'), 'AUTODISCOVER_UNSUPPORTED_SCHEMA', /urn:something-else is not served/, 'an unknown schema is named back'],
    [request(`<EMailAddress>alice@gmail.com</EMailAddress><AcceptableResponseSchema>x\té&lt;&amp;${'y'.repeat(300)}</AcceptableResponseSchema>`), 'AUTODISCOVER_UNSUPPORTED_SCHEMA', /^AcceptableResponseSchema \S{120}… is not/, 'the echoed schema is printable and short'],
    [await fixture('requests/legacydn-only.xml'), 'AUTODISCOVER_INVALID_REQUEST', /LegacyDN names an Exchange mailbox/, 'LegacyDN without EMailAddress'],
    [await fixture('requests/xxe.xml'), 'AUTODISCOVER_INVALID_REQUEST', /DOCTYPE/, 'XXE: no DTD is read'],
    [await fixture('requests/billion-laughs.xml'), 'AUTODISCOVER_INVALID_REQUEST', /DOCTYPE/, 'entity bomb: nothing is expanded'],
    [request(`<AcceptableResponseSchema>${SCHEMA_2006A}</AcceptableResponseSchema>`), 'AUTODISCOVER_INVALID_REQUEST', /no Autodiscover\/Request\/EMailAddress/, 'no address'],
    [request('<EMailAddress> </EMailAddress>'), 'AUTODISCOVER_INVALID_REQUEST', /no Autodiscover\/Request\/EMailAddress/, 'an empty address'],
    [request('<EMailAddress>alice</EMailAddress>'), 'AUTODISCOVER_INVALID_REQUEST', /not an address/, 'not an address'],
    [request('<EMailAddress>a&lt;b@gmail.com</EMailAddress>'), 'AUTODISCOVER_INVALID_REQUEST', /not an address/, 'markup in the local part'],
    [request('<EMailAddress>a&#xFFFE;@gmail.com</EMailAddress>'), 'AUTODISCOVER_INVALID_REQUEST', /not an address/, 'a character XML cannot carry, via a reference'],
    [request('<EMailAddress>a@gmail.com</EMailAddress><EMailAddress>b@gmail.com</EMailAddress>'), 'AUTODISCOVER_INVALID_REQUEST', /EMailAddress appears 2 times/, 'two addresses are ambiguous'],
    [request('<EMailAddress>a&b@gmail.com</EMailAddress>'), 'AUTODISCOVER_INVALID_REQUEST', /not well-formed/, 'a raw & (Thunderbird does not escape the address it sends)'],
    ['<Autodiscover><Request><EMailAddress>a@gmail.com</EMailAddress>', 'AUTODISCOVER_INVALID_REQUEST', /not well-formed/, 'truncated'],
    ['alice@gmail.com', 'AUTODISCOVER_INVALID_REQUEST', /not well-formed|no Autodiscover/, 'not XML at all'],
    ['{"EMailAddress":"alice@gmail.com"}', 'AUTODISCOVER_INVALID_REQUEST', /not well-formed|no Autodiscover/, 'JSON'],
    ['', 'AUTODISCOVER_INVALID_REQUEST', /no body/, 'an empty body'],
    ['  \r\n', 'AUTODISCOVER_INVALID_REQUEST', /no body/, 'whitespace only'],
  ]
  for (const [body, code, detail, reason] of cases) {
    const parsed = parseAutodiscoverRequest(body)
    t.equal(parsed.ok ? 'ok' : parsed.code, code, reason)
    if (!parsed.ok) t.match(parsed.detail, detail, `${reason}: detail`)
  }
  t.match(parseAutodiscoverRequest(undefined), { ok: false, code: 'AUTODISCOVER_INVALID_REQUEST' }, 'no body at all')
})

t.test('what is tolerated', async (t) => {
  const cases: Array<[string, string]> = [
    [request('<EMailAddress>ALICE@GMAIL.COM</EMailAddress>'), 'the domain is lower-cased, the local part kept'],
    [request('<EMailAddress>alice@gmail.com</EMailAddress>'), 'no AcceptableResponseSchema: the Outlook answer'],
    [request('<EMailAddress>alice@gmail.com</EMailAddress><AcceptableResponseSchema> HTTPS://Schemas.Microsoft.com/exchange/autodiscover/outlook/responseschema/2006a/ </AcceptableResponseSchema>'), 'schema compared without scheme, case, trailing slash'],
    [request('<LegacyDN>/o=Contoso/cn=alice</LegacyDN><EMailAddress>alice@gmail.com</EMailAddress>'), 'both LegacyDN and EMailAddress: the address is used'],
    [request('<!-- Outlook --><EMailAddress><![CDATA[alice@gmail.com]]></EMailAddress>'), 'comments and CDATA (through the general parser)'],
    [`\uFEFF\n\n  ${request('<EMailAddress>alice@gmail.com</EMailAddress>')}`, 'BOM then blank lines'],
  ]
  for (const [body, reason] of cases) {
    const parsed = parseAutodiscoverRequest(body)
    t.ok(parsed.ok, reason)
    if (parsed.ok) t.equal(parsed.request.address.domain, 'gmail.com', reason)
  }
  const upper = parseAutodiscoverRequest(request('<EMailAddress>ALICE@GMAIL.COM</EMailAddress>'))
  t.equal(upper.ok && upper.request.address.address, 'ALICE@gmail.com')
})

t.test('hostile bodies are refused before any parsing or expansion', async (t) => {
  for (const name of ['xxe.xml', 'billion-laughs.xml']) {
    t.same(parseAutodiscoverRequest(await fixture(`requests/${name}`)), {
      ok: false,
      code: 'AUTODISCOVER_INVALID_REQUEST',
      detail: 'DOCTYPE and other markup declarations are not allowed',
    }, name)
  }
  const hidden = request('<EMailAddress>alice@gmail.com</EMailAddress>').replace('<Request>', '<Request><!ENTITY e "x">')
  t.match(parseAutodiscoverRequest(hidden), { ok: false, detail: /DOCTYPE/ }, 'a declaration inside the document')
  const deep = `<Autodiscover>${'<a>'.repeat(5000)}${'</a>'.repeat(5000)}</Autodiscover>`
  t.match(parseAutodiscoverRequest(deep), { ok: false, code: 'AUTODISCOVER_INVALID_REQUEST' }, 'deep nesting is refused, not a stack overflow')
})
