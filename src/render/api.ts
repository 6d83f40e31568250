/**
 * The JSON API's view of a provider (the contract is api-schema.ts, documented in openapi.yaml).
 *
 * A provider document keeps its placeholders, like the autoconfig document: it is the provider file with every
 * default applied. A lookup is for one address, so it fills the placeholders in (src/model/placeholders.ts), the
 * way Outlook's autodiscover answer does: the caller (a sign-up page, a helpdesk tool) shows or uses the values as
 * they are.
 *
 * Pure: no I/O, no clock. The objects returned share structure with the provider; nothing here mutates them.
 */
import type { DomainMatch } from '../catalog/catalog.ts'
import type { EmailAddress } from '../model/email-address.ts'
import type { ApiDnsAdvice, ApiLookup, ApiProvider, ApiProviderSummary } from './api-schema.ts'
import { dnsRecords, zoneText } from './dns-zone.ts'
import { fillPlaceholders, fillUrlPlaceholders } from '../model/placeholders.ts'
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

type Server = Provider['incoming'][number] | Provider['outgoing'][number]
type Dav = NonNullable<Provider['calendar']>

function fillServer<S extends Server> (server: S, address: EmailAddress): S {
  return { ...server, host: fillPlaceholders(server.host, address), username: fillPlaceholders(server.username, address) }
}

function fillDav (service: Dav | undefined, address: EmailAddress): Dav | undefined {
  if (service === undefined) return undefined
  return { ...service, url: fillUrlPlaceholders(service.url, address), username: fillPlaceholders(service.username, address) }
}

function fillWebmail (webmail: Provider['webmail'], address: EmailAddress): Provider['webmail'] {
  if (webmail === undefined) return undefined
  const { loginPage, loginPageInfo: info } = webmail
  return {
    ...webmail,
    ...(loginPage === undefined ? {} : { loginPage: fillUrlPlaceholders(loginPage, address) }),
    ...(info === undefined
      ? {}
      : { loginPageInfo: { ...info, url: fillUrlPlaceholders(info.url, address), ...(info.username === undefined ? {} : { username: fillPlaceholders(info.username, address) }) } }),
  }
}

/** The settings for one address: the provider's servers and services with every placeholder filled in. */
export function apiLookup (provider: Provider, { address, match, links }: LookupContext): ApiLookup {
  const { documentation, enable, oauth2 } = provider
  return {
    email: address.address,
    domain: address.domain,
    match: apiMatch(match),
    provider: providerRef(provider),
    links,
    incoming: provider.incoming.map((server) => fillServer(server, address)),
    outgoing: provider.outgoing.map((server) => fillServer(server, address)),
    webmail: fillWebmail(provider.webmail, address),
    addressBook: fillDav(provider.addressBook, address),
    calendar: fillDav(provider.calendar, address),
    documentation,
    enable,
    oauth2,
  }
}

/**
 * The records a domain publishes so clients find this service (at `serviceUrl`, its public base URL) and the
 * provider's servers, as data and as zone text: the API's answer and `dns --json`.
 */
export function apiDnsAdvice (match: Pick<DomainMatch, 'provider' | 'matchedBy' | 'pattern' | 'mxHost'>, domain: string, serviceUrl: URL): ApiDnsAdvice & { records: ReturnType<typeof dnsRecords> } {
  const records = dnsRecords(match.provider, domain, serviceUrl)
  return {
    domain,
    match: apiMatch(match),
    provider: providerRef(match.provider),
    service: serviceUrl.origin,
    records,
    zone: zoneText(records, { domain, providerName: match.provider.name, serviceUrl }),
  }
}
