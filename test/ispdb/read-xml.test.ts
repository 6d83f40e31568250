import t from 'tap'
import { attributeOf, lineIndex, readXml, textOf, XmlReadError, type XmlElement } from '../../src/ispdb/read-xml.ts'

function elements (element: XmlElement): XmlElement[] {
  return element.children.filter((child): child is XmlElement => child.kind === 'element')
}

function refusal (xml: string): { line: number, message: string } {
  try {
    readXml(xml)
  } catch (error) {
    if (error instanceof XmlReadError) return { line: error.line, message: error.message }
    throw error
  }
  throw new Error('expected the document to be refused')
}

t.test('elements keep their start line, with LF and with CRLF line endings', async (t) => {
  const xml = '<?xml version="1.0"?>\n<a>\n  <b x="1"/>\n  <!-- note -->\n  <c>text</c>\n</a>\n'
  for (const text of [xml, xml.replaceAll('\n', '\r\n')]) {
    const { root } = readXml(text)
    t.equal(root.name, 'a')
    t.equal(root.line, 2)
    t.same(elements(root).map((e) => [e.name, e.line]), [['b', 3], ['c', 5]])
    t.same(root.children.filter((c) => c.kind === 'comment'), [{ kind: 'comment', text: ' note ' }])
    t.equal(attributeOf(elements(root)[0]!, 'x'), '1')
    t.equal(textOf(elements(root)[1]!), 'text')
  }
})

t.test('the five XML entities and numeric references are decoded exactly once', async (t) => {
  const { root } = readXml('<a u="?x=1&amp;y=&#50;">&lt;b&gt; &amp;amp; &#233;&#xE9; &quot;&apos;</a>')
  t.equal(textOf(root), '<b> &amp; éé "\'')
  t.equal(attributeOf(root, 'u'), '?x=1&y=2')
})

t.test('CDATA is text; comments outside the root are kept apart; a BOM is removed and noted', async (t) => {
  const doc = readXml('\uFEFF<!-- before --><a><![CDATA[<raw & text>]]></a>\n<!-- after -->\n')
  t.equal(textOf(doc.root), '<raw & text>')
  t.same(doc.outerComments, [' before ', ' after '])
  t.same(doc.notes, [{ line: 1, message: 'byte-order mark removed (the 1.2 draft says UTF-8 "without BOM"; the ISPDB refuses one)' }])
})

t.test('refused: DTDs, undeclared entities, malformed XML, no root', async (t) => {
  t.match(refusal('<?xml version="1.0"?>\n<!DOCTYPE a [<!ENTITY x "y">]>\n<a>&x;</a>'), { line: 2, message: /^<!DOCTYPE> is not accepted: autoconfig files need no DTD/ })
  t.match(refusal('<a>\n<b>&nbsp;</b></a>'), { line: 2, message: /^&nbsp; is not defined: without a DTD only &amp; &lt; &gt; &quot; &apos;/ })
  t.match(refusal('<a>\n<b></a>'), { line: 2, message: /^not well-formed XML: / })
  t.match(refusal('<a x="1" x="2"/>'), { line: 1, message: /^not well-formed XML: Attribute 'x' is repeated/ })
  t.match(refusal('<!-- only a comment -->'), { line: 1 })
  t.same(readXml('<a><!-- <!DOCTYPE in a comment --> &amp;nbsp;</a>').root.name, 'a', 'markup inside comments and escaped text is not mistaken for a DTD or entity')
})

t.test('lineIndex maps offsets to 1-based lines', async (t) => {
  const lineAt = lineIndex('ab\ncd\n\nef')
  t.same([0, 2, 3, 5, 6, 7, 9].map(lineAt), [1, 1, 2, 2, 3, 4, 4])
})
