/**
 * The Redis case of `npm run bench`: the autoconfig GET on the real server with REDIS_URL set (rate limits counted
 * in Redis, one round trip per request) against the same server with the in-memory store, then a run on the
 * Redis-backed server during which Redis is killed, counting failed requests. Redis is Debian's redis-server on a
 * free port of 127.0.0.1 without persistence (test/support/redis-server.ts), pinned to the servers' CPU (it then
 * takes its CPU time from them) or, with `--redis-cpu load`, the load generator's (closer to a Redis on a host of
 * its own, but then it takes time from the load generator).
 *
 * Both servers are started afresh every round and take turns as run.ts's targets do, so the host's load falls on
 * both alike; the ratio is taken within each round and the median reported.
 */
import { Redis } from 'ioredis'
import { failedRequests, joinRuns, median, type LoadResult } from './load-result.ts'
import { REAL_SERVER_ENV } from './mirror.ts'
import { cpuPlan, pinToCpus, startServer, type LoadGenerator, type RunningServer } from './processes.ts'
import { SCENARIOS } from './scenarios.ts'
import { RedisServer, freePort } from '../test/support/redis-server.ts'

/** The targets: at least this share of the in-memory store's req/s, p99 at most this, no failed request. */
export const REDIS_SHARE_TARGET = 0.6
export const REDIS_P99_TARGET_MS = 20

export interface RedisCaseOptions {
  load: LoadGenerator
  connections: number
  rounds: number
  durationSeconds: number
  turns: number
  /** The outage run's length; Redis is killed half way through. */
  outageSeconds: number
  /** Which CPU redis-server gets: the servers' (it costs them CPU, as on a shared host) or the load generator's. */
  redisCpu: 'servers' | 'load'
  env: Record<string, string>
}

export interface RedisCaseResult {
  memory: { requestsPerSecond: number, p99Ms: number }
  redis: { requestsPerSecond: number, p99Ms: number }
  share: number
  shareRange: [number, number]
  outage: { answers: number, failed: number, statuses: Record<string, number>, p99Ms: number, requestsPerSecond: number }
  meets: boolean
}

