/**
 * `npm run bench:soak`: sustained load on the real server (built first, then run from dist/) for under a minute,
 * sampling its resident memory every second. After a warm-up, memory must not keep growing: the last third of the
 * samples may not sit above the middle third by more than a small allowance, and the fitted slope must stay
 * near zero. Loopback only; stops by itself.
 *
 * Options: --seconds <n> (load duration, default 45, at most 55), --warmup <n> (default 15).
 */
import { execFileSync } from 'node:child_process'
import { parseArgs } from 'node:util'
import { LoadGenerator, ROOT, rssBytes, startServer } from './processes.ts'
import { SCENARIOS } from './scenarios.ts'

const { values: args } = parseArgs({ options: { seconds: { type: 'string', default: '45' }, warmup: { type: 'string', default: '15' } } })
const SECONDS = Math.min(55, Number(args.seconds))
const WARMUP = Number(args.warmup)
/** Growth allowed between the middle and last thirds after warm-up: allocator noise, not a leak. */
const ALLOWED_GROWTH_BYTES = 8 * 1024 * 1024
/** A leak of this many bytes per minute or more fails the soak even within the allowance above. */
const MAX_SLOPE_BYTES_PER_MINUTE = 8 * 1024 * 1024

const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(1)

function slopePerSecond (points: Array<[number, number]>): number {
  const n = points.length
  const mx = points.reduce((s, [x]) => s + x, 0) / n
  const my = points.reduce((s, [, y]) => s + y, 0) / n
  const num = points.reduce((s, [x, y]) => s + (x - mx) * (y - my), 0)
  const den = points.reduce((s, [x]) => s + (x - mx) ** 2, 0)
  return den === 0 ? 0 : num / den
}

async function main (): Promise<void> {
  execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'ignore' })
  const server = await startServer('real (bundled)', ['dist/server.js'], { LOG_LEVEL: 'warn', RATE_LIMIT_MAX: '1000000', RATE_LIMIT_WINDOW: '1s' })
  const load = new LoadGenerator()
  const postLoad = new LoadGenerator()
  try {
    // Every kind of request at once, so each path's allocations are exercised: found, not found, every address
    // a different one (a per-address cache would show up as growth).
    const requests = SCENARIOS.flatMap((s) => s.requests('bundled').map((r) => ({ ...r, method: s.method })))
      .concat(Array.from({ length: 200 }, (_, i) => ({ path: `/mail/config-v1.1.xml?emailaddress=u${i}%40sub${i}.unknown.example`, method: 'GET' as const })))
    const gets = requests.filter((r) => r.method === 'GET')
    const posts = requests.filter((r) => r.method === 'POST')
    const samples: Array<[number, number]> = []
    const started = performance.now()
    const sampler = setInterval(() => {
      rssBytes(server.pid).then((rss) => samples.push([(performance.now() - started) / 1000, rss]), () => {})
    }, 1000)
    await Promise.all([
      load.run({ url: server.url, method: 'GET', requests: gets, connections: 40, durationSeconds: SECONDS }),
      ...(posts.length === 0 ? [] : [postLoad.run({ url: server.url, method: 'POST', requests: posts, connections: 10, durationSeconds: SECONDS })]),
    ])
    clearInterval(sampler)

    const after = samples.filter(([t]) => t >= WARMUP)
    const third = Math.floor(after.length / 3)
    const middle = after.slice(third, 2 * third).map(([, rss]) => rss)
    const last = after.slice(2 * third).map(([, rss]) => rss)
    const growth = Math.max(...last) - Math.max(...middle)
    const slope = slopePerSecond(after) * 60
    const ok = growth <= ALLOWED_GROWTH_BYTES && slope <= MAX_SLOPE_BYTES_PER_MINUTE
    process.stdout.write(`RSS samples (MB): ${samples.map(([, rss]) => mb(rss)).join(' ')}\n`)
    process.stdout.write(`after ${WARMUP} s warm-up: middle-third max ${mb(Math.max(...middle))} MB, last-third max ${mb(Math.max(...last))} MB, growth ${mb(growth)} MB (allowed ${mb(ALLOWED_GROWTH_BYTES)}), slope ${mb(slope)} MB/min (allowed ${mb(MAX_SLOPE_BYTES_PER_MINUTE)})\n`)
    process.stdout.write(ok ? 'soak: memory is flat after warm-up\n' : 'soak: MEMORY GROWS after warm-up\n')
    if (!ok) process.exitCode = 1
  } finally {
    load.close()
    postLoad.close()
    await server.stop()
  }
}

await main()
