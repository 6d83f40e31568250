/**
 * E-mail addresses and domains as clients send them: in a query string, a Host header or an XML body.
 * Everything is normalised the way Thunderbird's InputSanitizer does (trim, lower-case the domain, drop a
 * trailing dot) and internationalised domains become A-labels (RFC 5890), so lookups compare like with like.
 */
import { isIP } from 'node:net'
import { toAsciiHostname } from './provider.ts'

export interface EmailAddress {
  /** `local@domain`, with the domain in normalised A-label form. */
  address: string
  localPart: string
  domain: string
}

/** RFC 5321 §4.5.3.1.3: a path is at most 256 octets, so an address is at most 254. */
export const MAX_ADDRESS_LENGTH = 254
/** RFC 5321 §4.5.3.1.1. */
const MAX_LOCAL_PART_LENGTH = 64
/** Characters that never appear unquoted in a local part (RFC 5322 §3.2.3 atext plus "."), or are controls. */
// eslint-disable-next-line no-control-regex -- control characters are exactly what must be refused
const LOCAL_PART_FORBIDDEN = /[\s"(),:;<>@[\\\]\x00-\x1f\x7f]/

/** Normalises a domain for lookup; undefined when it is not a usable domain name. */
export function normalizeDomain (value: string): string | undefined {
  const ascii = toAsciiHostname(value)
  return ascii !== undefined && ascii.includes('.') ? ascii : undefined
}

/** Parses `local@domain`; undefined when it is not a plausible mailbox address. */
export function parseEmailAddress (value: string): EmailAddress | undefined {
  const trimmed = value.trim()
  if (trimmed.length === 0 || trimmed.length > MAX_ADDRESS_LENGTH) return undefined
  // The address's one `@`: a local part holding another is refused below (LOCAL_PART_FORBIDDEN), so an address
  // with two is refused here.
  const at = trimmed.indexOf('@')
  if (at <= 0 || at === trimmed.length - 1 || trimmed.indexOf('@', at + 1) !== -1) return undefined
  const localPart = trimmed.slice(0, at)
  if (localPart.length > MAX_LOCAL_PART_LENGTH || LOCAL_PART_FORBIDDEN.test(localPart)) return undefined
  if (localPart.startsWith('.') || localPart.endsWith('.') || localPart.includes('..')) return undefined
  const domain = normalizeDomain(trimmed.slice(at + 1))
  if (domain === undefined) return undefined
  return { address: `${localPart}@${domain}`, localPart, domain }
}

/**
 * The mail domain a request is about when it names no address: Thunderbird for Android asks
 * `autoconfig.example.com` without `?emailaddress=`, and Outlook reaches `autodiscover.example.com`.
 */
export function domainFromHost (host: string | undefined): string | undefined {
  if (host === undefined) return undefined
  const name = host.trim().replace(/:\d+$/, '')
  const bare = name.replace(/^(autoconfig|autodiscover)\./i, '')
  // An address literal (RFC 3986 §3.2.2: IPv4, or IPv6 in brackets) names no mail domain.
  if (isIP(bare.replace(/^\[(.*)\]$/, '$1')) !== 0) return undefined
  return normalizeDomain(bare)
}
