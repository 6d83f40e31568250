/**
 * `npm run bench:instructions`: user-space instructions per request, counted by valgrind's callgrind
 * (https://valgrind.org/docs/manual/cl-manual.html), for the real server and bare Fastify asked the same requests
 * (mirror.ts), with the bundled providers or (--catalog large) the benchmark's large catalog.
 *
 * Why: req/s on a shared host moves by a factor of two within minutes, and processes of one build differ for their
 * whole life, so `npm run bench` needs many paired rounds and still moves by several percent between runs. An
 * instruction count does not depend on the host's load: it tells which of two builds does less work per request,
 * and where the real server's extra work is. It leaves out the kernel's share (socket reads and writes), which is
 * the same for both servers, and it weighs every instruction alike, so it is a guide to req/s, not a substitute.
 *
 * Each scenario runs on new processes under callgrind with counting off (`--instr-atstart=no`: start-up and warm-up
 * run several times faster that way); after --warm-up requests, `callgrind_control` turns counting on for
 * --requests requests and off again. Two figures per server: all instructions, and those outside V8's compilers and
 * garbage collector, whose work still comes and goes with timing after warm-up (the latter varied by about 1 %
 * between runs of one build, the former by up to 5 %). The real and the bare server run side by side, each with a
 * load generator of its own. Needs valgrind (Debian: `apt install valgrind`). Writes JSON to bench/results/.
 *
 * Options: --warm-up <n> (requests before counting, default 20000), --requests <n> (counted, default 5000),
 * --connections <n> (default 50), --only <scenario name part>, --catalog bundled|large (default bundled).
 */
import { execFile, execFileSync } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs, promisify } from 'node:util'
import { writeLargeCatalog } from './large-catalog.ts'
import { bareRequestPath, bareRoute, probe, REAL_SERVER_ENV, startBareServer } from './mirror.ts'
import type { LoadResult } from './load-result.ts'
import { LoadGenerator, ROOT, startServer, type RunningServer } from './processes.ts'
import { SCENARIOS, type CatalogKind, type Scenario } from './scenarios.ts'

const run = promisify(execFile)

const { values: args } = parseArgs({
  options: {
    'warm-up': { type: 'string', default: '20000' },
    requests: { type: 'string', default: '5000' },
    connections: { type: 'string', default: '50' },
    only: { type: 'string' },
    catalog: { type: 'string', default: 'bundled' },
  },
})
if (args.catalog !== 'bundled' && args.catalog !== 'large') throw new Error(`--catalog must be bundled or large, not ${args.catalog}`)
const CATALOG: CatalogKind = args.catalog
const WARM_UP = Number(args['warm-up'])
const COUNTED = Number(args.requests)
const CONNECTIONS = Number(args.connections)
/** Start-up under valgrind takes tens of seconds. */
const START_TIMEOUT_MS = 300_000

/** Functions of V8's compilers and garbage collector, by the names callgrind_annotate gives them. */
const COMPILER = /compiler::|Compiler|Turbofan|Maglev|baseline::|interpreter::|Parser|Zone/
const COLLECTOR = /Scaveng|Heap::|Marking|Sweep|Evacuat|MemoryAllocator|heap::|RememberedSet|SlotSet|GCTracer/

interface Count { total: number, outsideCompilerAndGc: number }

/** Instructions in a callgrind output file: all, and those outside the compilers and the garbage collector. */
async function countIn (file: string): Promise<Count> {
  const { stdout } = await run('callgrind_annotate', ['--threshold=100', file], { maxBuffer: 1 << 28 })
  let total = 0
  let excluded = 0
  for (const line of stdout.split('\n')) {
    const match = /^\s*([\d,]+) \([^)]*\)\s+(.*)$/.exec(line)
    if (match === null) continue
    const instructions = Number(match[1]!.replaceAll(',', ''))
    const name = match[2]!
    if (name.includes('PROGRAM TOTALS')) total = instructions
    else if (COMPILER.test(name) || COLLECTOR.test(name)) excluded += instructions
  }
  return { total, outsideCompilerAndGc: total - excluded }
}

