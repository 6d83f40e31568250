/**
 * The hot-path reader of autodiscover requests: a strict scanner that knows the request's five element names
 * and nothing else. A general XML parser costs more CPU per request than all of Fastify's own work, for the
 * three short strings we need.
 *
 * The scanner answers only for a narrow, well-formed subset of XML: an optional `<?xml version="1.0"?>`
 * declaration (encoding UTF-8 if named), then `Autodiscover` > `Request` > `EMailAddress` / `LegacyDN` /
 * `AcceptableResponseSchema`, each at most once, with optional namespace prefixes, `xmlns` attributes only,
 * whitespace between elements, and text using XML's five predefined entities and character references. For
 * anything else (comments, CDATA, processing instructions, DOCTYPE, other elements or attributes, odd
 * references, a carriage return inside a value) it returns `undefined`, meaning "not sure", and the caller asks
 * the general parser (autodiscover-xml.ts). test/parse/autodiscover-scanner.test.ts feeds generated valid, odd
 * and hostile documents to both and requires that, whenever the scanner answers, its answer is the parser's.
 */
import { FIELD_NAMES, REQUEST_ELEMENT, ROOT_ELEMENT, type FieldName, type RequestFields } from './autodiscover-fields.ts'

const TAB = 0x09
const LF = 0x0a
const CR = 0x0d
const SPACE = 0x20
const QUOTE = 0x22
const AMP = 0x26
const APOSTROPHE = 0x27
const SLASH = 0x2f
const COLON = 0x3a
const LT = 0x3c
const EQUALS = 0x3d
const GT = 0x3e

/** XML's declaration, as clients write it; anything fancier goes to the general parser. */
const DECLARATION = /<\?xml[ \t\r\n]+version[ \t\r\n]*=[ \t\r\n]*(["'])1\.0\1(?:[ \t\r\n]+encoding[ \t\r\n]*=[ \t\r\n]*(["'])[Uu][Tt][Ff]-8\2)?(?:[ \t\r\n]+standalone[ \t\r\n]*=[ \t\r\n]*(["'])(?:yes|no)\3)?[ \t\r\n]*\?>/y

const PREDEFINED_ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" }

function isSpace (c: number): boolean {
  return c === SPACE || c === LF || c === TAB || c === CR
}

function isNameStart (c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c === 0x5f
}

