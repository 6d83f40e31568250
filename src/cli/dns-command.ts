/**
 * `mail-autoconfig dns <domain> [--json] [--check]`: the zone records the owner of a domain publishes so clients
 * find this service and the provider's servers (render/dns-zone.ts), as zone-file text to paste or as JSON; with
 * `--check`, each record as the configured resolvers see it. Exit 0 when the records were printed (and, with
 * `--check`, every one is in place), 1 otherwise.
 */
import { loadProviders } from '../catalog/load.ts'
import { formatProblem } from '../catalog/report.ts'
import type { Config } from '../config.ts'
import { checkRecords, type CheckedRecord, type RecordResolver } from '../dns/check-records.ts'
import { dnsResolver } from '../dns/resolver.ts'
import { normalizeDomain } from '../model/email-address.ts'
import { dnsAdvice, recordData, zoneText } from '../render/dns-zone.ts'

export interface DnsOptions {
  domain: string
  json: boolean
  check: boolean
  config: Pick<Config, 'providersDir' | 'publicBaseUrl' | 'dns'>
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
  const match = loaded.catalog.match(domain)
  if (match === undefined) {
    err.write(`No provider serves ${domain}\n`)
    return 1
  }
  const serviceUrl = new URL(options.config.publicBaseUrl)
  const advice = dnsAdvice(match.provider, domain, serviceUrl)
  if (!options.check) {
    out.write(options.json ? `${JSON.stringify(advice, null, 2)}\n` : zoneText(advice.records, { domain, providerName: match.provider.name, serviceUrl }))
    return 0
  }
  const checked = await checkRecords(advice.records, resolver)
  const wrong = checked.filter((record) => record.check.status !== 'ok').length
  if (options.json) out.write(`${JSON.stringify({ ...advice, records: checked }, null, 2)}\n`)
  else out.write(`${checked.map(checkLine).join('\n')}\n${wrong === 0 ? 'every record is in place' : `${wrong} of ${checked.length} record(s) not in place`}\n`)
  return wrong === 0 ? 0 : 1
}