/**
 * `vgdbPrefix`: where valgrind puts the pipes callgrind_control talks through, given to both explicitly. The
 * pipes' names also carry $USER and $HOST as each process sees them, and the servers run with HOST=127.0.0.1
 * (processes.ts), so callgrind_control is run with the same.
 */
function callgrind (outFile: string, vgdbPrefix: string): string[] {
  return ['valgrind', '--tool=callgrind', '--instr-atstart=no', `--callgrind-out-file=${outFile}`, `--vgdb-prefix=${vgdbPrefix}`]
}

async function instrumentation (side: Side, state: 'on' | 'off'): Promise<void> {
  const { stdout, stderr } = await run('callgrind_control', [`--vgdb-prefix=${side.vgdbPrefix}`, `--instr=${state}`, String(side.server.pid)], { env: { ...process.env, HOST: '127.0.0.1' } })
  if (!stdout.includes('OK') || /error|fail/i.test(stderr)) throw new Error(`callgrind_control could not switch counting ${state}: ${stdout}${stderr}`)
}

interface Side { server: RunningServer, outFile: string, vgdbPrefix: string, requests: ReturnType<Scenario['requests']> }

/** Warms a server up, counts its instructions over the counted requests, stops it and reads the count. */
interface Measured extends Count {
  /** Counted requests answered otherwise than the scenario expects, errors and timeouts included. */
  unexpected: number
  answers: Pick<LoadResult, 'statuses' | 'errors' | 'timeouts'>
}

async function measure (side: Side, scenario: Scenario, load: LoadGenerator): Promise<Measured> {
  const ask = (amount: number) => load.run({ url: side.server.url, method: scenario.method, requests: side.requests, connections: CONNECTIONS, durationSeconds: 3600, amount })
  let counted
  try {
    await ask(WARM_UP)
    await instrumentation(side, 'on')
    counted = await ask(COUNTED)
    await instrumentation(side, 'off')
  } finally {
    await side.server.stop()
  }
  const statusClass = `${String(scenario.expectedStatus)[0]}xx`
  const unexpected = counted.total - (counted.statuses[statusClass] ?? 0) + counted.errors + counted.timeouts
  return { ...(await countIn(side.outFile)), unexpected, answers: { statuses: counted.statuses, errors: counted.errors, timeouts: counted.timeouts } }
}

const perRequest = (instructions: number) => Math.round(instructions / COUNTED)

