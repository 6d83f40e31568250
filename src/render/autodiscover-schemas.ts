/**
 * The namespaces of Microsoft's autodiscover protocol, shared by request parsing and response rendering.
 * Clients name the response they want in `AcceptableResponseSchema` ([MS-OXDSCLI] §2.2.3.1,
 * https://learn.microsoft.com/en-us/openspecs/exchange_server_protocols/ms-oxdscli/c70a5210-4171-4693-86c5-bbe470c6342b).
 * Every real client writes `http://`; Microsoft's documentation prints `https://`, so values are compared
 * without their scheme, case or a trailing slash.
 */

/** The root element of every response, settings or error ([MS-OXDSCLI] §2.2.4). */
export const RESPONSE_NAMESPACE = 'http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006'

/**
 * The Outlook response schemas we answer in. `…/2006a` is what Outlook 2007+ and Thunderbird ask for; `…/2006` is
 * the older name some tools still offer. The answer uses the namespace the client asked for.
 */
export const OUTLOOK_RESPONSE_SCHEMAS = {
  'outlook-2006a': 'http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a',
  'outlook-2006': 'http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006',
} as const
export type OutlookSchema = keyof typeof OUTLOOK_RESPONSE_SCHEMAS

/**
 * ActiveSync's schema ([MS-ASCMD] §2.2.3.1), also sent by the new Outlook for Windows. Serving it needs an
 * ActiveSync server, which a provider file cannot describe, so such requests get Error 601.
 */
export const MOBILESYNC_RESPONSE_SCHEMA = 'http://schemas.microsoft.com/exchange/autodiscover/mobilesync/responseschema/2006'

export type RequestedSchema = OutlookSchema | 'mobilesync' | 'unknown'

function comparable (uri: string): string {
  return uri.trim().toLowerCase().replace(/^https?:\/\//, '').replace(/\/+$/, '')
}

/** Each schema as the constants above spell it, which is how real clients write it. */
const VERBATIM = new Map<string, RequestedSchema>([
  [OUTLOOK_RESPONSE_SCHEMAS['outlook-2006a'], 'outlook-2006a'],
  [OUTLOOK_RESPONSE_SCHEMAS['outlook-2006'], 'outlook-2006'],
  [MOBILESYNC_RESPONSE_SCHEMA, 'mobilesync'],
])

/** The same schemas, normalised (`comparable`), for the spellings that differ in case, scheme or slashes. */
const KNOWN = new Map<string, RequestedSchema>([...VERBATIM].map(([uri, schema]) => [comparable(uri), schema]))

/**
 * Which response a request asks for. A request without `AcceptableResponseSchema` gets the Outlook answer: the
 * element is required, but Outlook's is the only answer we have, and refusing would help nobody.
 */
export function requestedSchema (value: string | undefined): RequestedSchema {
  if (value === undefined) return 'outlook-2006a'
  // Real clients write one of these exactly, so the exact spellings are looked up before normalising.
  const verbatim = VERBATIM.get(value)
  if (verbatim !== undefined) return verbatim
  if (value.trim() === '') return 'outlook-2006a'
  return KNOWN.get(comparable(value)) ?? 'unknown'
}
