/**
 * Placeholder expansion, in one place. Mozilla's clients substitute `%EMAILADDRESS%`, `%EMAILLOCALPART%`,
 * `%EMAILDOMAIN%` themselves (autoconfig keeps them literal); Outlook's autodiscover and our JSON API need them
 * filled in from the address the client asked about. `%REALNAME%` is unknown to a server and stays literal.
 */
import type { EmailAddress } from '../email-address.ts'

export function fillPlaceholders (template: string, address: EmailAddress): string {
  if (!template.includes('%')) return template
  return template
    .replaceAll('%EMAILADDRESS%', address.address)
    .replaceAll('%EMAILLOCALPART%', address.localPart)
    .replaceAll('%EMAILDOMAIN%', address.domain)
}
