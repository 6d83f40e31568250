/**
 * The lookup step after the catalog's own (../catalog/lookup.ts): a domain no provider lists is served by the
 * provider its MX hosts point at (../catalog/mx-match.ts). Thunderbird does this itself (comm-central
 * FindConfig.sys.mjs, forMX); Outlook, Apple devices and API callers do not, so this server does it for them and
 * one instance answers for every domain a provider hosts.
 *
 * When nothing matches, the request gets the same answer as any unknown domain; the log line says why, naming the
 * domain and never the address.
 */
import { getDomain } from 'tldts'
import type { Catalog, DomainMatch } from '../catalog/catalog.ts'
import type { DomainResolver, LookupLog } from '../catalog/lookup.ts'
import { BASE_DOMAIN_OPTIONS, matchByMx } from '../catalog/mx-match.ts'
import type { MxLookup, MxResolver } from './mx-resolver.ts'

const WHY: Record<Exclude<MxLookup['outcome'], 'found'>, string> = {
  nxdomain: 'the domain does not exist in DNS',
  no_mx: 'the domain has no MX record',
  failed: 'the MX lookup failed',
  timeout: 'the MX lookup timed out',
  busy: 'too many MX lookups in flight',
}

function matchOf (lookup: MxLookup, domain: string, catalog: Catalog, log: LookupLog | undefined): DomainMatch | undefined {
  if (lookup.outcome !== 'found') {
    log?.info({ domain, mx: lookup.outcome }, `no provider by MX: ${WHY[lookup.outcome]}`)
    return undefined
  }
  const match = matchByMx(catalog, domain, lookup.records)
  if (match === undefined) log?.info({ domain, mx: 'found', mxHosts: lookup.records.map((r) => r.exchange) }, 'no provider by MX: no provider knows its MX hosts')
  return match
}

export function mxDomainResolver (mx: MxResolver): DomainResolver {
  return {
    name: 'mx',
    resolve (domain, catalog, log) {
      // A public suffix itself (`co.uk`) is no one's mail domain: not worth a query.
      if (getDomain(domain, BASE_DOMAIN_OPTIONS) === null) return undefined
      const lookup = mx.resolve(domain)
      return lookup instanceof Promise ? lookup.then((found) => matchOf(found, domain, catalog, log)) : matchOf(lookup, domain, catalog, log)
    },
  }
}
