/**
 * `npm run bench`: the real server against bare Fastify, on 127.0.0.1, both as child processes, with autocannon in
 * a third process. Builds the project, writes a large catalog (10,000 generated providers with 50,000 domains, and
 * the bundled providers) to a temporary directory and starts the real server twice (bundled providers and large
 * catalog); the large-catalog server is also asked the bundled set's requests, for "same req/s" on the same
 * answers (SAME_COST_SHARE). Every scenario's answers are
 * probed first, and the bare server answers a fixed body of their mean size, status and content type, asked the same
 * requests (query strings and headers included) on paths of its own. In each round every scenario's targets (the
 * real and the bare server, for each catalog) take turns, a fraction of a second each, in an order that reverses every turn
 * (A B C D, D C B A, …), so the host's load, which moves much even over seconds, falls on each target alike; a ratio
 * is taken within each round and the median over the rounds reported. Every round has new server processes (warmed
 * up before its runs), so the medians span as many processes as rounds; once started, the servers share one CPU
 * and the load generator has the others (processes.ts, cpuPlan). Prints a table and writes JSON to bench/results/.
 *
 * Why turns: two identical bare Fastify servers (`npm run bench:noise`, two runs of 16 rounds of fresh pairs), whose
 * true ratio is 1, came out with a standard deviation of 16–25 % between rounds each run for 2 s in turn (A/B from
 * 0.59 to 1.49); as four alternating half-second turns each, 9–11 %; as eight quarter-second turns, 6–7 % (0.85 to
 * 1.21).
 *
 * Options: --duration <s> (per target and round, default 2), --turns <n> (turns the duration is split into, default
 * 8), --rounds <n> (default 8), --connections <n> (default 50),
 * --only <scenario name part>, --skip-large, --env NAME=value (repeatable: a setting for the real server, e.g.
 * --env RATE_LIMIT_MAX=0 to see what rate limiting costs), --skip-redis, --outage <s> (default 6), --redis-cpu
 * servers|load (default servers; see redis-case.ts).
 *
 * Then the Redis case (redis-case.ts): the autoconfig GET with REDIS_URL set against the in-memory store, and a run
 * with Redis killed half way. `--only redis` runs that case alone; it needs Debian's redis-server.
 * Then the MX case (mx-case.ts): domains found by their MX records against exact matches, first lookups, and 1,000
 * unknown domains beside the bundled load. `--only mx` runs it alone, `--skip-mx` leaves it out.
 */
import { execFileSync } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { cpus, loadavg, tmpdir, totalmem } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { addBundledProviders, writeLargeCatalog } from './large-catalog.ts'
import { joinRuns, median, type LoadResult } from './load-result.ts'
import { cpuPlan, cpuSeconds, LoadGenerator, pinToCpus, ROOT, rssBytes, startServer, type RunningServer } from './processes.ts'
import { bareRequestPath, bareRoute, probe, REAL_SERVER_ENV as BASE_REAL_SERVER_ENV, startBareServer, type Probe } from './mirror.ts'
import { formatMxCase, runMxCase, type MxCaseResult } from './mx-case.ts'
import { formatRedisCase, runRedisCase, type RedisCaseResult } from './redis-case.ts'
import { P99_TARGET_MS, SCENARIOS, type CatalogKind, type Scenario } from './scenarios.ts'

const { values: args } = parseArgs({
  options: {
    duration: { type: 'string', default: '2' },
    turns: { type: 'string', default: '8' },
    rounds: { type: 'string', default: '8' },
    connections: { type: 'string', default: '50' },
    only: { type: 'string' },
    'skip-large': { type: 'boolean', default: false },
    'skip-redis': { type: 'boolean', default: false },
    'skip-mx': { type: 'boolean', default: false },
    outage: { type: 'string', default: '6' },
    'redis-cpu': { type: 'string', default: 'servers' },
    env: { type: 'string', multiple: true, default: [] },
  },
})
const DURATION_S = Number(args.duration)
const TURNS = Number(args.turns)
/** Load on every target before a round's runs, for new processes to compile their hot paths. */
const WARM_UP_S = 1
const ROUNDS = Number(args.rounds)
const CONNECTIONS = Number(args.connections)

