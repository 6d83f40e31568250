import { Resolver } from 'node:dns/promises'
import { test } from 'tap'
import { loadProviders } from '../../src/catalog/load.ts'
import { matchByMx } from '../../src/catalog/mx-match.ts'
import { hostedDomain, startBenchZone, unmatchedDomain, ZONE_SUFFIX } from '../../bench/mx-zone.ts'

test('the MX case\'s zone: hosted domains at Google, unmatched ones elsewhere, NXDOMAIN for the rest, each query counted', async (t) => {
  const zone = await startBenchZone()
  t.teardown(() => zone.close())
  const dns = new Resolver({ timeout: 1000, tries: 1 })
  dns.setServers([zone.address])

  const hosted = await dns.resolveMx(hostedDomain(42))
  // Only the host and preference: Node 24 adds `type: 'MX'` to each record, Node 20 does not.
  const records = (list: Array<{ exchange: string, priority: number }>) => list.map(({ exchange, priority }) => ({ exchange, priority }))
  t.same(records(hosted.sort((a, b) => a.priority - b.priority)), [{ exchange: 'aspmx.l.google.com', priority: 1 }, { exchange: 'alt1.aspmx.l.google.com', priority: 5 }])
  t.same(records(await dns.resolveMx(unmatchedDomain(7))), [{ exchange: 'mx.unknown-hoster.example', priority: 10 }])
  await t.rejects(dns.resolveMx(`gone1.${ZONE_SUFFIX}`), { code: 'ENOTFOUND' })
  await t.rejects(dns.resolveMx('shop1.mx.bench.example'), { code: 'ENOTFOUND' })
  t.equal(zone.queries, 4)
})

test('the bundled catalog serves the hosted domains by MX and nothing for the unmatched ones, as the case expects', async (t) => {
  const loaded = await loadProviders(new URL('../../providers', import.meta.url).pathname)
  if (!loaded.ok) throw new Error('the bundled providers do not load')
  const catalog = loaded.catalog
  const hosted = matchByMx(catalog, hostedDomain(1), [{ exchange: 'aspmx.l.google.com', priority: 1 }])
  t.equal(hosted?.provider.id, 'gmail')
  t.equal(hosted?.matchedBy, 'mx')
  t.equal(matchByMx(catalog, unmatchedDomain(1), [{ exchange: 'mx.unknown-hoster.example', priority: 10 }]), undefined)
})
