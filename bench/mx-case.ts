/**
 * The MX case of `npm run bench` (issue "Custom domains by MX"): the real server on the bundled catalog with
 * DNS_SERVERS pointing at a zone of generated customer domains (mx-zone.ts), measured three ways.
 *
 * 1. Cached MX against exact: the same server asked for `user<i>@gmail.com` (an exact match) and for
 *    `user<i>@shop<k>.mx.bench` (Gmail by its MX hosts, already cached), in alternating turns as run.ts's targets
 *    take them; the ratio is taken within each round and the median reported. Target: within 10 %.
 * 2. The first lookup: one request at a time, a domain never asked before, then the same domain again (cached),
 *    and beside them a bare MX query to the same zone from this process; the excess is what a first request costs
 *    beyond the DNS round trip. Target: no more than EXCESS_TARGET_MS.
 * 3. Many unknown domains: the bundled scenario's requests alone (idle), then again while a second load generator
 *    asks 1,000 distinct unknown domains (half with MX hosts no provider knows, half NXDOMAIN), each causing one
 *    query. Targets: p99 within 2x of the idle run's; RSS growth within RSS_GROWTH_TARGET_BYTES.
 *
 * Every round starts a new server, so every round's first lookups are real queries.
 */
import { Resolver } from 'node:dns/promises'
import { failedRequests, joinRuns, median, type LoadResult } from './load-result.ts'
import { REAL_SERVER_ENV } from './mirror.ts'
import { hostedDomain, startBenchZone, unmatchedDomain, ZONE_SUFFIX, type BenchZone } from './mx-zone.ts'
import { cpuPlan, LoadGenerator, pinToCpus, rssBytes, startServer, type RunningServer } from './processes.ts'
import { SCENARIOS } from './scenarios.ts'

export const MX_SHARE_TARGET = 0.9
export const EXCESS_TARGET_MS = 1
export const P99_GROWTH_TARGET = 2
export const RSS_GROWTH_TARGET_BYTES = 32 * 1024 * 1024
/** Distinct unknown domains asked under load, per round. */
export const UNKNOWN_DOMAINS = 1000
/** Sequential first lookups per round. */
const FIRST_LOOKUPS = 100
/** Connections of the unknown-domain stream, beside the measured load's. */
const UNKNOWN_CONNECTIONS = 10

export interface MxCaseOptions {
  load: LoadGenerator
  connections: number
  rounds: number
  durationSeconds: number
  turns: number
  env: Record<string, string>
}

interface Figures { requestsPerSecond: number, p99Ms: number }

export interface MxCaseResult {
  scenarios: Array<{ scenario: string, exact: Figures, mx: Figures, share: number, shareRange: [number, number], meets: boolean }>
  firstLookup: { uncachedMs: number, cachedMs: number, dnsRoundTripMs: number, excessMs: number, meets: boolean }
  unknownDomains: { idleP99Ms: number, loadedP99Ms: number, growth: number, unknownAnswered: number, unknownStatuses: Record<string, number>, failed: number, rssIdleBytes: number, rssAfterBytes: number, rssGrowthBytes: number, queries: number, meets: boolean }
  meets: boolean
}

/** The scenario's requests with their domains swapped for `domain(i)`: the same paths and headers, other addresses. */
function requestsFor (name: 'autoconfig GET' | 'API lookup', domain: (i: number) => string, count: number) {
  const scenario = SCENARIOS.find((s) => s.name === name)!
  return {
    method: scenario.method,
    requests: Array.from({ length: count }, (_, i) => {
      const d = domain(i)
      return name === 'autoconfig GET'
        ? { path: `/mail/config-v1.1.xml?emailaddress=user${i}%40${d}`, headers: { host: `autoconfig.${d}` } }
        : { path: `/api/v1/lookup?email=user${i}%40${d}` }
    }),
  }
}

/** Milliseconds one request takes, from this process (one at a time, so nothing queues). */
async function timedGet (url: string): Promise<{ ms: number, status: number }> {
  const started = performance.now()
  const res = await fetch(url)
  await res.arrayBuffer()
  return { ms: performance.now() - started, status: res.status }
}