/** Large-catalog targets (README, "Performance"). */
const STARTUP_TARGET_MS = 3000
const RSS_TARGET_BYTES = 200 * 1024 * 1024
/**
 * The large-catalog server's req/s at least this share of the bundled server's, asked the same requests, counts as
 * "the same within noise".
 */
const SAME_COST_SHARE = 0.9

/** The real server's settings, with any --env given. */
const REAL_SERVER_ENV: Record<string, string> = {
  ...BASE_REAL_SERVER_ENV,
  ...Object.fromEntries(args.env.map((pair) => {
    const eq = pair.indexOf('=')
    if (eq < 1) throw new Error(`--env takes NAME=value, not ${pair}`)
    return [pair.slice(0, eq), pair.slice(eq + 1)]
  })),
}

/** Which server a target asks: a real server on a catalog, or the bare one. Each round has processes of its own. */
type ServerSlot = CatalogKind | 'bare'

interface Target { key: string, slot: ServerSlot, scenario: Scenario, catalog: CatalogKind, requests: ReturnType<Scenario['requests']>, method: Scenario['method'] }

/** The key of the large-catalog server's runs of a scenario's bundled requests (see SAME_COST_SHARE). */
const sameRequestsKey = (scenario: string) => `${scenario}|large|bundled requests`

interface Startup { ms: number, cpuMs: number, rssBytes: number }

/** a[i] / b[i] for each round i. */
function pairedRatios (a: number[], b: number[]): number[] {
  return a.map((value, i) => value / b[i]!)
}

/** A run's figures with the server's CPU time per answer. */
type RunResult = LoadResult & { cpuMicrosPerRequest: number }

/** One target's turns of a round as one run, its percentiles over all their answers. */
function joinTurns (turns: RunResult[]): RunResult {
  const joined = joinRuns(turns.flatMap((turn) => turn.loadRuns))
  const cpuMicros = turns.reduce((sum, turn) => sum + turn.cpuMicrosPerRequest * turn.total, 0)
  return { ...joined, cpuMicrosPerRequest: cpuMicros / Math.max(1, joined.total) }
}

function range (values: number[]): [number, number] {
  return [Math.min(...values), Math.max(...values)]
}

function rotate<T> (items: T[], by: number): T[] {
  const k = by % items.length
  return [...items.slice(k), ...items.slice(0, k)]
}

const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(1)
/** Milliseconds as the table shows them: latencies are counted in tenths (load-result.ts). */
const ms = (value: number) => String(Number(value.toFixed(1)))

/** `--only redis` and `--only mx` run that case alone. */
const CASE_ONLY = args.only?.toLowerCase() === 'redis' || args.only?.toLowerCase() === 'mx' ? args.only.toLowerCase() as 'redis' | 'mx' : undefined
const REDIS_CPU = args['redis-cpu'] === 'load' ? 'load' : 'servers'

/** The Redis case, its table, and its JSON beside the main run's. */
async function redisCase (load: LoadGenerator): Promise<RedisCaseResult> {
  const result = await runRedisCase({ load, connections: CONNECTIONS, rounds: ROUNDS, durationSeconds: DURATION_S, turns: TURNS, outageSeconds: Number(args.outage), redisCpu: REDIS_CPU, env: REAL_SERVER_ENV })
  process.stdout.write(`${formatRedisCase(result, CONNECTIONS, REDIS_CPU).join('\n')}\n`)
  return result
}

/** The MX case, its table, and its JSON beside the main run's. */
async function mxCase (load: LoadGenerator): Promise<MxCaseResult> {
  const result = await runMxCase({ load, connections: CONNECTIONS, rounds: ROUNDS, durationSeconds: DURATION_S, turns: TURNS, env: REAL_SERVER_ENV })
  process.stdout.write(`${formatMxCase(result, CONNECTIONS).join('\n')}\n`)
  return result
}

