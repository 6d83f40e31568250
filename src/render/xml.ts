/**
 * The one XML builder configuration every renderer uses. fast-xml-parser's XMLBuilder writes the document; every
 * text and attribute value passes through `escapedXmlText` on the way, which escapes `& < > " '`, so no value can
 * break out of its element. Attributes are keys
 * prefixed with `@_`, text beside attributes is `#text`; `ignoreAttributes: false` matters, because the default
 * silently drops attributes such as `type="imap"`.
 */
import { XMLBuilder } from 'fast-xml-parser'

export const ATTR = '@_'

/** What the autoconfig and autodiscover answers are sent as. */
export const XML_CONTENT_TYPE = 'application/xml; charset=utf-8'

export type XmlNode = { [name: string]: XmlValue }
export type XmlValue = string | number | XmlNode | XmlValue[] | undefined

const DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n'

/** Anything outside XML 1.0's `Char` production (https://www.w3.org/TR/xml/#charsets): no escape can write it. */
const NOT_XML_CHAR = /[^\t\n\r\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu

/**
 * Text as an XML document can hold it: each character outside `Char` (C0 controls, lone surrogates, U+FFFE/FFFF)
 * becomes U+FFFD. The builder below calls it for every text and attribute value, whether it came from a provider
 * file, a request or a parser's message quoting a request's bytes.
 */
export function xmlText (text: string): string {
  return text.replace(NOT_XML_CHAR, '\uFFFD')
}

/** True when every character of `text` is an XML `Char`, so a document can hold it unchanged. */
export function isXmlText (text: string): boolean {
  return text.search(NOT_XML_CHAR) === -1
}

/** The characters XML reserves, as the entities the builder would write for them (fast-xml-builder's own table). */
const ENTITY = { '&': '&amp;', '<': '&lt;', '>': '&gt;', "'": '&apos;', '"': '&quot;' } as const satisfies Record<string, string>
const RESERVED_OR_NOT_XML_CHAR = new RegExp(`[&<>'"]|${NOT_XML_CHAR.source}`, 'gu')

/**
 * `xmlText` and the builder's escaping in one pass: each reserved character becomes its entity and each character
 * outside `Char` U+FFFD. The same bytes as the builder's own `processEntities`, which runs one replace per entity
 * over every value.
 */
export function escapedXmlText (text: string): string {
  return text.replace(RESERVED_OR_NOT_XML_CHAR, (char) => ENTITY[char as keyof typeof ENTITY] ?? '\uFFFD')
}

const builder = new XMLBuilder({
  ignoreAttributes: false,
  attributeNamePrefix: ATTR,
  textNodeName: '#text',
  format: true,
  indentBy: '  ',
  suppressEmptyNode: true,
  // Its default writes an attribute whose value is "true" as a bare name (`<emailProvider id>`), which is not XML.
  suppressBooleanAttributes: false,
  // Escaping is done by the value processors below, which the builder calls for every text and attribute value.
  processEntities: false,
  tagValueProcessor: (_name: string, value: unknown) => typeof value === 'string' ? escapedXmlText(value) : value,
  attributeValueProcessor: (_name: string, value: unknown) => typeof value === 'string' ? escapedXmlText(value) : value,
})

/** Serialises one document with an XML declaration; `undefined` members are left out. */
export function buildXml (root: XmlNode): string {
  return DECLARATION + (builder.build(root) as string)
}
