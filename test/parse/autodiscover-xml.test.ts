import t from 'tap'
import { readFieldsWithXmlParser } from '../../src/parse/autodiscover-xml.ts'

const wrap = (inner: string) => `<Autodiscover><Request>${inner}</Request></Autodiscover>`

t.test('references: XML\'s five entities and character references only', async (t) => {
  t.same(readFieldsWithXmlParser(wrap('<EMailAddress>&lt;&gt;&amp;&quot;&apos;&#65;&#x42;</EMailAddress>')), { EMailAddress: '<>&"\'AB' })
  t.same(readFieldsWithXmlParser(wrap('<EMailAddress>a&nbsp;&copy;&euro;b</EMailAddress>')), { EMailAddress: 'a&nbsp;&copy;&euro;b' }, 'HTML entities stay unexpanded')
  t.same(readFieldsWithXmlParser(wrap('<EMailAddress>&amp;lt;</EMailAddress>')), { EMailAddress: '&lt;' }, 'one level of resolution only')
})

t.test('odd but well-formed documents: comments, CDATA, prefixes', async (t) => {
  const cases: Array<[string, object, string]> = [
    [wrap('<!-- c --><EMailAddress>a@b.c<!-- d --></EMailAddress>'), { EMailAddress: 'a@b.c' }, 'comments'],
    [wrap('<EMailAddress><![CDATA[a@b.c]]></EMailAddress>'), { EMailAddress: 'a@b.c' }, 'CDATA'],
    [`<?xml version="1.0"?><?client Outlook?>${wrap('<x:EMailAddress xmlns:x="u" x:a="1">a@b.c</x:EMailAddress>')}`, { EMailAddress: 'a@b.c' }, 'a processing instruction, other attributes'],
    [wrap('<Other><EMailAddress>no@b.c</EMailAddress></Other><LegacyDN>/o=x</LegacyDN>'), { LegacyDN: '/o=x' }, 'only direct children of Request count'],
    ['<Other><Request><EMailAddress>no@b.c</EMailAddress></Request></Other>', {}, 'another root'],
  ]
  for (const [text, expected, reason] of cases) t.same(readFieldsWithXmlParser(text), expected, reason)
})

t.test('refusals name the problem', async (t) => {
  const cases: Array<[string, RegExp, string]> = [
    ['<!DOCTYPE a><Autodiscover/>', /DOCTYPE/, 'a DTD'],
    [wrap('<!ELEMENT x ANY>'), /DOCTYPE/, 'a markup declaration anywhere'],
    [wrap('<EMailAddress>a</EMailAddress><EMailAddress>b</EMailAddress>'), /EMailAddress appears 2 times/, 'a repeated field'],
    [`${wrap('')}${wrap('')}`.replace('</Autodiscover><Autodiscover>', ''), /Request appears 2 times/, 'a repeated Request'],
    [`${wrap('')}${wrap('')}`, /root/, 'two roots'],
    [wrap('<EMailAddress>a<b>c</b></EMailAddress>'), /EMailAddress must contain only text/, 'markup inside a field'],
    [wrap('<EMailAddress>a</EMailAdress>'), /not well-formed.*line 1/, 'a mismatched end tag'],
    [wrap('<__proto__>x</__proto__>'), /not well-formed/, 'names that would pollute objects are refused by the parser'],
  ]
  for (const [text, problem, reason] of cases) t.match(readFieldsWithXmlParser(text), { problem }, reason)
})
