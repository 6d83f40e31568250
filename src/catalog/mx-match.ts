/**
 * Which provider a domain's MX hosts point at. Pure: the MX records come in (see ../dns/mx-resolver.ts), a match
 * or nothing goes out.
 *
 * First the providers' own `mx` entries (exact hosts and `*.suffix` patterns), for every MX host in order of
 * preference; a provider that declares its MX hosts says so on purpose. Then, as Thunderbird does when it finds
 * nothing for a domain (comm-central FindConfig.sys.mjs, forMX: `getNextSubDomain` and
 * `Services.eTLD.getBaseDomainFromHost`), each MX host minus its first label and its base domain by the Public
 * Suffix List, matched against the catalog's domains: MX `mx00.gmx.net` finds the provider of `gmx.net`. Like
 * Thunderbird, a host whose base domain is the customer's own domain (a self-hosted server) is not followed.
 */
import { getDomain } from 'tldts'
import type { Catalog, DomainMatch } from './catalog.ts'

/** One MX record: the host and its preference (lower is preferred, RFC 5321 §5.1). */
export interface MxRecord {
  readonly exchange: string
  readonly priority: number
}

/** The MX hosts in order of preference; equal preferences keep the order DNS gave. */
export function byPreference (records: readonly MxRecord[]): MxRecord[] {
  return records.map((record, index) => ({ record, index }))
    .sort((a, b) => a.record.priority - b.record.priority || a.index - b.index)
    .map(({ record }) => record)
}

/** The domains a host's provider may be listed under: the host minus its first label, then its base domain. */
function fallbackDomains (host: string, domain: string): string[] {
  // Private PSL entries (blogspot.com, …) are hosts' own choice of name, not a registry: ICANN rules only.
  const base = getDomain(host, { allowPrivateDomains: false })
  if (base === null || base === domain) return []
  const parent = host.slice(host.indexOf('.') + 1)
  // A parent shorter than the base domain is a public suffix (`co.uk`), which no provider is.
  return parent !== base && parent.endsWith(`.${base}`) ? [parent, base] : [base]
}

/** The provider serving `domain` by its MX records (already normalised host names), or undefined. */
export function matchByMx (catalog: Catalog, domain: string, records: readonly MxRecord[]): DomainMatch | undefined {
  const hosts = byPreference(records).map((record) => record.exchange)
  for (const host of hosts) {
    const found = catalog.matchMxHost(host)
    if (found !== undefined) return { provider: found.provider, domain, matchedBy: 'mx', pattern: found.pattern, mxHost: host }
  }
  for (const host of hosts) {
    for (const candidate of fallbackDomains(host, domain)) {
      const found = catalog.match(candidate)
      if (found !== undefined) return { provider: found.provider, domain, matchedBy: 'mx', pattern: found.pattern, mxHost: host }
    }
  }
  return undefined
}