async function main (): Promise<void> {
  try {
    execFileSync('valgrind', ['--version'], { stdio: 'ignore' })
  } catch {
    process.stderr.write('bench:instructions needs valgrind (Debian: apt install valgrind)\n')
    process.exit(1)
  }
  process.stdout.write('building…\n')
  execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'ignore' })
  const scenarios = SCENARIOS.filter((s) => args.only === undefined || s.name.toLowerCase().includes(args.only.toLowerCase()))
  const tmp = await mkdtemp(join(tmpdir(), 'mail-autoconfig-instructions-'))
  const loads = [new LoadGenerator(), new LoadGenerator()] as const
  // Every server started, so that none outlives a failure (stopping a stopped one does nothing).
  const started: RunningServer[] = []
  const rows = []
  try {
    const catalogEnv: Record<string, string> = {}
    if (CATALOG === 'large') {
      process.stdout.write('writing the large catalog…\n')
      catalogEnv.PROVIDERS_DIR = join(tmp, 'providers')
      await writeLargeCatalog(catalogEnv.PROVIDERS_DIR)
    }
    for (const scenario of scenarios) {
      process.stdout.write(`${scenario.name}: starting both servers under callgrind…\n`)
      const requests = scenario.requests(CATALOG)
      const realOut = join(tmp, `${rows.length}-real.out`)
      const realVgdb = join(tmp, `${rows.length}-real-vgdb`)
      const real = await startServer('real', ['dist/server.js'], { ...REAL_SERVER_ENV, ...catalogEnv }, '/readyz', START_TIMEOUT_MS, callgrind(realOut, realVgdb))
      started.push(real)
      const probed = await probe(real.url, scenario, CATALOG)
      const bareOut = join(tmp, `${rows.length}-bare.out`)
      const bareVgdb = join(tmp, `${rows.length}-bare-vgdb`)
      const bare = await startBareServer([bareRoute(scenario, probed, 0)], START_TIMEOUT_MS, callgrind(bareOut, bareVgdb))
      started.push(bare)
      process.stdout.write(`${scenario.name}: ${WARM_UP} requests of warm-up, then ${COUNTED} counted, on each…\n`)
      const [realCount, bareCount] = await Promise.all([
        measure({ server: real, outFile: realOut, vgdbPrefix: realVgdb, requests }, scenario, loads[0]),
        measure({ server: bare, outFile: bareOut, vgdbPrefix: bareVgdb, requests: requests.map((r) => ({ ...r, path: bareRequestPath(r.path, 0) })) }, scenario, loads[1]),
      ])
      rows.push({
        scenario: scenario.name,
        status: probed.status,
        bodyBytes: probed.bytes,
        real: { perRequest: perRequest(realCount.total), outsideCompilerAndGc: perRequest(realCount.outsideCompilerAndGc), unexpected: realCount.unexpected, answers: realCount.answers },
        bare: { perRequest: perRequest(bareCount.total), outsideCompilerAndGc: perRequest(bareCount.outsideCompilerAndGc), unexpected: bareCount.unexpected, answers: bareCount.answers },
        // As the req/s ratio reads: the share of bare Fastify's rate the real server would reach if instructions were time.
        ratio: bareCount.total / realCount.total,
        ratioOutsideCompilerAndGc: bareCount.outsideCompilerAndGc / realCount.outsideCompilerAndGc,
      })
    }
  } finally {
    for (const load of loads) load.close()
    await Promise.all(started.map((server) => server.stop()))
    await rm(tmp, { recursive: true, force: true })
  }
  const k = (n: number) => `${(n / 1000).toFixed(1)}k`
  const lines = [
    `user-space instructions per request (callgrind), ${CATALOG === 'large' ? 'large catalog' : 'bundled providers'}; ${WARM_UP} requests of warm-up, ${COUNTED} counted, ${CONNECTIONS} connections; node ${process.version}`,
    '',
    '| scenario | body B | real | bare | bare / real | real, outside compilers and GC | bare, outside | bare / real |',
    '|---|---|---|---|---|---|---|---|',
    ...rows.map((r) => `| ${r.scenario} | ${r.bodyBytes} | ${k(r.real.perRequest)} | ${k(r.bare.perRequest)} | ${r.ratio.toFixed(2)} | ${k(r.real.outsideCompilerAndGc)} | ${k(r.bare.outsideCompilerAndGc)} | ${r.ratioOutsideCompilerAndGc.toFixed(2)} |` +
      (r.real.unexpected + r.bare.unexpected > 0 ? ` unexpected answers: real ${JSON.stringify(r.real.answers)}, bare ${JSON.stringify(r.bare.answers)}` : '')),
  ]
  process.stdout.write(`\n${lines.join('\n')}\n`)
  const file = join(ROOT, 'bench', 'results', `instructions-${new Date().toISOString().replaceAll(':', '-')}.json`)
  await writeFile(file, JSON.stringify({ date: new Date().toISOString(), node: process.version, settings: { warmUp: WARM_UP, counted: COUNTED, connections: CONNECTIONS, catalog: CATALOG }, rows }, null, 2))
  process.stdout.write(`\nwritten to ${file}\n`)
}

await main()
