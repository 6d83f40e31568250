/**
 * Reads a Mozilla autoconfig file into a small element tree that remembers, for every element, the line it starts
 * on, and keeps comments in place. Parsing is fast-xml-parser's (preserveOrder + captureMetaData); this module
 * adds what an import needs on top:
 *
 * - DTDs are refused outright (no `<!DOCTYPE`, no `<!ENTITY`): a config file has no use for them, and entity
 *   expansion is the classic way to make an XML reader do unbounded work (XXE, "billion laughs").
 * - Without a DTD only the five predefined entities (`&amp;` `&lt;` `&gt;` `&quot;` `&apos;`) and numeric
 *   character references exist (XML 1.0 §4.1, §4.6); any other `&name;` makes the file not well-formed.
 * - CRLF line endings, a missing XML declaration, tabs and a byte-order mark are accepted (the ISPDB has all but
 *   the last; its CI rejects a BOM, we only report it).
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser'

export interface XmlElement {
  kind: 'element'
  name: string
  /** Attributes in document order, entities decoded. */
  attributes: ReadonlyArray<readonly [string, string]>
  children: XmlNode[]
  /** 1-based line of the element's start tag. */
  line: number
}

export interface XmlText { kind: 'text', text: string }
export interface XmlComment { kind: 'comment', text: string }
export type XmlNode = XmlElement | XmlText | XmlComment

export interface XmlDocument {
  root: XmlElement
  /** Comments outside the root element (before or after it). */
  outerComments: string[]
  /** Things about the raw form worth reporting, such as a byte-order mark, each with its line. */
  notes: Array<{ line: number, message: string }>
}

export class XmlReadError extends Error {
  readonly line: number
  readonly col: number | undefined
  constructor (line: number, message: string, col?: number) {
    super(message)
    this.name = 'XmlReadError'
    this.line = line
    this.col = col
  }
}

const PREDEFINED_ENTITIES = new Set(['amp', 'lt', 'gt', 'quot', 'apos'])
const COMMENT = '#comment'
const TEXT = '#text'
const CDATA = '#cdata'
const ATTRIBUTES = ':@'
const METADATA = XMLParser.getMetaDataSymbol() as unknown as symbol

const parser = new XMLParser({
  preserveOrder: true,
  captureMetaData: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  commentPropName: COMMENT,
  cdataPropName: CDATA,
  textNodeName: TEXT,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  // Decodes numeric character references; the HTML named entities it would also decode never get here,
  // because any entity beyond XML's five is refused before parsing.
  htmlEntities: true,
})

/** Maps string offsets to 1-based line numbers. */
export function lineIndex (text: string): (offset: number) => number {
  const starts = [0]
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1)
  return (offset) => {
    let low = 0
    let high = starts.length - 1
    while (low < high) {
      const mid = (low + high + 1) >> 1
      if (starts[mid]! <= offset) low = mid
      else high = mid - 1
    }
    return low + 1
  }
}

/** The text with comments and CDATA sections blanked out (same length, newlines kept) so scans skip them. */
function markupOnly (text: string): string {
  return text.replace(/<!--[\s\S]*?-->|<!\[CDATA\[[\s\S]*?\]\]>/g, (section) => section.replace(/[^\n]/g, ' '))
}

function refuseDtdAndUnknownEntities (text: string, lineAt: (offset: number) => number): void {
  const markup = markupOnly(text)
  const dtd = /<!(DOCTYPE|ENTITY)\b/i.exec(markup)
  if (dtd !== null) {
    throw new XmlReadError(lineAt(dtd.index), `<!${dtd[1]}> is not accepted: autoconfig files need no DTD, and entity declarations can make a reader expand text without bound`)
  }
  for (const match of markup.matchAll(/&([^\s;&<]*);/g)) {
    const name = match[1]!
    if (PREDEFINED_ENTITIES.has(name) || /^#([0-9]+|x[0-9a-fA-F]+)$/.test(name)) continue
    throw new XmlReadError(lineAt(match.index), `&${name}; is not defined: without a DTD only &amp; &lt; &gt; &quot; &apos; and numeric references such as &#233; exist`)
  }
}

type ParsedNode = Record<string, unknown>

function toNodes (parsed: readonly ParsedNode[], lineAt: (offset: number) => number): XmlNode[] {
  const nodes: XmlNode[] = []
  for (const entry of parsed) {
    const name = Object.keys(entry).find((key) => key !== ATTRIBUTES)
    if (name === undefined) continue
    const value = entry[name] as ParsedNode[] | string
    if (name === TEXT) {
      nodes.push({ kind: 'text', text: String(value) })
    } else if (name === COMMENT || name === CDATA) {
      const text = (value as ParsedNode[]).map((part) => String(part[TEXT] ?? '')).join('')
      nodes.push(name === COMMENT ? { kind: 'comment', text } : { kind: 'text', text })
    } else {
      const attributes = Object.entries((entry[ATTRIBUTES] ?? {}) as Record<string, unknown>).map(([key, v]) => [key, String(v)] as const)
      const offset = (entry as Record<symbol, { startIndex?: number } | undefined>)[METADATA]?.startIndex ?? 0
      nodes.push({ kind: 'element', name, attributes, children: toNodes(value as ParsedNode[], lineAt), line: lineAt(offset) })
    }
  }
  return nodes
}

/** Parses one autoconfig file; throws XmlReadError (with a line) when it is not well-formed or uses a DTD. */
export function readXml (input: string): XmlDocument {
  const notes: XmlDocument['notes'] = []
  let text = input
  if (text.startsWith('\uFEFF')) {
    text = text.slice(1)
    notes.push({ line: 1, message: 'byte-order mark removed (the 1.2 draft says UTF-8 "without BOM"; the ISPDB refuses one)' })
  }
  const lineAt = lineIndex(text)
  refuseDtdAndUnknownEntities(text, lineAt)
  const valid = XMLValidator.validate(text)
  if (valid !== true) {
    // The validator reports a file that ends inside elements with the JSON of their names; say which, and where.
    const open = /^Invalid '(\[.*\])' found\.$/s.exec(valid.err.msg)
    if (open !== null) {
      const names = JSON.parse(open[1]!) as string[]
      const lines = text.split('\n')
      throw new XmlReadError(lines.length, `unexpected end of file inside <${names.at(-1) ?? ''}>`, lines.at(-1)!.length + 1)
    }
    throw new XmlReadError(valid.err.line, `not well-formed XML: ${valid.err.msg}`, valid.err.col)
  }

  const top = toNodes(parser.parse(text) as ParsedNode[], lineAt)
  const elements = top.filter((node): node is XmlElement => node.kind === 'element')
  const root = elements[0]
  if (root === undefined) throw new XmlReadError(1, 'no root element')
  const outerComments = top.filter((node): node is XmlComment => node.kind === 'comment').map((node) => node.text)
  return { root, outerComments, notes }
}

/** The element's text content (text and CDATA children), trimmed. */
export function textOf (element: XmlElement): string {
  return element.children.map((child) => child.kind === 'text' ? child.text : '').join('').trim()
}

export function attributeOf (element: XmlElement, name: string): string | undefined {
  return element.attributes.find(([key]) => key === name)?.[1]
}
