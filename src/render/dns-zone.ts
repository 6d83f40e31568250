/**
 * The DNS records a domain's owner publishes so that mail clients find this service and the provider's servers,
 * as zone-file text or as data for the JSON API (and for the check in dns/check-records.ts).
 *
 * How clients use them:
 * - `autoconfig.<domain>` (Thunderbird, K-9, Evolution, KMail) and `autodiscover.<domain>` (Outlook, eM Client,
 *   phones) are the hosts clients ask first; a CNAME to this service's public host points them here. The service's
 *   certificate must then cover each of those names.
 * - `_autodiscover._tcp.<domain>` SRV: Outlook's fourth method ([MS-OXDISCO] §3.1.5.3,
 *   https://learn.microsoft.com/en-us/openspecs/exchange_server_protocols/ms-oxdisco/), one certificate for every
 *   customer domain; Thunderbird probes it too and asks the user before trusting it.
 * - RFC 6186 (https://www.rfc-editor.org/rfc/rfc6186) SRV records for IMAP, POP3 and submission, with RFC 8314 §5.1
 *   (https://www.rfc-editor.org/rfc/rfc8314#section-5.1) adding `_submissions._tcp`: implicit TLS gets the lower
 *   (preferred) priority, and a service not offered is published as `0 0 0 .` ("decidedly not available", RFC 2782).
 *   Plain-text servers are never advertised (RFC 8314 §3).
 * - RFC 6764 (https://www.rfc-editor.org/rfc/rfc6764) `_caldavs._tcp` / `_carddavs._tcp` SRV (and a `path=` TXT)
 *   where the provider has a calendar or address book.
 *
 * Pure: the provider, the domain and this service's public base URL in; records and text out.
 */
import { isIP } from 'node:net'
import type { IncomingType, MailServer, OutgoingType, Provider, Security } from '../model/provider.ts'

/** Seconds; an hour, so a mistake is not cached for long, yet resolvers are not asked on every setup. */
export const RECORD_TTL = 3600

export type DnsRecord =
  | { name: string, type: 'CNAME', ttl: number, target: string }
  | { name: string, type: 'SRV', ttl: number, priority: number, weight: number, port: number, target: string }
  | { name: string, type: 'TXT', ttl: number, text: string }
  | { name: string, type: 'A' | 'AAAA', ttl: number, address: string }

/** The RFC 6186 / RFC 8314 service label for each kind of server and security; plain text has none. */
export const SRV_SERVICE = {
  imap: { tls: '_imaps', starttls: '_imap', plain: undefined },
  pop3: { tls: '_pop3s', starttls: '_pop3', plain: undefined },
  smtp: { tls: '_submissions', starttls: '_submission', plain: undefined },
} as const satisfies Record<IncomingType | OutgoingType, Record<Security, string | undefined>>

/** RFC 6764 §3: the service labels of CalDAV and CardDAV, over TLS (`https:`) and without (`http:`). */
const DAV_SERVICE = {
  calendar: { 'https:': '_caldavs', 'http:': '_caldav' },
  addressBook: { 'https:': '_carddavs', 'http:': '_carddav' },
} as const

/** Lower is preferred (RFC 2782); implicit TLS first, then STARTTLS, each in the provider's own order. */
const PRIORITY_STEP = 10

/** The host of a server as published for `domain`; undefined when it depends on the user (`%EMAILLOCALPART%`). */
function publishedHost (host: string, domain: string): string | undefined {
  if (host.includes('%EMAILLOCALPART%') || host.includes('%EMAILADDRESS%')) return undefined
  return host.replaceAll('%EMAILDOMAIN%', domain)
}

/** A name as zone files write it: absolute, with the trailing dot. */
const absolute = (name: string): string => `${name}.`

function mailSrvRecords (servers: readonly MailServer[], domain: string): DnsRecord[] {
  const records: DnsRecord[] = []
  for (const type of ['imap', 'pop3', 'smtp'] as const) {
    const services = SRV_SERVICE[type]
    const ofType = servers.filter((server) => server.type === type && services[server.security] !== undefined)
    // Implicit TLS before STARTTLS (RFC 8314 §3); a stable sort keeps the provider's order within each.
    const ranked = [...ofType].sort((a, b) => (a.security === 'tls' ? 0 : 1) - (b.security === 'tls' ? 0 : 1))
    const published = new Set<string>()
    ranked.forEach((server, rank) => {
      const target = publishedHost(server.host, domain)
      if (target === undefined) return
      const service = services[server.security]!
      published.add(service)
      records.push({ name: absolute(`${service}._tcp.${domain}`), type: 'SRV', ttl: RECORD_TTL, priority: rank * PRIORITY_STEP, weight: 1, port: server.port, target: absolute(target) })
    })
    for (const service of [services.tls, services.starttls]) {
      if (!published.has(service)) records.push({ name: absolute(`${service}._tcp.${domain}`), type: 'SRV', ttl: RECORD_TTL, priority: 0, weight: 0, port: 0, target: '.' })
    }
  }
  return records
}

