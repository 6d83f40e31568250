/**
 * The bare server as a mirror of the real one: each scenario's answers are probed, and the bare server gets a
 * route per scenario that answers a fixed body of their mean size, with their status and content type, asked the
 * same requests (query strings and headers included) on a path of its own. Shared by the req/s benchmark (run.ts)
 * and the instruction count (instructions.ts).
 */
import { startServer, type RunningServer } from './processes.ts'
import type { CatalogKind, Scenario } from './scenarios.ts'

export interface Probe { status: number, contentType: string, bytes: number }

/**
 * Every request of the scenario asked once: their status and content type, which must be the same for all, and their
 * mean body size. The mean, not the first answer's size: the bundled set's answers run from 2.1 to 3.2 kB and the first is the
 * largest, and bare Fastify's req/s moves with the size of its body, so a mirror of the first alone answered 12 %
 * more bytes than the real server did on average.
 */
export async function probe (baseUrl: string, scenario: Scenario, catalog: CatalogKind): Promise<Probe> {
  const answers: Array<{ status: number, contentType: string, bytes: number }> = []
  for (const request of scenario.requests(catalog)) {
    const res = await fetch(baseUrl + request.path, { method: scenario.method, headers: request.headers ?? {}, ...(request.body === undefined ? {} : { body: request.body }) })
    const body = Buffer.from(await res.arrayBuffer())
    answers.push({ status: res.status, contentType: res.headers.get('content-type') ?? 'text/plain', bytes: body.length })
  }
  const first = answers[0]!
  // A mean over answers of different kinds (a 404 among the documents) would mirror none of them.
  const odd = answers.findIndex((answer) => answer.status !== first.status || answer.contentType !== first.contentType)
  if (odd !== -1) {
    throw new Error(`${scenario.name} (${catalog}): request ${odd} was answered ${answers[odd]!.status} ${answers[odd]!.contentType}, request 0 ${first.status} ${first.contentType}`)
  }
  return { status: first.status, contentType: first.contentType, bytes: meanBytes(answers.map((answer) => answer.bytes)) }
}

/** The mean of body sizes, rounded to a whole byte. */
export function meanBytes (sizes: number[]): number {
  if (sizes.length === 0) throw new RangeError('no sizes to take the mean of')
  return Math.round(sizes.reduce((sum, size) => sum + size, 0) / sizes.length)
}

/** What bench/bare-server.ts reads from BARE_ROUTES. */
export interface BareRoute { method: Scenario['method'], path: string, status: number, contentType: string, bytes: number }

export function barePath (i: number): string {
  return `/bare/${i}`
}

/**
 * The bare route `i`'s request for a real request path. The query string stays, because Fastify's router parses a
 * query for every route, the empty one too (a bare route asked without one ran 8 to 17 % faster).
 */
export function bareRequestPath (path: string, i: number): string {
  const queryStart = path.indexOf('?')
  return barePath(i) + (queryStart === -1 ? '' : path.slice(queryStart))
}

export function bareRoute (scenario: Scenario, probed: Probe, i: number): BareRoute {
  return { method: scenario.method, path: barePath(i), status: probed.status, contentType: probed.contentType, bytes: probed.bytes }
}

/** Starts bench/bare-server.ts with `routes` (it is ready once it listens; see startServer for the rest). */
export function startBareServer (routes: BareRoute[], timeoutMs?: number, launcher?: string[]): Promise<RunningServer> {
  return startServer('bare fastify', ['--import', 'tsx', 'bench/bare-server.ts'], { BARE_ROUTES: JSON.stringify(routes) }, '/', timeoutMs, launcher)
}

/**
 * The real server as operators run it at scale: request logs off (LOG_LEVEL=warn) and rate limiting on, with a
 * limit far above what the benchmark sends, so its cost is measured without ever answering 429.
 */
export const REAL_SERVER_ENV: Readonly<Record<string, string>> = {
  LOG_LEVEL: 'warn',
  RATE_LIMIT_MAX: '1000000',
  RATE_LIMIT_WINDOW: '1s',
  NODE_ENV: 'production',
}