function isNameChar (c: number): boolean {
  return isNameStart(c) || (c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x2e
}

/** XML 1.0 §2.2 Char. */
function isXmlChar (code: number): boolean {
  return code === TAB || code === LF || code === CR || (code >= 0x20 && code <= 0xd7ff) ||
    (code >= 0xe000 && code <= 0xfffd) || (code >= 0x10000 && code <= 0x10ffff)
}

/** Resolves `&amp;`-style and `&#…;` references; undefined for anything else or text XML forbids. */
function decodeText (raw: string): string | undefined {
  if (raw.includes('\r') || raw.includes(']]>')) return undefined
  if (!raw.includes('&')) return raw
  let out = ''
  let last = 0
  for (let amp = raw.indexOf('&'); amp !== -1; amp = raw.indexOf('&', last)) {
    const semi = raw.indexOf(';', amp)
    if (semi === -1 || semi - amp > 12) return undefined
    const name = raw.slice(amp + 1, semi)
    let char: string | undefined
    if (name.startsWith('#x')) {
      char = /^[0-9a-fA-F]{1,6}$/.test(name.slice(2)) ? fromCodePoint(Number.parseInt(name.slice(2), 16)) : undefined
    } else if (name.startsWith('#')) {
      char = /^[0-9]{1,7}$/.test(name.slice(1)) ? fromCodePoint(Number.parseInt(name.slice(1), 10)) : undefined
    } else {
      char = Object.hasOwn(PREDEFINED_ENTITIES, name) ? PREDEFINED_ENTITIES[name] : undefined
    }
    if (char === undefined) return undefined
    out += raw.slice(last, amp) + char
    last = semi + 1
  }
  return out + raw.slice(last)
}

function fromCodePoint (code: number): string | undefined {
  return isXmlChar(code) ? String.fromCodePoint(code) : undefined
}

interface StartTag {
  qname: string
  local: string
  selfClosing: boolean
}

class Scanner {
  readonly text: string
  pos = 0

  constructor (text: string) {
    this.text = text
  }

  skipSpace (): void {
    const { text } = this
    while (this.pos < text.length && isSpace(text.charCodeAt(this.pos))) this.pos++
  }

  /** An NCName: ASCII letters, digits, `_ - .`, not starting with a digit, `-` or `.`. */
  name (): boolean {
    const { text } = this
    if (!isNameStart(text.charCodeAt(this.pos))) return false
    this.pos++
    while (isNameChar(text.charCodeAt(this.pos))) this.pos++
    return true
  }

  /** `prefix:local` or `local`; returns where the local part starts, or -1. */
  qname (): number {
    const start = this.pos
    if (!this.name()) return -1
    if (this.text.charCodeAt(this.pos) !== COLON) return start
    this.pos++
    const local = this.pos
    return this.name() ? local : -1
  }

  /** `<name (S xmlns[:p]="…")* S? (> | />)`, at `<`. */
  startTag (): StartTag | undefined {
    const { text } = this
    if (text.charCodeAt(this.pos) !== LT) return undefined
    this.pos++
    const start = this.pos
    const localStart = this.qname()
    if (localStart === -1) return undefined
    const qname = text.slice(start, this.pos)
    if (localStart !== start && qname.startsWith('xmlns:')) return undefined
    const seen: string[] = []
    for (;;) {
      const c = text.charCodeAt(this.pos)
      if (c === GT) {
        this.pos++
        return { qname, local: text.slice(localStart, start + qname.length), selfClosing: false }
      }
      if (c === SLASH) {
        if (text.charCodeAt(this.pos + 1) !== GT) return undefined
        this.pos += 2
        return { qname, local: text.slice(localStart, start + qname.length), selfClosing: true }
      }
      if (!isSpace(c)) return undefined
      this.skipSpace()
      const next = text.charCodeAt(this.pos)
      if (next === GT || next === SLASH) continue
      if (!this.namespaceAttribute(seen)) return undefined
    }
  }

  /** `xmlns="…"` or `xmlns:p="…"`, once each; values without `<` or `&`. */
  namespaceAttribute (seen: string[]): boolean {
    const { text } = this
    const start = this.pos
    if (this.qname() === -1) return false
    const name = text.slice(start, this.pos)
    if ((name !== 'xmlns' && !name.startsWith('xmlns:')) || seen.includes(name)) return false
    seen.push(name)
    this.skipSpace()
    if (text.charCodeAt(this.pos) !== EQUALS) return false
    this.pos++
    this.skipSpace()
    const quote = text.charCodeAt(this.pos)
    if (quote !== QUOTE && quote !== APOSTROPHE) return false
    const close = text.indexOf(quote === QUOTE ? '"' : "'", this.pos + 1)
    if (close === -1) return false
    for (let i = this.pos + 1; i < close; i++) {
      const c = text.charCodeAt(i)
      if (c === LT || c === AMP) return false
    }
    this.pos = close + 1
    return true
  }

  /** `</qname S? >`, exactly matching the start tag's name. */
  endTag (qname: string): boolean {
    const { text } = this
    if (text.charCodeAt(this.pos) !== LT || text.charCodeAt(this.pos + 1) !== SLASH) return false
    if (!text.startsWith(qname, this.pos + 2)) return false
    this.pos += 2 + qname.length
    this.skipSpace()
    if (text.charCodeAt(this.pos) !== GT) return false
    this.pos++
    return true
  }

  /** Element content that is only whitespace and known children; calls `child` for each start tag. */
  children (parent: StartTag, child: (tag: StartTag) => boolean): boolean {
    if (parent.selfClosing) return true
    const { text } = this
    for (;;) {
      this.skipSpace()
      if (text.charCodeAt(this.pos) !== LT) return false
      if (text.charCodeAt(this.pos + 1) === SLASH) return this.endTag(parent.qname)
      const tag = this.startTag()
      if (tag === undefined || !child(tag)) return false
    }
  }

  /** A field's text up to its end tag: trimmed first, then references resolved (as the general parser does). */
  fieldText (tag: StartTag): string | undefined {
    if (tag.selfClosing) return ''
    const end = this.text.indexOf('<', this.pos)
    if (end === -1) return undefined
    const value = decodeText(this.text.slice(this.pos, end).trim())
    this.pos = end
    return value !== undefined && this.endTag(tag.qname) ? value : undefined
  }
}

function isField (name: string): name is FieldName {
  return (FIELD_NAMES as readonly string[]).includes(name)
}

/** The request's fields, or undefined when the scanner is not sure; see the header. */
export function scanRequestFields (text: string): RequestFields | undefined {
  const scanner = new Scanner(text)
  if (text.startsWith('<?xml')) {
    DECLARATION.lastIndex = 0
    if (!DECLARATION.test(text)) return undefined
    scanner.pos = DECLARATION.lastIndex
  }
  scanner.skipSpace()
  const root = scanner.startTag()
  if (root === undefined || root.local !== ROOT_ELEMENT) return undefined

  const fields: RequestFields = {}
  let sawRequest = false
  const readRequest = (request: StartTag): boolean => {
    if (request.local !== REQUEST_ELEMENT || sawRequest) return false
    sawRequest = true
    return scanner.children(request, (field) => {
      if (!isField(field.local) || fields[field.local] !== undefined) return false
      const value = scanner.fieldText(field)
      if (value === undefined) return false
      fields[field.local] = value
      return true
    })
  }
  if (!scanner.children(root, readRequest)) return undefined
  scanner.skipSpace()
  return scanner.pos === text.length ? fields : undefined
}
