/**
 * Reads an Outlook autodiscover request (MS-OXDSCLI §3.2.5, request-pox), in one place, whatever the client:
 *
 *   <Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006">
 *     <Request>
 *       <EMailAddress>alice@example.com</EMailAddress>
 *       <AcceptableResponseSchema>http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a</AcceptableResponseSchema>
 *     </Request>
 *   </Autodiscover>
 *
 * Tolerated, because real clients send them: a UTF-8 byte-order mark and whitespace before the document, any
 * Content-Type (the route accepts all), namespace prefixes and `http`/`https` namespace spellings (elements are
 * matched by local name, schemas compared without scheme). Refused: DTDs and any entity beyond XML's five and
 * character references (see autodiscover-xml.ts). The body size is capped by the route.
 *
 * Outcomes map onto the Error codes of MS-OXDSCLI's ErrorCode table
 * (https://learn.microsoft.com/en-us/openspecs/exchange_server_protocols/ms-oxdscli/713ef4f4-83b2-4375-9d64-60c97ee5b166):
 * 600 "Invalid Request" for unreadable XML or no usable address, 601 for a response schema we cannot serve.
 */
import { requestedSchema, type OutlookSchema } from '../render/autodiscover-schemas.ts'
import { parseEmailAddress, type EmailAddress } from '../model/email-address.ts'
import { isXmlText } from '../render/xml.ts'
import { readFieldsWithXmlParser } from './autodiscover-xml.ts'

export interface AutodiscoverRequest {
  address: EmailAddress
  /** The Outlook schema to answer in. */
  schema: OutlookSchema
}

export type AutodiscoverRequestError = 'AUTODISCOVER_INVALID_REQUEST' | 'AUTODISCOVER_UNSUPPORTED_SCHEMA'

export type ParsedAutodiscoverRequest =
  | { ok: true, request: AutodiscoverRequest }
  | { ok: false, code: AutodiscoverRequestError, detail: string }

function invalid (detail: string): ParsedAutodiscoverRequest {
  return { ok: false, code: 'AUTODISCOVER_INVALID_REQUEST', detail }
}

/** Skips a UTF-8 byte-order mark (decoded as U+FEFF) and XML whitespace before the document. */
function withoutLeadingJunk (body: string): string {
  let start = body.charCodeAt(0) === 0xfeff ? 1 : 0
  while (start < body.length && ' \t\r\n'.includes(body[start]!)) start++
  return start === 0 ? body : body.slice(start)
}

/** Keeps an echoed schema value short and printable. */
function printable (value: string): string {
  const clean = value.replace(/[^\x21-\x7e]/g, '')
  return clean.length > 120 ? `${clean.slice(0, 120)}…` : clean
}

export function parseAutodiscoverRequest (body: unknown): ParsedAutodiscoverRequest {
  if (typeof body !== 'string' || body.trim() === '') {
    return invalid('The request has no body; POST the Autodiscover request XML with an EMailAddress')
  }
  const fields = readFieldsWithXmlParser(withoutLeadingJunk(body))
  if ('problem' in fields) return invalid(fields.problem)

  const email = fields.EMailAddress
  if (email === undefined || email === '') {
    // MS-OXDSCLI §3.2.5 prefers LegacyDN when both are sent; a legacy DN names an Exchange mailbox, which no
    // provider file describes, so only EMailAddress is used.
    return invalid(fields.LegacyDN === undefined
      ? 'The request has no Autodiscover/Request/EMailAddress'
      : 'Only EMailAddress is supported; LegacyDN names an Exchange mailbox')
  }
  // An address the answer could not hold unchanged (XML 1.0 §2.2 Char) is no address.
  const address = isXmlText(email) ? parseEmailAddress(email) : undefined
  if (address === undefined) return invalid('EMailAddress is not an address such as alice@example.com')

  const schema = requestedSchema(fields.AcceptableResponseSchema)
  if (schema === 'mobilesync') {
    return {
      ok: false,
      code: 'AUTODISCOVER_UNSUPPORTED_SCHEMA',
      detail: 'The mobilesync (ActiveSync) schema is not served here: there is no ActiveSync server. Ask for http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a',
    }
  }
  if (schema === 'unknown') {
    return {
      ok: false,
      code: 'AUTODISCOVER_UNSUPPORTED_SCHEMA',
      detail: `AcceptableResponseSchema ${printable(fields.AcceptableResponseSchema ?? '')} is not served here. Ask for http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a`,
    }
  }
  return { ok: true, request: { address, schema } }
}
