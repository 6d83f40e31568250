/**
 * Placeholder expansion, in one place. Mozilla's clients substitute `%EMAILADDRESS%`, `%EMAILLOCALPART%`,
 * `%EMAILDOMAIN%` themselves (autoconfig keeps them literal); Outlook's autodiscover and our JSON API need them
 * filled in from the address the client asked about. `%REALNAME%` is unknown to a server and stays literal.
 */
import type { EmailAddress } from './email-address.ts'

export function fillPlaceholders (template: string, address: EmailAddress): string {
  if (!template.includes('%')) return template
  return template
    .replaceAll('%EMAILADDRESS%', address.address)
    .replaceAll('%EMAILLOCALPART%', address.localPart)
    .replaceAll('%EMAILDOMAIN%', address.domain)
}

const PLACEHOLDER_SLOT = /%(EMAILADDRESS|EMAILLOCALPART|EMAILDOMAIN)%/
const SLOT_VALUE = {
  EMAILADDRESS: (address: EmailAddress) => address.address,
  EMAILLOCALPART: (address: EmailAddress) => address.localPart,
  EMAILDOMAIN: (address: EmailAddress) => address.domain,
} as const satisfies Record<string, (address: EmailAddress) => string>

/** Keeps `@`, which a path segment allows (RFC 3986 §3.3 pchar) and servers expect literally. */
export function encodeForUrl (value: string): string {
  return encodeURIComponent(value).replaceAll('%40', '@')
}

/**
 * `fillPlaceholders` split in two: the template is parsed once, and the returned function fills it for each
 * address (for hot paths that fill the same templates on every request). With `url: true` each value is
 * percent-encoded, for URL templates such as a CardDAV collection `…/principals/%EMAILADDRESS%/`, so a local part
 * holding `/`, `?`, `#` or `%` stays inside its path segment.
 */
export function compilePlaceholders (template: string, options: { url?: boolean } = {}): (address: EmailAddress) => string {
  // split() with a capture group alternates literal text and placeholder names: [text, name, text, name, text].
  const parts = template.split(PLACEHOLDER_SLOT)
  if (parts.length === 1) return () => template
  const encode = options.url === true ? encodeForUrl : (value: string) => value
  const pieces = parts.map((part, i) => {
    if (i % 2 === 0) return () => part
    const value = SLOT_VALUE[part as keyof typeof SLOT_VALUE]
    return (address: EmailAddress) => encode(value(address))
  })
  if (pieces.length === 3 && parts[0] === '' && parts[2] === '') return pieces[1]!
  return (address) => {
    let out = ''
    for (const piece of pieces) out += piece(address)
    return out
  }
}

/** `fillPlaceholders` for a URL template: see `compilePlaceholders` with `url: true`. */
export function fillUrlPlaceholders (template: string, address: EmailAddress): string {
  return compilePlaceholders(template, { url: true })(address)
}