async function main (): Promise<void> {
  process.stdout.write('building…\n')
  execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'ignore' })
  if (CASE_ONLY !== undefined) {
    const load = new LoadGenerator()
    try {
      const pinned = cpuPlan() !== undefined && await pinToCpus(load.pid, cpuPlan()!.load)
      const result = CASE_ONLY === 'redis' ? { redis: await redisCase(load) } : { mx: await mxCase(load) }
      const file = join(ROOT, 'bench', 'results', `bench-${CASE_ONLY}-${new Date().toISOString().replaceAll(':', '-')}.json`)
      await writeFile(file, JSON.stringify({
        date: new Date().toISOString(),
        machine: { cores: cpus().length, cpu: cpus()[0]?.model, memoryBytes: totalmem(), node: process.version, loadAverage: loadavg() },
        settings: { connections: CONNECTIONS, rounds: ROUNDS, durationSeconds: DURATION_S, turns: TURNS, outageSeconds: Number(args.outage), redisCpu: REDIS_CPU, realServerEnv: REAL_SERVER_ENV, loadGeneratorPinned: pinned },
        ...result,
      }, null, 2))
      process.stdout.write(`\nwritten to ${file}\n`)
    } finally {
      load.close()
    }
    return
  }
  const scenarios = SCENARIOS.filter((s) => args.only === undefined || s.name.toLowerCase().includes(args.only.toLowerCase()))
  const catalogs: CatalogKind[] = args['skip-large'] ? ['bundled'] : ['bundled', 'large']

  const tmp = await mkdtemp(join(tmpdir(), 'mail-autoconfig-bench-'))
  let servers: Partial<Record<ServerSlot, RunningServer>> = {}
  const load = new LoadGenerator()
  try {
    const largeDir = join(tmp, 'providers')
    if (catalogs.includes('large')) {
      process.stdout.write('writing the large catalog…\n')
      await writeLargeCatalog(largeDir)
      await addBundledProviders(largeDir, join(ROOT, 'providers'))
    }
    // Every round starts each server afresh (see startRound), so start-up is measured once per round.
    const startups: Partial<Record<CatalogKind, Startup[]>> = {}
    const startReal = async (catalog: CatalogKind): Promise<RunningServer> => {
      const env: Record<string, string> = { ...REAL_SERVER_ENV, ...(catalog === 'large' ? { PROVIDERS_DIR: largeDir } : {}) }
      const server = await startServer(`real (${catalog})`, ['dist/server.js'], env)
      // CPU time to readiness alongside wall time: the former does not grow when others use the machine.
      const measured = { ms: server.startupMs, cpuMs: (await cpuSeconds(server.pid)) * 1000, rssBytes: await rssBytes(server.pid) }
      startups[catalog] = [...(startups[catalog] ?? []), measured]
      return server
    }
    for (const catalog of catalogs) servers[catalog] = await startReal(catalog)

    // Probe every scenario; the bare server mirrors each answer's size, status and content type.
    const available: Array<{ scenario: Scenario, catalog: CatalogKind, probe: Probe }> = []
    const skipped: Array<{ scenario: string, catalog: CatalogKind, reason: string }> = []
    for (const scenario of scenarios) {
      for (const catalog of catalogs) {
        const p = await probe(servers[catalog]!.url, scenario, catalog)
        if (p.status === scenario.expectedStatus) available.push({ scenario, catalog, probe: p })
        else skipped.push({ scenario: scenario.name, catalog, reason: `answers ${p.status}, expected ${scenario.expectedStatus}` })
      }
    }
    // The large catalog holds the bundled providers too; its server must answer their requests as the bundled one does.
    const sameRequests: Scenario[] = []
    if (catalogs.includes('large')) {
      for (const scenario of scenarios) {
        const p = await probe(servers.large!.url, scenario, 'bundled')
        if (p.status === scenario.expectedStatus) sameRequests.push(scenario)
        else skipped.push({ scenario: `${scenario.name}, bundled requests`, catalog: 'large', reason: `answers ${p.status}, expected ${scenario.expectedStatus}` })
      }
    }
    const bareRoutes = available.map((a, i) => bareRoute(a.scenario, a.probe, i))
    const startBare = () => startBareServer(bareRoutes)
    servers.bare = await startBare()

    // Every measured server on one CPU and the load generator on the others (see cpuPlan), once start-up is over.
    const plan = cpuPlan()
    const pinAll = async (): Promise<boolean> => plan !== undefined &&
      (await Promise.all(Object.values(servers).map((server) => pinToCpus(server.pid, plan.servers)))).every(Boolean)
    const pinned = plan !== undefined && await pinToCpus(load.pid, plan.load) && await pinAll()
    const placement = pinned ? `servers on CPU ${plan.servers}, load generator on CPU ${plan.load}` : 'processes not pinned to CPUs'

    // One group per scenario, of one pair per catalog (the real and the bare target) and, with the large catalog,
    // its server asked the bundled set's requests. A group's targets take turns within each round, so every ratio
    // compares runs interleaved a fraction of a second apart.
    const groups = new Map<string, Target[][]>()
    available.forEach((a, i) => {
      const requests = a.scenario.requests(a.catalog)
      const group = groups.get(a.scenario.name) ?? []
      group.push([
        { key: `${a.scenario.name}|${a.catalog}|real`, slot: a.catalog, scenario: a.scenario, catalog: a.catalog, requests, method: a.scenario.method },
        { key: `${a.scenario.name}|${a.catalog}|bare`, slot: 'bare', scenario: a.scenario, catalog: a.catalog, requests: requests.map((r) => ({ ...r, path: bareRequestPath(r.path, i) })), method: a.scenario.method },
      ])
      groups.set(a.scenario.name, group)
    })
    for (const scenario of sameRequests) {
      groups.get(scenario.name)?.push([{ key: sameRequestsKey(scenario.name), slot: 'large', scenario, catalog: 'large', requests: scenario.requests('bundled'), method: scenario.method }])
    }
    const targets = [...groups.values()]

    const runOnce = async (target: Target, seconds: number): Promise<RunResult> => {
      const server = servers[target.slot]!
      const cpuBefore = await cpuSeconds(server.pid)
      const result = await load.run({ url: server.url, method: target.method, requests: target.requests, connections: CONNECTIONS, durationSeconds: seconds })
      const cpu = await cpuSeconds(server.pid) - cpuBefore
      return { ...result, cpuMicrosPerRequest: (cpu * 1e6) / Math.max(1, result.total) }
    }
    const warmUp = async (): Promise<void> => {
      for (const target of targets.flat(2)) await runOnce(target, WARM_UP_S)
    }
    // The largest RSS each catalog's server reached after its round's load runs.
    const rssAfter: Partial<Record<CatalogKind, number>> = {}
    const noteRss = async (): Promise<void> => {
      for (const catalog of catalogs) rssAfter[catalog] = Math.max(rssAfter[catalog] ?? 0, await rssBytes(servers[catalog]!.pid))
    }
    /**
     * Stops this round's servers and starts every one afresh. The same build's processes differ for their whole
     * life (one bare Fastify process ran a quarter slower than another on the same vCPU, in every scenario), so one
     * set of processes would give the whole run its luck; with a new set per round, the medians span them all.
     */
    const startRound = async (): Promise<void> => {
      await noteRss()
      await Promise.all(Object.values(servers).map((server) => server.stop()))
      servers = {}
      for (const catalog of catalogs) servers[catalog] = await startReal(catalog)
      servers.bare = await startBare()
      if (pinned) await pinAll()
      await warmUp()
    }
    process.stdout.write(`warming up ${targets.flat(2).length} targets…\n`)
    await warmUp()

    const results = new Map<string, RunResult[]>()
    for (let round = 0; round < ROUNDS; round++) {
      process.stdout.write(`round ${round + 1}/${ROUNDS}\n`)
      if (round > 0) await startRound()
      // Scenario order and catalog order rotate, and real and bare take turns going first, so no target always runs
      // first or after the same neighbour.
      for (const group of rotate(targets, round)) {
        const order = rotate(group, round).flatMap((pair) => round % 2 === 0 ? pair : [...pair].reverse())
        const turns = new Map<string, RunResult[]>()
        for (let turn = 0; turn < TURNS; turn++) {
          for (const target of turn % 2 === 0 ? order : [...order].reverse()) {
            turns.set(target.key, [...(turns.get(target.key) ?? []), await runOnce(target, DURATION_S / TURNS)])
          }
        }
        for (const [key, runs] of turns) results.set(key, [...(results.get(key) ?? []), joinTurns(runs)])
      }
    }

    await noteRss()
    // Start-up figures: the median round, and the slowest.
    const startup: Partial<Record<CatalogKind, Startup & { slowestMs: number, maxRssBytes: number }>> = {}
    for (const catalog of catalogs) {
      const all = startups[catalog]!
      startup[catalog] = { ms: median(all.map((x) => x.ms)), cpuMs: median(all.map((x) => x.cpuMs)), rssBytes: median(all.map((x) => x.rssBytes)), slowestMs: Math.max(...all.map((x) => x.ms)), maxRssBytes: Math.max(...all.map((x) => x.rssBytes)) }
    }

    const summary = (key: string) => {
      const runs = results.get(key) ?? []
      return {
        requestsPerSecond: median(runs.map((r) => r.requestsPerSecond)),
        p50Ms: median(runs.map((r) => r.p50Ms)),
        p99Ms: median(runs.map((r) => r.p99Ms)),
        cpuMicrosPerRequest: median(runs.map((r) => r.cpuMicrosPerRequest)),
        unexpected: runs.reduce((n, r) => n + r.errors + r.timeouts + r.statuses['5xx']!, 0),
        runs,
      }
    }
    const rows = available.map(({ scenario, catalog, probe: p }) => {
      const realStats = summary(`${scenario.name}|${catalog}|real`)
      const bareStats = summary(`${scenario.name}|${catalog}|bare`)
      // Ratios are taken round by round, between a group's interleaved turns, and the median of those is reported:
      // the host's load falls on both targets of a round alike, but moves much between rounds.
      const ratios = pairedRatios(realStats.runs.map((r) => r.requestsPerSecond), bareStats.runs.map((r) => r.requestsPerSecond))
      const ratio = median(ratios)
      const meets = (scenario.target === undefined || ratio >= scenario.target) && realStats.p99Ms < P99_TARGET_MS && realStats.unexpected === 0
      // The same comparison by CPU time per request, which waiting on a busy machine does not distort.
      const cpuRatio = median(pairedRatios(bareStats.runs.map((r) => r.cpuMicrosPerRequest), realStats.runs.map((r) => r.cpuMicrosPerRequest)))
      return { scenario: scenario.name, catalog, bodyBytes: p.bytes, status: p.status, target: scenario.target, ratio, ratioRange: range(ratios), cpuRatio, meets, real: realStats, bare: bareStats }
    })

    const largeChecks = catalogs.includes('large')
      ? {
          startupMs: startup.large!.ms,
          startupMeets: startup.large!.ms < STARTUP_TARGET_MS,
          rssAfterStartBytes: startup.large!.rssBytes,
          rssAfterLoadBytes: rssAfter.large!,
          rssMeets: Math.max(startup.large!.maxRssBytes, rssAfter.large!) < RSS_TARGET_BYTES,
          // The real server's own req/s on the large catalog against the bundled set's, asked the same (the bundled
          // set's) requests, round by round: what catalog size alone costs. Beside it, informational, the large
          // catalog's own requests against the bundled set's: those answers differ (the POST's are 14 % longer), so
          // that share moves with the answers as well as the catalog. Not the ratios to bare Fastify: bare Fastify's
          // req/s moves with body size more than the real server's does.
          sameCost: rows.filter((r) => r.catalog === 'bundled').map((bundled) => {
            const shareOf = (runs: RunResult[]) => {
              const shares = pairedRatios(runs.map((r) => r.requestsPerSecond), bundled.real.runs.map((r) => r.requestsPerSecond))
              return shares.length === 0 ? undefined : { share: median(shares), range: range(shares) }
            }
            const same = shareOf(results.get(sameRequestsKey(bundled.scenario)) ?? [])
            const ownRequests = rows.find((r) => r.catalog === 'large' && r.scenario === bundled.scenario)
            return { scenario: bundled.scenario, sameRequests: same, ownRequests: ownRequests === undefined ? undefined : shareOf(ownRequests.real.runs), meets: same !== undefined && same.share >= SAME_COST_SHARE }
          }),
        }
      : undefined

    // The table.
    const lines = [
      `connections ${CONNECTIONS}, ${ROUNDS} rounds × ${DURATION_S} s per target in ${TURNS} turns; req/s, latencies and CPU are medians over the rounds, ratios the median of each round's ratio (lowest–highest round in brackets); ${cpus().length} cores (${cpus()[0]?.model ?? '?'}; ${placement}), ${mb(totalmem())} MB, node ${process.version}${args.env.length > 0 ? `; real server with ${args.env.join(' ')}` : ''}`,
      '',
      '| scenario | catalog | body B | real req/s | bare req/s | ratio (rounds) | target | real p50 ms | real p99 ms | bare p99 ms | CPU µs/req real / bare (ratio) | |',
      '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
      ...rows.map((r) => `| ${r.scenario} | ${r.catalog} | ${r.bodyBytes} | ${Math.round(r.real.requestsPerSecond)} | ${Math.round(r.bare.requestsPerSecond)} | ${r.ratio.toFixed(2)} (${r.ratioRange.map((x) => x.toFixed(2)).join('–')}) | ${r.target === undefined ? '—' : `≥ ${r.target}`} | ${ms(r.real.p50Ms)} | ${ms(r.real.p99Ms)} | ${ms(r.bare.p99Ms)} | ${Math.round(r.real.cpuMicrosPerRequest)} / ${Math.round(r.bare.cpuMicrosPerRequest)} (${r.cpuRatio.toFixed(2)}) | ${r.meets ? 'met' : 'MISSED'}${r.real.unexpected > 0 ? ` (${r.real.unexpected} errors/5xx)` : ''} |`),
    ]
    for (const catalog of catalogs) {
      const up = startup[catalog]!
      lines.push('', `${catalog} catalog: start-up ${Math.round(up.ms)} ms (${Math.round(up.cpuMs)} ms CPU; median of ${ROUNDS} starts, slowest ${Math.round(up.slowestMs)} ms), RSS ${mb(up.rssBytes)} MB after start, at most ${mb(rssAfter[catalog]!)} MB after a round's load`)
    }
    if (largeChecks !== undefined) {
      const share = (s: { share: number, range: [number, number] } | undefined) => s === undefined ? '—' : `${s.share.toFixed(2)} (${s.range.map((x) => x.toFixed(2)).join('–')})`
      lines.push(`large catalog targets: start-up < ${STARTUP_TARGET_MS} ms ${largeChecks.startupMeets ? 'met' : 'MISSED'}; RSS < ${mb(RSS_TARGET_BYTES)} MB ${largeChecks.rssMeets ? 'met' : 'MISSED'}; ` +
        `real req/s vs the bundled set's, the same requests, ≥ ${SAME_COST_SHARE}: ${largeChecks.sameCost.map((c) => `${c.scenario} ${share(c.sameRequests)} ${c.meets ? 'met' : 'MISSED'}`).join(', ')}`)
      lines.push(`large catalog's own requests vs the bundled set's (other answers; not a target): ${largeChecks.sameCost.map((c) => `${c.scenario} ${share(c.ownRequests)}`).join(', ')}`)
    }
    for (const s of skipped) lines.push(`skipped: ${s.scenario} (${s.catalog}): ${s.reason}`)
    process.stdout.write(`\n${lines.join('\n')}\n`)

    // The main run's servers are stopped first: the Redis case's share one CPU as they did.
    await Promise.all(Object.values(servers).map((server) => server.stop()))
    servers = {}
    const redis = args['skip-redis'] ? undefined : await redisCase(load)
    const mx = args['skip-mx'] ? undefined : await mxCase(load)

    const file = join(ROOT, 'bench', 'results', `bench-${new Date().toISOString().replaceAll(':', '-')}.json`)
    await writeFile(file, JSON.stringify({
      date: new Date().toISOString(),
      machine: { cores: cpus().length, cpu: cpus()[0]?.model, memoryBytes: totalmem(), node: process.version, loadAverage: loadavg() },
      settings: { connections: CONNECTIONS, rounds: ROUNDS, durationSeconds: DURATION_S, turns: TURNS, realServerEnv: REAL_SERVER_ENV, placement },
      startup,
      rssAfterLoad: rssAfter,
      rows,
      largeChecks,
      skipped,
      redis,
      mx,
    }, (key, value: unknown) => key === 'loadRuns' ? undefined : value, 2))
    process.stdout.write(`\nwritten to ${file}\n`)
  } finally {
    load.close()
    await Promise.all(Object.values(servers).map((server) => server.stop()))
    await rm(tmp, { recursive: true, force: true })
  }
}

await main()
