/**
 * `npm run bench:noise`: how far apart two identical bare Fastify servers measure on this host, with the whole
 * duration as one run per server or split into alternating turns, the way run.ts takes turns. What it prints is
 * the noise any ratio of run.ts carries: an A/A comparison whose true ratio is 1. Loopback only; stops by itself.
 *
 * Options: --duration <s> (per server and round, default 2), --turns <n,n,…> (turns to compare, default 1,4,8),
 * --rounds <n> (default 10), --connections <n> (default 50).
 */
import { parseArgs } from 'node:util'
import { joinRuns, type LoadRun } from './load-result.ts'
import { startBareServer } from './mirror.ts'
import { cpuPlan, LoadGenerator, pinToCpus, type RunningServer } from './processes.ts'

const { values: args } = parseArgs({
  options: {
    duration: { type: 'string', default: '2' },
    turns: { type: 'string', default: '1,4,8' },
    rounds: { type: 'string', default: '10' },
    connections: { type: 'string', default: '50' },
  },
})
const DURATION_S = Number(args.duration)
const ROUNDS = Number(args.rounds)
const CONNECTIONS = Number(args.connections)
const ROUTE = { method: 'GET' as const, path: '/bare/0', status: 200, contentType: 'application/xml', bytes: 2000 }
const REQUESTS = [{ path: `${ROUTE.path}?emailaddress=user%40example.com` }]

/** A's req/s over B's, for one round of fresh servers taking `turns` turns each (A B, B A, …). */
async function roundRatio (load: LoadGenerator, plan: ReturnType<typeof cpuPlan>, turns: number, round: number): Promise<number> {
  const servers: RunningServer[] = []
  try {
    for (let i = 0; i < 2; i++) {
      const server = await startBareServer([ROUTE])
      servers.push(server)
      if (plan !== undefined) await pinToCpus(server.pid, plan.servers)
    }
    for (const server of servers) await load.run({ url: server.url, method: 'GET', requests: REQUESTS, connections: CONNECTIONS, durationSeconds: 1 })
    const runs: LoadRun[][] = [[], []]
    for (let turn = 0; turn < turns; turn++) {
      for (const i of (turn + round) % 2 === 0 ? [0, 1] : [1, 0]) {
        const result = await load.run({ url: servers[i]!.url, method: 'GET', requests: REQUESTS, connections: CONNECTIONS, durationSeconds: DURATION_S / turns })
        runs[i]!.push(...result.loadRuns)
      }
    }
    return joinRuns(runs[0]!).requestsPerSecond / joinRuns(runs[1]!).requestsPerSecond
  } finally {
    await Promise.all(servers.map((server) => server.stop()))
  }
}

async function main (): Promise<void> {
  const load = new LoadGenerator()
  const plan = cpuPlan()
  if (plan !== undefined) await pinToCpus(load.pid, plan.load)
  try {
    for (const turns of args.turns.split(',').map(Number)) {
      const ratios: number[] = []
      for (let round = 0; round < ROUNDS; round++) ratios.push(await roundRatio(load, plan, turns, round))
      const logs = ratios.map(Math.log)
      const mean = logs.reduce((sum, x) => sum + x, 0) / logs.length
      const sd = Math.sqrt(logs.reduce((sum, x) => sum + (x - mean) ** 2, 0) / Math.max(1, logs.length - 1))
      const sorted = [...ratios].sort((a, b) => a - b)
      process.stdout.write(`${turns} turn(s) of ${(DURATION_S / turns).toFixed(2)} s: A/B ${ratios.map((r) => r.toFixed(2)).join(' ')}; ` +
        `lowest ${sorted[0]!.toFixed(2)}, highest ${sorted.at(-1)!.toFixed(2)}, standard deviation ${(sd * 100).toFixed(1)} %\n`)
    }
  } finally {
    load.close()
  }
}

await main()