export async function runMxCase (options: MxCaseOptions): Promise<MxCaseResult> {
  const zone: BenchZone = await startBenchZone()
  const unknownLoad = new LoadGenerator()
  const plan = cpuPlan()
  if (plan !== undefined) await pinToCpus(unknownLoad.pid, plan.load)
  const servers: RunningServer[] = []
  const start = async (): Promise<RunningServer> => {
    const server = await startServer('real (MX)', ['dist/server.js'], { ...REAL_SERVER_ENV, ...options.env, MX_LOOKUP: 'true', DNS_SERVERS: zone.address })
    servers.push(server)
    if (plan !== undefined) await pinToCpus(server.pid, plan.servers)
    return server
  }
  const stopAll = async () => { await Promise.all(servers.splice(0).map((server) => server.stop())) }
  const dns = new Resolver({ timeout: 2000, tries: 1 })
  dns.setServers([zone.address])
  const comparisons = (['autoconfig GET', 'API lookup'] as const).map((name) => ({
    name,
    exact: requestsFor(name, () => 'gmail.com', 50),
    mx: requestsFor(name, (i) => hostedDomain(i % 3), 50),
  }))
  const shares = new Map<string, Array<{ exact: LoadResult, mx: LoadResult }>>()
  const first: Array<{ uncached: number, cached: number, dns: number }> = []
  const unknown: Array<{ idle: LoadResult, loaded: LoadResult, stream: LoadResult, rssIdle: number, rssAfter: number }> = []
  try {
    for (let round = 0; round < options.rounds; round++) {
      process.stdout.write(`MX case: round ${round + 1}/${options.rounds}\n`)
      const server = await start()
      const run = (load: LoadGenerator, r: { method: 'GET' | 'POST', requests: Array<{ path: string, headers?: Record<string, string> }> }, seconds: number, connections = options.connections) =>
        load.run({ url: server.url, method: r.method, requests: r.requests, connections, durationSeconds: seconds })

      // 2 first: the server has not yet asked about any of these domains.
      for (let i = 0; i < FIRST_LOOKUPS; i++) {
        const domain = hostedDomain(100_000 * (round + 1) + i)
        const uncached = await timedGet(`${server.url}/mail/config-v1.1.xml?emailaddress=user%40${domain}`)
        const cached = await timedGet(`${server.url}/mail/config-v1.1.xml?emailaddress=user%40${domain}`)
        if (uncached.status !== 200 || cached.status !== 200) throw new Error(`MX case: ${domain} answered ${uncached.status}, ${cached.status}`)
        const queried = performance.now()
        await dns.resolveMx(hostedDomain(200_000 * (round + 1) + i))
        first.push({ uncached: uncached.ms, cached: cached.ms, dns: performance.now() - queried })
      }

      // 1: warm up both (the MX domains' answers are then cached), then alternate turns.
      for (const c of comparisons) {
        await run(options.load, c.exact, 1)
        await run(options.load, c.mx, 1)
        const turns: { exact: LoadResult[], mx: LoadResult[] } = { exact: [], mx: [] }
        for (let turn = 0; turn < options.turns; turn++) {
          const order = (turn + round) % 2 === 0 ? ['exact', 'mx'] as const : ['mx', 'exact'] as const
          for (const which of order) turns[which].push(await run(options.load, c[which], options.durationSeconds / options.turns))
        }
        const joined = { exact: joinRuns(turns.exact.flatMap((r) => r.loadRuns)), mx: joinRuns(turns.mx.flatMap((r) => r.loadRuns)) }
        if (failedRequests(joined.exact) + failedRequests(joined.mx) > 0) throw new Error('MX case: failed requests')
        shares.set(c.name, [...(shares.get(c.name) ?? []), joined])
      }

      // 3: the bundled requests alone, then beside 1,000 unknown domains never asked before.
      const bundled = SCENARIOS.find((s) => s.name === 'autoconfig GET')!
      const measured = { method: bundled.method, requests: bundled.requests('bundled') }
      const idle = await run(options.load, measured, options.durationSeconds)
      const rssIdle = await rssBytes(server.pid)
      const base = 1_000_000 * (round + 1)
      const unknownRequests = requestsFor('autoconfig GET', (i) => i % 2 === 0 ? unmatchedDomain(base + i) : `gone${base + i}.${ZONE_SUFFIX}`, UNKNOWN_DOMAINS)
      // The stream runs until every domain was asked once (autocannon's `amount`), or for the measured run's length.
      const stream = unknownLoad.run({ url: server.url, method: 'GET', requests: unknownRequests.requests, connections: UNKNOWN_CONNECTIONS, durationSeconds: options.durationSeconds + 1, amount: UNKNOWN_DOMAINS })
      const loaded = await run(options.load, measured, options.durationSeconds)
      const streamResult = await stream
      unknown.push({ idle, loaded, stream: streamResult, rssIdle, rssAfter: await rssBytes(server.pid) })
      await stopAll()
    }

    const scenarios = comparisons.map((c) => {
      const rounds = shares.get(c.name)!
      const ratios = rounds.map((r) => r.mx.requestsPerSecond / r.exact.requestsPerSecond)
      const share = median(ratios)
      return {
        scenario: c.name,
        exact: { requestsPerSecond: median(rounds.map((r) => r.exact.requestsPerSecond)), p99Ms: median(rounds.map((r) => r.exact.p99Ms)) },
        mx: { requestsPerSecond: median(rounds.map((r) => r.mx.requestsPerSecond)), p99Ms: median(rounds.map((r) => r.mx.p99Ms)) },
        share,
        shareRange: [Math.min(...ratios), Math.max(...ratios)] as [number, number],
        meets: share >= MX_SHARE_TARGET,
      }
    })
    const uncachedMs = median(first.map((f) => f.uncached))
    const cachedMs = median(first.map((f) => f.cached))
    const dnsRoundTripMs = median(first.map((f) => f.dns))
    const excessMs = uncachedMs - cachedMs - dnsRoundTripMs
    const idleP99Ms = median(unknown.map((u) => u.idle.p99Ms))
    const loadedP99Ms = median(unknown.map((u) => u.loaded.p99Ms))
    const rssIdleBytes = median(unknown.map((u) => u.rssIdle))
    const rssAfterBytes = Math.max(...unknown.map((u) => u.rssAfter))
    const growths = unknown.map((u) => u.rssAfter - u.rssIdle)
    const unknownStatuses: Record<string, number> = {}
    for (const u of unknown) for (const [k, v] of Object.entries(u.stream.statuses)) unknownStatuses[k] = (unknownStatuses[k] ?? 0) + v
    const unknownFailed = unknown.reduce((n, u) => n + failedRequests(u.stream) + failedRequests(u.loaded), 0)
    const unknownDomains = {
      idleP99Ms,
      loadedP99Ms,
      growth: loadedP99Ms / idleP99Ms,
      unknownAnswered: unknown.reduce((n, u) => n + u.stream.total, 0),
      unknownStatuses,
      failed: unknownFailed,
      rssIdleBytes,
      rssAfterBytes,
      rssGrowthBytes: Math.max(...growths),
      queries: zone.queries,
      meets: false,
    }
    unknownDomains.meets = unknownDomains.growth <= P99_GROWTH_TARGET && unknownDomains.rssGrowthBytes <= RSS_GROWTH_TARGET_BYTES && unknownFailed === 0
    const firstLookup = { uncachedMs, cachedMs, dnsRoundTripMs, excessMs, meets: excessMs <= EXCESS_TARGET_MS }
    return { scenarios, firstLookup, unknownDomains, meets: scenarios.every((s) => s.meets) && firstLookup.meets && unknownDomains.meets }
  } finally {
    await stopAll()
    unknownLoad.close()
    await zone.close()
  }
}

