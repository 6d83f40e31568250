import t from 'tap'
import { REDIS_RATE_LIMIT_PREFIX } from '../../../src/http/plugins/rate-limit.ts'
import { RedisConnection } from '../../../src/redis/connection.ts'
import { build } from '../../helper.ts'
import { metric, REDIS_TIMEOUT_MS, replica, until } from '../../support/redis-app.ts'
import { startRedisServer } from '../../support/redis-server.ts'

const URL = '/mail/config-v1.1.xml?emailaddress=alice@gmail.com'
const POX = '<?xml version="1.0"?><Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006"><Request><EMailAddress>alice@gmail.com</EMailAddress><AcceptableResponseSchema>http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a</AcceptableResponseSchema></Request></Autodiscover>'
/** What a busy test machine may add to the bounded wait on Redis. */
const MARGIN_MS = 250

t.test('two instances share one count per client', async (t) => {
  const redis = await startRedisServer(t)
  const a = await replica(t, redis.url, { rateLimit: { max: 4, timeWindowMs: 60_000 } })
  const b = await replica(t, redis.url, { rateLimit: { max: 4, timeWindowMs: 60_000 } })
  const statuses: number[] = []
  for (const { app } of [a, b, a, b, a, b]) statuses.push((await app.inject({ url: URL, remoteAddress: '192.0.2.1' })).statusCode)
  t.same(statuses, [200, 200, 200, 200, 429, 429], 'the limit is four over both, not four each')
  const limited = await b.app.inject({ url: URL, remoteAddress: '192.0.2.1' })
  t.equal(limited.headers['retry-after'], '60')
  t.equal(limited.json().code, 'RATE_LIMITED')
  t.equal((await a.app.inject({ url: URL, remoteAddress: '192.0.2.2' })).statusCode, 200, 'another client has its own count')
  t.equal((await a.app.inject({ url: '/wp-login.php', remoteAddress: '192.0.2.1' })).statusCode, 429, 'not-found answers share it too')
  const keys = await a.redis.client.keys('*')
  t.same(keys.sort(), [`${REDIS_RATE_LIMIT_PREFIX}192.0.2.1`, `${REDIS_RATE_LIMIT_PREFIX}192.0.2.2`], 'one key per client, under the prefix')
  t.equal(await metric(a.app, 'mail_autoconfig_redis_up'), 1)
  t.equal(await metric(a.app, 'mail_autoconfig_rate_limit_fail_open_total'), 0)
})

t.test('the autodiscover routes share one tighter count over both instances and both forms', async (t) => {
  const redis = await startRedisServer(t)
  const a = await replica(t, redis.url, { rateLimit: { max: 15, timeWindowMs: 60_000 } })
  const b = await replica(t, redis.url, { rateLimit: { max: 15, timeWindowMs: 60_000 } })
  const pox = (app: typeof a.app) => app.inject({ method: 'POST', url: '/autodiscover/autodiscover.xml', headers: { 'content-type': 'text/xml' }, payload: POX })
  const v2 = (app: typeof a.app) => app.inject({ url: '/autodiscover/autodiscover.json/v1.0/alice@gmail.com?Protocol=AutodiscoverV1' })
  // A fifth of 15: three autodiscover requests per window, whichever form and instance.
  t.equal((await pox(a.app)).statusCode, 200)
  t.equal((await v2(b.app)).statusCode, 200)
  t.equal((await pox(b.app)).statusCode, 200)
  t.equal((await v2(a.app)).statusCode, 429, 'the fourth, in the other form on the other instance')
  t.equal((await pox(b.app)).statusCode, 429)
  t.equal((await a.app.inject({ url: URL })).statusCode, 200, 'other routes keep their own count')
  t.same((await a.redis.client.keys('*')).sort(), [`${REDIS_RATE_LIMIT_PREFIX}127.0.0.1`, `${REDIS_RATE_LIMIT_PREFIX}127.0.0.1:autodiscover`])
})

