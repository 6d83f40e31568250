/**
 * The one XML builder configuration every renderer uses. fast-xml-parser's XMLBuilder escapes `& < > " '` in
 * text and attribute values (processEntities), so no value can break out of its element. Attributes are keys
 * prefixed with `@_`, text beside attributes is `#text`; `ignoreAttributes: false` matters, because the default
 * silently drops attributes such as `type="imap"`.
 */
import { XMLBuilder } from 'fast-xml-parser'

export const ATTR = '@_'

const builder = new XMLBuilder({
  ignoreAttributes: false,
  attributeNamePrefix: ATTR,
  textNodeName: '#text',
  format: true,
  indentBy: '  ',
  suppressEmptyNode: true,
  processEntities: true,
})

export type XmlNode = { [name: string]: XmlValue }
export type XmlValue = string | number | XmlNode | XmlValue[] | undefined

const DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n'

/** Serialises one document with an XML declaration; `undefined` members are left out. */
export function buildXml (root: XmlNode): string {
  return DECLARATION + (builder.build(root) as string)
}