export function formatMxCase (r: MxCaseResult, connections: number): string[] {
  const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(1)
  const verdict = (ok: boolean) => ok ? 'met' : 'MISSED'
  const u = r.unknownDomains
  return [
    '',
    `MX case (bundled catalog, ${connections} connections, DNS_SERVERS at a dns2 zone on 127.0.0.1): a domain found by its cached MX against an exact match, on one server in alternating turns`,
    '',
    '| scenario | exact req/s | MX req/s | exact p99 ms | MX p99 ms | share (rounds) | target | |',
    '| --- | ---: | ---: | ---: | ---: | ---: | --- | --- |',
    ...r.scenarios.map((s) => `| ${s.scenario} | ${Math.round(s.exact.requestsPerSecond)} | ${Math.round(s.mx.requestsPerSecond)} | ${s.exact.p99Ms.toFixed(1)} | ${s.mx.p99Ms.toFixed(1)} | ${s.share.toFixed(2)} (${s.shareRange.map((x) => x.toFixed(2)).join('–')}) | ≥ ${MX_SHARE_TARGET} | ${verdict(s.meets)} |`),
    '',
    `first lookup (one request at a time, medians): uncached ${r.firstLookup.uncachedMs.toFixed(2)} ms, cached ${r.firstLookup.cachedMs.toFixed(2)} ms, DNS round trip ${r.firstLookup.dnsRoundTripMs.toFixed(2)} ms: excess ${r.firstLookup.excessMs.toFixed(2)} ms, target ≤ ${EXCESS_TARGET_MS} ms — ${verdict(r.firstLookup.meets)}`,
    `${UNKNOWN_DOMAINS} unknown domains per round beside the bundled load: p99 ${u.idleP99Ms.toFixed(1)} ms idle, ${u.loadedP99Ms.toFixed(1)} ms loaded (${u.growth.toFixed(2)}x, target ≤ ${P99_GROWTH_TARGET}x); ${u.unknownAnswered} unknown-domain answers ${JSON.stringify(u.unknownStatuses)}, ${u.failed} failed; ${u.queries} DNS queries in all; RSS ${mb(u.rssIdleBytes)} MB before, at most ${mb(u.rssAfterBytes)} MB after (growth ≤ ${mb(u.rssGrowthBytes)} MB, target ≤ ${mb(RSS_GROWTH_TARGET_BYTES)} MB) — ${verdict(u.meets)}`,
  ]
}
