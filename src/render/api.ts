/**
 * The JSON API's view of a provider (the contract is src/http/api/schemas.ts, documented in openapi.yaml).
 *
 * A provider document keeps its placeholders, like the autoconfig document: it is the provider file with every
 * default applied. A lookup is for one address, so it fills the placeholders in (src/model/placeholders.ts), the
 * way Outlook's autodiscover answer does: the caller (a sign-up page, a helpdesk tool) shows or uses the values as
 * they are. `prepareLookup` does everything address-independent once per provider: it separates the members that
 * never depend on the address (`fixed`, which the HTTP layer serializes once) from those that may, and parses
 * every template, so a request only fills slots and copies the servers that hold one.
 *
 * Pure: no I/O, no clock. The objects returned share structure with the provider; nothing here mutates them.
 */
import type { DomainMatch } from '../catalog/catalog.ts'
import type { EmailAddress } from '../email-address.ts'
import type { ApiLookup, ApiProvider, ApiProviderSummary } from '../http/api/schemas.ts'
import { compilePlaceholders } from '../model/placeholders.ts'
import type { Provider } from '../model/provider.ts'

/** The whole provider, placeholders intact. The model already has the API's shape; the schema picks the members. */
export function apiProvider (provider: Provider): ApiProvider {
  return provider
}

export function providerSummary (provider: Provider): ApiProviderSummary {
  const { id, name, shortName, domains } = provider
  return shortName === undefined ? { id, name, domains } : { id, name, shortName, domains }
}

export function providerRef (provider: Provider): ApiLookup['provider'] {
  const { id, name, shortName } = provider
  return shortName === undefined ? { id, name } : { id, name, shortName }
}

export function apiMatch (match: Pick<DomainMatch, 'matchedBy' | 'pattern' | 'mxHost'>): ApiLookup['match'] {
  return match.mxHost === undefined ? { by: match.matchedBy, pattern: match.pattern } : { by: match.matchedBy, pattern: match.pattern, mxHost: match.mxHost }
}

export interface LookupContext {
  address: EmailAddress
  match: Pick<DomainMatch, 'matchedBy' | 'pattern' | 'mxHost'>
  /** This server's URLs for the address; the HTTP layer knows its public base URL. */
  links: ApiLookup['links']
}

/** Members of a lookup that are the same for every address of a provider. */
export const FIXED_LOOKUP_MEMBERS = { documentation: true, enable: true, oauth2: true } as const
export type FixedLookup = Pick<ApiLookup, keyof typeof FIXED_LOOKUP_MEMBERS>
export type AddressLookup = Omit<ApiLookup, keyof typeof FIXED_LOOKUP_MEMBERS>

export interface PreparedLookup {
  fixed: FixedLookup
  render: (context: LookupContext) => AddressLookup
}

type Filler<T> = (address: EmailAddress) => T
type Server = Provider['incoming'][number] | Provider['outgoing'][number]
type Dav = NonNullable<Provider['calendar']>

const hasPlaceholder = (value: string | undefined): boolean => value !== undefined && value.includes('%')

/** Copies a server only when it holds a template; a fixed server is shared as it is. */
function serverFiller<S extends Server> (server: S): Filler<S> {
  if (!hasPlaceholder(server.host) && !hasPlaceholder(server.username)) return () => server
  const host = compilePlaceholders(server.host)
  const username = compilePlaceholders(server.username)
  return (address) => ({ ...server, host: host(address), username: username(address) })
}

function davFiller (service: Dav | undefined): Filler<Dav | undefined> {
  if (service === undefined || (!hasPlaceholder(service.url) && !hasPlaceholder(service.username))) return () => service
  const url = compilePlaceholders(service.url, { url: true })
  const username = compilePlaceholders(service.username)
  return (address) => ({ ...service, url: url(address), username: username(address) })
}

function webmailFiller (webmail: Provider['webmail']): Filler<Provider['webmail']> {
  if (webmail === undefined) return () => undefined
  const { loginPage, loginPageInfo: info } = webmail
  if (!hasPlaceholder(loginPage) && !hasPlaceholder(info?.url) && !hasPlaceholder(info?.username)) return () => webmail
  const page = loginPage === undefined ? undefined : compilePlaceholders(loginPage, { url: true })
  const url = info === undefined ? undefined : compilePlaceholders(info.url, { url: true })
  const username = info?.username === undefined ? undefined : compilePlaceholders(info.username)
  return (address) => ({
    ...webmail,
    ...(page === undefined ? {} : { loginPage: page(address) }),
    ...(info === undefined ? {} : { loginPageInfo: { ...info, url: url!(address), ...(username === undefined ? {} : { username: username(address) }) } }),
  })
}

export function prepareLookup (provider: Provider): PreparedLookup {
  const ref = providerRef(provider)
  const incoming = provider.incoming.map(serverFiller)
  const outgoing = provider.outgoing.map(serverFiller)
  const addressBook = davFiller(provider.addressBook)
  const calendar = davFiller(provider.calendar)
  const webmail = webmailFiller(provider.webmail)
  const { documentation, enable, oauth2 } = provider
  return {
    fixed: { documentation, enable, oauth2 },
    render: ({ address, match, links }) => ({
      email: address.address,
      domain: address.domain,
      match: apiMatch(match),
      provider: ref,
      links,
      incoming: incoming.map((fill) => fill(address)),
      outgoing: outgoing.map((fill) => fill(address)),
      webmail: webmail(address),
      addressBook: addressBook(address),
      calendar: calendar(address),
    }),
  }
}

/** The whole lookup as one object, as the API answers it. */
export function apiLookup (provider: Provider, context: LookupContext): ApiLookup {
  const { fixed, render } = prepareLookup(provider)
  return { ...render(context), ...fixed }
}
