/**
 * What we read from an autodiscover request: the text of three children of `Autodiscover/Request`, matched by
 * local name so that `<a:EMailAddress>` and `<EMailAddress>` are the same element (request-pox:
 * https://learn.microsoft.com/en-us/exchange/client-developer/web-service-reference/request-pox). The reader is
 * autodiscover-xml.ts.
 */
export const ROOT_ELEMENT = 'Autodiscover'
export const REQUEST_ELEMENT = 'Request'
export const FIELD_NAMES = ['EMailAddress', 'LegacyDN', 'AcceptableResponseSchema'] as const
export type FieldName = typeof FIELD_NAMES[number]

/** Each field's text, trimmed, with entity and character references resolved; absent when the element is. */
export type RequestFields = Partial<Record<FieldName, string>>

/** Why a body is not a readable request; the text goes into the Error document's `Message`. */
export interface UnreadableRequest {
  problem: string
}