t.test('Redis killed under load: no request fails or waits past the timeout; back, limits count again', async (t) => {
  const redis = await startRedisServer(t)
  const max = 100
  const a = await replica(t, redis.url, { rateLimit: { max, timeWindowMs: 60_000 } })
  const b = await replica(t, redis.url, { rateLimit: { max, timeWindowMs: 60_000 } })
  const TOTAL = 300
  const CONCURRENCY = 10
  // Requests in flight at the kill may be counted or not; those before it were all counted, those after none.
  const results: Array<{ i: number, status: number, ms: number, endedBeforeKill: boolean, startedAfterKill: boolean }> = []
  let killed = false
  let next = 0
  const worker = async () => {
    while (next < TOTAL) {
      const i = next++
      if (i === 150 && !killed) {
        killed = true
        await redis.kill()
      }
      const startedAfterKill = killed
      const started = performance.now()
      const res = await (i % 2 === 0 ? a : b).app.inject({ url: URL, remoteAddress: '198.51.100.9' })
      results.push({ i, status: res.statusCode, ms: performance.now() - started, endedBeforeKill: !killed, startedAfterKill })
    }
  }
  await Promise.all(Array.from({ length: CONCURRENCY }, worker))

  t.equal(results.length, TOTAL, 'every request answered')
  const unexpected = results.filter((r) => r.status !== 200 && r.status !== 429)
  t.same(unexpected, [], 'only 200 and 429, never a 5xx')
  const before = results.filter((r) => r.endedBeforeKill)
  t.ok(before.length >= 150 - CONCURRENCY, `${before.length} requests before the kill`)
  t.equal(before.filter((r) => r.status === 200).length, max, 'before the kill, the shared limit held: 100 served over both instances')
  t.equal(before.filter((r) => r.status === 429).length, before.length - max)
  const after = results.filter((r) => r.startedAfterKill)
  t.ok(after.length >= 140, `${after.length} requests after the kill`)
  t.same(after.filter((r) => r.status !== 200).map((r) => r.i), [], 'with Redis gone, every request is let through')
  const slowest = Math.max(...results.map((r) => r.ms))
  t.ok(slowest < REDIS_TIMEOUT_MS + MARGIN_MS, `the slowest took ${slowest.toFixed(1)}ms`)

  const failOpens = (await metric(a.app, 'mail_autoconfig_rate_limit_fail_open_total'))! + (await metric(b.app, 'mail_autoconfig_rate_limit_fail_open_total'))!
  t.ok(failOpens >= after.length - CONCURRENCY, `the requests let through uncounted are counted (${failOpens})`)
  t.ok((await metric(a.app, 'mail_autoconfig_redis_errors_total'))! > 0)
  t.equal(await metric(a.app, 'mail_autoconfig_redis_up'), 0)
  const ready = await a.app.inject({ url: '/readyz' })
  t.equal(ready.statusCode, 200, '/readyz stays ready: Redis is not a dependency')
  for (const { messages } of [a, b]) {
    t.equal(messages.filter((m) => m.startsWith('Redis is down')).length, 1, 'one "down" line per instance for the whole outage')
  }

  await redis.start()
  await until(() => a.redis.stats.up && b.redis.stats.up, 'both instances to reconnect')
  const statuses: number[] = []
  for (let i = 0; i < max + 2; i++) statuses.push((await (i % 2 === 0 ? a : b).app.inject({ url: URL, remoteAddress: '198.51.100.9' })).statusCode)
  t.equal(statuses.filter((s) => s === 200).length, max, 'a new Redis counts from zero, and the limit holds again')
  t.same(statuses.slice(max), [429, 429])
  t.equal(await metric(b.app, 'mail_autoconfig_redis_up'), 1)
  for (const { messages } of [a, b]) {
    t.same(messages.filter((m) => m.startsWith('Redis is')).map((m) => m.split(' ').slice(0, 3).join(' ')), ['Redis is up:', 'Redis is down', 'Redis is back:'])
  }
})

t.test('a Redis that hangs delays requests by the timeout at most, and lets them through', async (t) => {
  const redis = await startRedisServer(t)
  const a = await replica(t, redis.url, { rateLimit: { max: 1, timeWindowMs: 60_000 } })
  t.equal((await a.app.inject({ url: URL })).statusCode, 200)
  t.equal((await a.app.inject({ url: URL })).statusCode, 429)
  redis.pause()
  t.teardown(() => redis.resume())
  for (let i = 0; i < 5; i++) {
    const started = performance.now()
    const res = await a.app.inject({ url: URL })
    const ms = performance.now() - started
    t.equal(res.statusCode, 200, 'served uncounted')
    t.ok(ms < REDIS_TIMEOUT_MS + MARGIN_MS, `in ${ms.toFixed(1)}ms`)
  }
  t.equal(await metric(a.app, 'mail_autoconfig_rate_limit_fail_open_total'), 5)
})

t.test('a Redis down at start: requests are served, and counted once it comes', async (t) => {
  const redis = await startRedisServer(t)
  await redis.kill()
  const connection = new RedisConnection(redis.url, REDIS_TIMEOUT_MS)
  const app = await build(t, { redis: connection, rateLimit: { max: 1, timeWindowMs: 60_000 } })
  for (let i = 0; i < 3; i++) t.equal((await app.inject({ url: URL })).statusCode, 200)
  t.equal(await metric(app, 'mail_autoconfig_redis_up'), 0)
  await redis.start()
  await until(() => connection.stats.up, 'the connection')
  t.equal((await app.inject({ url: URL })).statusCode, 200)
  t.equal((await app.inject({ url: URL })).statusCode, 429)
})

t.test('a Redis answering errors (out of memory) lets requests through uncounted, and says so once', async (t) => {
  const redis = await startRedisServer(t)
  const a = await replica(t, redis.url, { rateLimit: { max: 1, timeWindowMs: 60_000 } })
  await a.redis.client.config('SET', 'maxmemory-policy', 'noeviction')
  await a.redis.client.config('SET', 'maxmemory', '1')
  for (let i = 0; i < 4; i++) t.equal((await a.app.inject({ url: URL, remoteAddress: `192.0.2.${i}` })).statusCode, 200)
  for (let i = 0; i < 3; i++) t.equal((await a.app.inject({ url: URL })).statusCode, 200, 'over the limit of 1, but uncounted')
  t.equal(await metric(a.app, 'mail_autoconfig_rate_limit_fail_open_total'), 7)
  t.equal(a.messages.filter((m) => m.startsWith('Redis is down (OOM')).length, 1)
  await a.redis.client.config('SET', 'maxmemory', '0')
  await new Promise((resolve) => setTimeout(resolve, 1000)) // RECOVERY_QUIET_MS
  t.equal((await a.app.inject({ url: URL })).statusCode, 200)
  t.equal((await a.app.inject({ url: URL })).statusCode, 429, 'counted again once Redis takes writes')
  t.equal(await metric(a.app, 'mail_autoconfig_redis_up'), 1)
})
