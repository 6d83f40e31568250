/**
 * The reader of autodiscover requests, whatever they hold (comments, CDATA, processing instructions, unusual
 * prefixes or attributes). It is fast-xml-parser, hardened:
 * - No DTD: any `<!` that does not open a comment or CDATA section is refused before parsing, so no entity can
 *   be declared, no external entity fetched, no entity bomb expanded (Modoboa's XXE report,
 *   modoboa/autoconfig/tests.py, is the cautionary tale).
 * - References resolve only to XML's five predefined entities and character references, through
 *   fast-xml-parser's own decoder (@nodable/entities) configured with nothing else; an entity declared in a
 *   document would be refused outright, were a DTD ever to get this far.
 * - The document must pass fast-xml-parser's validator; elements are matched by local name
 *   (`removeNSPrefix`), every element is read as a list so a repeated field is noticed, not silently merged.
 * The body has already been capped (64 KiB) by the route, and the parser refuses nesting deeper than 100.
 */
import { EntityDecoder, ENTITY_ACTION } from '@nodable/entities'
import { XMLParser, XMLValidator } from 'fast-xml-parser'
import { FIELD_NAMES, REQUEST_ELEMENT, ROOT_ELEMENT, type RequestFields, type UnreadableRequest } from './autodiscover-fields.ts'

const MARKUP_DECLARATION = /<!(?!--|\[CDATA\[)/

const parser = new XMLParser({
  removeNSPrefix: true,
  ignoreAttributes: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
  parseTagValue: false,
  trimValues: true,
  processEntities: true,
  entityDecoder: new EntityDecoder({ numericAllowed: true, onInputEntity: () => ENTITY_ACTION.THROW }),
  isArray: () => true,
})

type Node = Record<string, unknown>

/** The one child `name` of `node`: undefined when absent, an error text when repeated. */
function only (node: unknown, name: string): { value: unknown } | string | undefined {
  if (typeof node !== 'object' || node === null || !Object.hasOwn(node, name)) return undefined
  const list = (node as Node)[name] as unknown[]
  if (list.length !== 1) return `${name} appears ${list.length} times`
  return { value: list[0] }
}

export function readFieldsWithXmlParser (text: string): RequestFields | UnreadableRequest {
  if (MARKUP_DECLARATION.test(text)) return { problem: 'DOCTYPE and other markup declarations are not allowed' }
  const valid = XMLValidator.validate(text)
  if (valid !== true) return { problem: `The request is not well-formed XML: ${valid.err.msg} (line ${valid.err.line})` }
  let document: unknown
  try {
    document = parser.parse(text)
  } catch (error) {
    return { problem: `The request is not well-formed XML: ${(error as Error).message}` }
  }
  const root = only(document, ROOT_ELEMENT)
  if (typeof root === 'string') return { problem: root }
  const request = only(root?.value, REQUEST_ELEMENT)
  if (typeof request === 'string') return { problem: request }
  const fields: RequestFields = {}
  for (const name of FIELD_NAMES) {
    const field = only(request?.value, name)
    if (typeof field === 'string') return { problem: field }
    if (field === undefined) continue
    if (typeof field.value !== 'string') return { problem: `${name} must contain only text` }
    fields[name] = field.value
  }
  return fields
}