export async function runRedisCase (options: RedisCaseOptions): Promise<RedisCaseResult> {
  const scenario = SCENARIOS.find((s) => s.name === 'autoconfig GET')!
  const requests = scenario.requests('bundled')
  const redis = new RedisServer(await freePort())
  await redis.start()
  const plan = cpuPlan()
  const servers: RunningServer[] = []
  const start = async (withRedis: boolean): Promise<RunningServer> => {
    const server = await startServer(withRedis ? 'real (Redis)' : 'real (memory)', ['dist/server.js'], { ...REAL_SERVER_ENV, ...options.env, ...(withRedis ? { REDIS_URL: redis.url } : {}) })
    servers.push(server)
    if (plan !== undefined) await pinToCpus(server.pid, plan.servers)
    return server
  }
  const run = (server: RunningServer, seconds: number) => options.load.run({ url: server.url, method: 'GET', requests, connections: options.connections, durationSeconds: seconds })
  const stopAll = async () => { await Promise.all(servers.splice(0).map((server) => server.stop())) }
  try {
    if (plan !== undefined) await pinToCpus(await redisPid(redis), options.redisCpu === 'load' ? plan.load : plan.servers)
    const rounds: Array<{ memory: LoadResult, redis: LoadResult }> = []
    for (let round = 0; round < options.rounds; round++) {
      process.stdout.write(`Redis case: round ${round + 1}/${options.rounds}\n`)
      const memory = await start(false)
      const shared = await start(true)
      await run(memory, 1)
      await run(shared, 1)
      const turns: { memory: LoadResult[], redis: LoadResult[] } = { memory: [], redis: [] }
      for (let turn = 0; turn < options.turns; turn++) {
        const order = (turn + round) % 2 === 0 ? ['memory', 'redis'] as const : ['redis', 'memory'] as const
        for (const which of order) turns[which].push(await run(which === 'memory' ? memory : shared, options.durationSeconds / options.turns))
      }
      rounds.push({ memory: joinRuns(turns.memory.flatMap((r) => r.loadRuns)), redis: joinRuns(turns.redis.flatMap((r) => r.loadRuns)) })
      await stopAll()
    }
    for (const r of rounds) {
      if (failedRequests(r.redis) > 0 || failedRequests(r.memory) > 0) throw new Error('Redis case: failed requests with Redis up')
    }
    const shares = rounds.map((r) => r.redis.requestsPerSecond / r.memory.requestsPerSecond)

    process.stdout.write(`Redis case: ${options.outageSeconds} s run, Redis killed after ${options.outageSeconds / 2} s\n`)
    const shared = await start(true)
    await run(shared, 1)
    const outageRun = run(shared, options.outageSeconds)
    await new Promise((resolve) => setTimeout(resolve, (options.outageSeconds / 2) * 1000))
    await redis.kill()
    const outage = await outageRun
    await stopAll()

    const result: RedisCaseResult = {
      memory: { requestsPerSecond: median(rounds.map((r) => r.memory.requestsPerSecond)), p99Ms: median(rounds.map((r) => r.memory.p99Ms)) },
      redis: { requestsPerSecond: median(rounds.map((r) => r.redis.requestsPerSecond)), p99Ms: median(rounds.map((r) => r.redis.p99Ms)) },
      share: median(shares),
      shareRange: [Math.min(...shares), Math.max(...shares)],
      outage: { answers: outage.total, failed: failedRequests(outage), statuses: outage.statuses, p99Ms: outage.p99Ms, requestsPerSecond: outage.requestsPerSecond },
      meets: false,
    }
    result.meets = result.share >= REDIS_SHARE_TARGET && result.redis.p99Ms <= REDIS_P99_TARGET_MS && result.outage.failed === 0
    return result
  } finally {
    await stopAll()
    await redis.kill()
  }
}

/** The redis-server's pid, from the server itself. */
async function redisPid (redis: RedisServer): Promise<number> {
  const client = new Redis(redis.url)
  try {
    const info = await client.info('server')
    return Number(/process_id:(\d+)/.exec(info)![1])
  } finally {
    client.disconnect()
  }
}

export function formatRedisCase (r: RedisCaseResult, connections: number, redisCpu: string): string[] {
  const rps = (n: number) => String(Math.round(n))
  return [
    '',
    `Redis case (autoconfig GET, bundled catalog, ${connections} connections): rate limits in Redis (REDIS_URL) against the in-memory store; redis-server on the ${redisCpu === 'load' ? 'load generator\'s' : 'servers\''} CPU`,
    '',
    '| store | req/s | p99 ms | share of in-memory (rounds) | target | |',
    '| --- | ---: | ---: | ---: | --- | --- |',
    `| in-memory | ${rps(r.memory.requestsPerSecond)} | ${r.memory.p99Ms.toFixed(1)} | — | — | |`,
    `| Redis | ${rps(r.redis.requestsPerSecond)} | ${r.redis.p99Ms.toFixed(1)} | ${r.share.toFixed(2)} (${r.shareRange.map((x) => x.toFixed(2)).join('–')}) | ≥ ${REDIS_SHARE_TARGET}, p99 ≤ ${REDIS_P99_TARGET_MS} ms | ${r.share >= REDIS_SHARE_TARGET && r.redis.p99Ms <= REDIS_P99_TARGET_MS ? 'met' : 'MISSED'} |`,
    '',
    `Redis killed mid-run: ${r.outage.answers} answers, ${r.outage.failed} failed (errors, timeouts, 5xx), statuses ${JSON.stringify(r.outage.statuses)}, p99 ${r.outage.p99Ms.toFixed(1)} ms — ${r.outage.failed === 0 ? 'met' : 'MISSED'}`,
  ]
}
