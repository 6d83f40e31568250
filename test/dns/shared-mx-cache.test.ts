import t from 'tap'
import { MemoryMxCache } from '../../src/dns/mx-cache.ts'
import { MxResolver } from '../../src/dns/mx-resolver.ts'
import { REDIS_MX_PREFIX, SharedMxCache } from '../../src/dns/shared-mx-cache.ts'
import { RedisConnection } from '../../src/redis/connection.ts'
import { REDIS_TIMEOUT_MS, until } from '../support/redis-app.ts'
import { startRedisServer } from '../support/redis-server.ts'
import { startDnsServer } from './support.ts'

const SHOP_MX = [{ exchange: 'aspmx.l.google.com', priority: 1 }]
const MARGIN_MS = 250

/** The milliseconds Redis keeps `domain` for, once the write (not waited for by the lookup) has landed. */
async function sharedFor (connection: RedisConnection, domain: string): Promise<number> {
  let left = -2
  const end = Date.now() + 5000
  while (left < 0 && Date.now() < end) left = await connection.client.pttl(REDIS_MX_PREFIX + domain)
  return left
}

/** A replica's MX step: its own connection to the shared Redis, its own memory in front. */
async function replica (t: { teardown (fn: () => unknown): void }, url: string, dnsAddress: string, lifetimes = {}) {
  const connection = new RedisConnection(url, REDIS_TIMEOUT_MS)
  t.teardown(() => connection.close())
  connection.start({ info () {}, warn () {} })
  await until(() => connection.stats.up, 'the connection')
  const local = new MemoryMxCache(100)
  const mx = new MxResolver({ servers: [dnsAddress], timeoutMs: 1000, lifetimes, cache: new SharedMxCache(local, connection.client) })
  return { connection, local, mx }
}

t.test('an answer one replica got from DNS serves the other without a query, with the time it has left', async (t) => {
  const redis = await startRedisServer(t)
  const dns = await startDnsServer(t, { 'shop.example': { mx: SHOP_MX } })
  const a = await replica(t, redis.url, dns.address)
  const b = await replica(t, redis.url, dns.address)

  t.same(await a.mx.resolve('shop.example'), { outcome: 'found', records: SHOP_MX })
  t.equal(dns.queries.get('MX shop.example'), 1)
  t.equal(b.local.size, 0, 'nothing in b\'s memory')
  const shared = await sharedFor(a.connection, 'shop.example')
  t.ok(shared > 290_000 && shared <= 300_000, `kept in Redis for the answer's lifetime (PX ${shared})`)

  const fromB = b.mx.resolve('shop.example')
  t.ok(fromB instanceof Promise, 'b asks Redis first')
  t.same(await fromB, { outcome: 'found', records: SHOP_MX })
  t.equal(dns.queries.get('MX shop.example'), 1, 'and sends no DNS query')
  t.same(b.mx.resolve('shop.example'), { outcome: 'found', records: SHOP_MX }, 'then answers from its own memory, synchronously')
  t.equal(b.mx.stats.cacheHits, 2)
  t.equal(b.mx.stats.lookups.found, 0, 'b never asked DNS')
})

t.test('negative answers are shared; failures stay with the replica that saw them', async (t) => {
  const redis = await startRedisServer(t)
  const dns = await startDnsServer(t, { 'nomx.example': { rcode: 'NOERROR' }, 'broken.example': { rcode: 'SERVFAIL' } })
  const a = await replica(t, redis.url, dns.address)
  const b = await replica(t, redis.url, dns.address)
  t.same(await a.mx.resolve('gone.example'), { outcome: 'nxdomain' })
  t.same(await a.mx.resolve('nomx.example'), { outcome: 'no_mx' })
  t.same(await a.mx.resolve('broken.example'), { outcome: 'failed' })
  t.ok(await sharedFor(a.connection, 'gone.example') > 0)
  const negative = await sharedFor(a.connection, 'nomx.example')
  t.same((await a.connection.client.keys(`${REDIS_MX_PREFIX}*`)).sort(), [`${REDIS_MX_PREFIX}gone.example`, `${REDIS_MX_PREFIX}nomx.example`], 'no key for the failure')
  t.ok(negative > 50_000 && negative <= 60_000, `a negative answer for its shorter lifetime (${negative})`)
  t.same(await b.mx.resolve('gone.example'), { outcome: 'nxdomain' })
  t.same(await b.mx.resolve('nomx.example'), { outcome: 'no_mx' })
  t.same(await b.mx.resolve('broken.example'), { outcome: 'failed' })
  t.same(Object.fromEntries(dns.queries), { 'MX gone.example': 1, 'MX nomx.example': 1, 'MX broken.example': 2 }, 'only the failure was asked again')
})

t.test('a learned answer expires locally when it does in Redis', async (t) => {
  const redis = await startRedisServer(t)
  const dns = await startDnsServer(t, { 'shop.example': { mx: SHOP_MX } })
  const a = await replica(t, redis.url, dns.address, { found: 400 })
  const b = await replica(t, redis.url, dns.address, { found: 400 })
  await a.mx.resolve('shop.example')
  t.ok(await sharedFor(a.connection, 'shop.example') > 0)
  await b.mx.resolve('shop.example')
  t.equal(dns.queries.get('MX shop.example'), 1)
  await new Promise((resolve) => setTimeout(resolve, 450))
  t.equal(await a.connection.client.get(REDIS_MX_PREFIX + 'shop.example'), null, 'gone from Redis')
  t.equal(b.local.get('shop.example'), undefined, 'and from b\'s memory')
  await b.mx.resolve('shop.example')
  t.equal(dns.queries.get('MX shop.example'), 2, 'so b asks DNS again')
})

t.test('Redis gone or holding garbage: lookups go to DNS and the local cache, quickly and without an error', async (t) => {
  const redis = await startRedisServer(t)
  const dns = await startDnsServer(t, { 'shop.example': { mx: SHOP_MX }, 'other.example': { mx: SHOP_MX } })
  const a = await replica(t, redis.url, dns.address)
  await a.connection.client.set(REDIS_MX_PREFIX + 'other.example', '{"answer":{"outcome":"found","records":[]},"expiresAtMs":1e15}')
  t.same(await a.mx.resolve('other.example'), { outcome: 'found', records: SHOP_MX }, 'an unreadable shared entry is a miss')
  t.equal(dns.queries.get('MX other.example'), 1)

  await redis.kill()
  await until(() => !a.connection.stats.up, 'the outage')
  const started = performance.now()
  t.same(await a.mx.resolve('shop.example'), { outcome: 'found', records: SHOP_MX }, 'from DNS')
  t.ok(performance.now() - started < REDIS_TIMEOUT_MS + MARGIN_MS, 'without waiting on Redis')
  t.same(a.mx.resolve('shop.example'), { outcome: 'found', records: SHOP_MX }, 'and kept locally')
  t.same(a.mx.resolve('other.example'), { outcome: 'found', records: SHOP_MX })
  t.equal(dns.queries.get('MX shop.example'), 1)
  t.ok(a.connection.stats.errors >= 2, 'the failed GET and SET are counted by the connection')
})