function davRecords (provider: Provider, domain: string): DnsRecord[] {
  const records: DnsRecord[] = []
  for (const kind of ['calendar', 'addressBook'] as const) {
    const service = provider[kind]
    if (service === undefined) continue
    const url = new URL(service.url.replaceAll('%EMAILDOMAIN%', domain))
    const label = DAV_SERVICE[kind][url.protocol as 'https:' | 'http:']
    const target = publishedHost(url.hostname, domain)
    if (label === undefined || target === undefined) continue
    const port = url.port === '' ? (url.protocol === 'https:' ? 443 : 80) : Number(url.port)
    const name = absolute(`${label}._tcp.${domain}`)
    records.push({ name, type: 'SRV', ttl: RECORD_TTL, priority: 0, weight: 1, port, target: absolute(target) })
    // RFC 6764 §4: the context path, unless it is the root or holds the user's name.
    const path = url.pathname
    if (path !== '/' && !path.includes('%')) records.push({ name, type: 'TXT', ttl: RECORD_TTL, text: `path=${path}` })
  }
  return records
}

/**
 * `autoconfig.` and `autodiscover.` pointing at this service, and the autodiscover SRV. A service known only by its
 * IP address gets address records instead: a CNAME or an SRV target must be a host name (RFC 1034 §3.6.2, RFC 2782).
 */
function discoveryRecords (domain: string, serviceUrl: URL): DnsRecord[] {
  const host = serviceUrl.hostname.replace(/^\[(.*)\]$/, '$1')
  const names = [absolute(`autoconfig.${domain}`), absolute(`autodiscover.${domain}`)]
  const family = isIP(host)
  if (family !== 0) return names.map((name) => ({ name, type: family === 4 ? 'A' : 'AAAA', ttl: RECORD_TTL, address: host }))
  const port = serviceUrl.port === '' ? (serviceUrl.protocol === 'https:' ? 443 : 80) : Number(serviceUrl.port)
  return [
    ...names.map((name): DnsRecord => ({ name, type: 'CNAME', ttl: RECORD_TTL, target: absolute(host) })),
    { name: absolute(`_autodiscover._tcp.${domain}`), type: 'SRV', ttl: RECORD_TTL, priority: 0, weight: 0, port, target: absolute(host) },
  ]
}

/**
 * Every record for `domain`, served by `provider`, with this service reachable at `serviceUrl` (its public base
 * URL): discovery host names and autodiscover SRV first, then the mail services, then CalDAV/CardDAV.
 */
export function dnsRecords (provider: Provider, domain: string, serviceUrl: URL): DnsRecord[] {
  return [
    ...discoveryRecords(domain, serviceUrl),
    ...mailSrvRecords([...provider.incoming, ...provider.outgoing], domain),
    ...davRecords(provider, domain),
  ]
}

/** The record's data as a zone file writes it after the type. */
export function recordData (record: DnsRecord): string {
  switch (record.type) {
    case 'CNAME': return record.target
    case 'A': case 'AAAA': return record.address
    case 'SRV': return `${record.priority} ${record.weight} ${record.port} ${record.target}`
    // RFC 1035 §5.1: a character-string in quotes, with `"` and `\` escaped.
    case 'TXT': return `"${record.text.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`
  }
}

/** Zone-file text (RFC 1035 §5) a domain owner can paste, with a comment naming what each group is for. */
export function zoneText (records: readonly DnsRecord[], { domain, providerName, serviceUrl }: { domain: string, providerName: string, serviceUrl: URL }): string {
  const width = Math.max(...records.map((record) => record.name.length))
  const line = (record: DnsRecord) => `${record.name.padEnd(width)} ${record.ttl} IN ${record.type.padEnd(5)} ${recordData(record)}`
  const group = (comment: string, filter: (record: DnsRecord) => boolean) => {
    const lines = records.filter(filter).map(line)
    return lines.length === 0 ? [] : [`; ${comment}`, ...lines]
  }
  const isDav = (record: DnsRecord) => /^_(caldav|carddav)s?\._tcp\./.test(record.name)
  const isDiscovery = (record: DnsRecord) => record.type === 'CNAME' || record.type === 'A' || record.type === 'AAAA' || record.name.startsWith('_autodiscover.')
  return [
    `; ${domain}: mail served by ${providerName}, client settings by ${serviceUrl.origin}`,
    ...(serviceUrl.pathname === '/' ? [] : [`; this service must also answer at the root of ${serviceUrl.host}: the CNAMEs cannot carry ${serviceUrl.pathname}`]),
    ...group('client discovery (Thunderbird, Outlook and the clients that copy them)', isDiscovery),
    ...group('RFC 6186 / RFC 8314 mail services: implicit TLS preferred (lower priority), "0 0 0 ." = not offered', (record) => !isDiscovery(record) && !isDav(record)),
    ...group('RFC 6764 calendars and address books', isDav),
    '',
  ].join('\n')
}
