/**
 * `mail-autoconfig dns <domain> [--json] [--check]`: the zone records the owner of a domain publishes so clients
 * find this service and the provider's servers (render/dns-zone.ts), as zone-file text to paste or as JSON; with
 * `--check`, each record as the configured resolvers see it. Exit 0 when the records were printed (and, with
 * `--check`, every one is in place), 1 otherwise.
 */
import { loadProviders } from '../catalog/load.ts'
import { catalogResolver, ProviderLookup } from '../catalog/lookup.ts'
import { formatProblem } from '../catalog/report.ts'
import type { Config } from '../config.ts'
import { checkAdvice, type CheckedRecord, type RecordResolver } from '../dns/check-records.ts'
import { mxDomainResolver } from '../dns/mx-domain-resolver.ts'
import { MxResolver } from '../dns/mx-resolver.ts'
import { dnsResolver } from '../dns/resolver.ts'
import { normalizeDomain } from '../model/email-address.ts'
import { apiDnsAdvice } from '../render/api.ts'
import { recordData } from '../render/dns-zone.ts'

export interface DnsOptions {
  domain: string
  json: boolean
  check: boolean
  config: Pick<Config, 'providersDir' | 'publicBaseUrl' | 'dns' | 'mxLookup'>
}

/** One line of `--check` output: the status, the record as the zone writes it, and what was found instead. */
function checkLine (record: CheckedRecord): string {
  const line = `${record.name} ${record.type} ${recordData(record)}`
  switch (record.check.status) {
    case 'ok': return `ok        ${line}`
    case 'missing': return `missing   ${line}`
    case 'different': return `different ${line} (found: ${record.check.found.join(', ')})`
    case 'error': return `error     ${line} (lookup failed: ${record.check.reason})`
  }
}

export async function runDns (options: DnsOptions, out: NodeJS.WritableStream, err: NodeJS.WritableStream, resolver: RecordResolver = dnsResolver(options.config.dns)): Promise<number> {
  const domain = normalizeDomain(options.domain)
  if (domain === undefined) {
    err.write(`${JSON.stringify(options.domain)} is not a domain such as example.com\n`)
    return 1
  }
  if (options.config.publicBaseUrl === undefined) {
    err.write('dns needs PUBLIC_BASE_URL (or --public-base-url): the public URL of this service, which the records point at\n')
    return 1
  }
  const loaded = await loadProviders(options.config.providersDir)
  if (!loaded.ok) {
    for (const problem of loaded.problems) err.write(`${formatProblem(problem)}\n`)
    err.write(`${loaded.problems.length} problem(s) in ${options.config.providersDir}\n`)
    return 1
  }
  // Matched as the server matches it: the provider files, then (with MX_LOOKUP) the domain's MX hosts.
  const steps = options.config.mxLookup ? [catalogResolver, mxDomainResolver(new MxResolver(options.config.dns))] : [catalogResolver]
  const match = await new ProviderLookup(loaded.catalog, steps).lookup(domain)
  if (match === undefined) {
    err.write(`No provider serves ${domain}\n`)
    return 1
  }
  // The same advice as GET /api/v1/domains/{domain}/dns.
  const advice = apiDnsAdvice(match, domain, new URL(options.config.publicBaseUrl))
  if (!options.check) {
    out.write(options.json ? `${JSON.stringify(advice, null, 2)}\n` : advice.zone)
    return 0
  }
  const checked = await checkAdvice(advice, resolver)
  const wrong = checked.records.filter((record) => record.check.status !== 'ok').length
  if (options.json) out.write(`${JSON.stringify(checked, null, 2)}\n`)
  else out.write(`${checked.records.map(checkLine).join('\n')}\n${wrong === 0 ? 'every record is in place' : `${wrong} of ${checked.records.length} record(s) not in place`}\n`)
  return checked.inPlace ? 0 : 1
}
