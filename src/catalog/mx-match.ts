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

/**
 * How base domains are looked up in the Public Suffix List: ICANN rules only (private entries such as blogspot.com
 * are hosts' own choice of name, not a registry), and the input is already a normalised host name, so tldts need
 * not parse a URL out of it or check it again.
 */
export const BASE_DOMAIN_OPTIONS = { allowPrivateDomains: false, extractHostname: false, validateHostname: false, mixedInputs: false } as const

/** The MX hosts in order of preference; equal preferences keep the order DNS gave. */
export function byPreference (records: readonly MxRecord[]): readonly MxRecord[] {
  // The resolver keeps its answers in this order already (dns/mx-resolver.ts): then there is nothing to sort.
  let sorted = true
  for (let i = 1; i < records.length && sorted; i++) sorted = records[i - 1]!.priority <= records[i]!.priority
  if (sorted) return records
  return records.map((record, index) => ({ record, index }))
    .sort((a, b) => a.record.priority - b.record.priority || a.index - b.index)
    .map(({ record }) => record)
}

/** The domains a host's provider may be listed under: the host minus its first label, then its base domain. */
function fallbackDomains (host: string, domain: string): string[] {
  const base = getDomain(host, BASE_DOMAIN_OPTIONS)
  if (base === null || base === domain) return []
  const parent = host.slice(host.indexOf('.') + 1)
  // A parent shorter than the base domain is a public suffix (`co.uk`), which no provider is.
  return parent !== base && parent.endsWith(`.${base}`) ? [parent, base] : [base]
}

/** The provider serving `domain` by its MX records (already normalised host names), or undefined. */
export function matchByMx (catalog: Catalog, domain: string, records: readonly MxRecord[]): DomainMatch | undefined {
  const ordered = byPreference(records)
  for (const { exchange: host } of ordered) {
    const found = catalog.matchMxHost(host)
    if (found !== undefined) return { provider: found.provider, domain, matchedBy: 'mx', pattern: found.pattern, mxHost: host }
  }
  for (const { exchange: host } of ordered) {
    for (const candidate of fallbackDomains(host, domain)) {
      const found = catalog.match(candidate)
      if (found !== undefined) return { provider: found.provider, domain, matchedBy: 'mx', pattern: found.pattern, mxHost: host }
    }
  }
  return undefined
}
