/**
 * Placeholder expansion, in one place. Mozilla's clients substitute `%EMAILADDRESS%`, `%EMAILLOCALPART%`,
 * `%EMAILDOMAIN%` themselves (autoconfig keeps them literal); Outlook's autodiscover and our JSON API need them
 * filled in from the address the client asked about. `%REALNAME%` is unknown to a server and stays literal.
 */
import type { EmailAddress } from './email-address.ts'

const PLACEHOLDER = /%(EMAILADDRESS|EMAILLOCALPART|EMAILDOMAIN)%/g
const PLACEHOLDER_VALUE = {
  EMAILADDRESS: (address: EmailAddress) => address.address,
  EMAILLOCALPART: (address: EmailAddress) => address.localPart,
  EMAILDOMAIN: (address: EmailAddress) => address.domain,
} as const satisfies Record<string, (address: EmailAddress) => string>

export function fillPlaceholders (template: string, address: EmailAddress): string {
  // Most host names hold no placeholder, and the usual username is exactly `%EMAILADDRESS%`: neither needs the
  // regular expression and its callback, which every host and username of every answer would otherwise go through.
  if (!template.includes('%')) return template
  if (template === '%EMAILADDRESS%') return address.address
  return template.replace(PLACEHOLDER, (_slot, name: keyof typeof PLACEHOLDER_VALUE) => PLACEHOLDER_VALUE[name](address))
}

/** Keeps `@`, which a path segment allows (RFC 3986 §3.3 pchar) and servers expect literally. */
export function encodeForUrl (value: string): string {
  return encodeURIComponent(value).replaceAll('%40', '@')
}

/**
 * `fillPlaceholders` for a URL template such as a CardDAV collection `…/principals/%EMAILADDRESS%/`: each value is
 * percent-encoded, so a local part holding `/`, `?`, `#` or `%` stays inside its path segment.
 */
export function fillUrlPlaceholders (template: string, address: EmailAddress): string {
  if (!template.includes('%')) return template
  return template.replace(PLACEHOLDER, (_slot, name: keyof typeof PLACEHOLDER_VALUE) => encodeForUrl(PLACEHOLDER_VALUE[name](address)))
}
