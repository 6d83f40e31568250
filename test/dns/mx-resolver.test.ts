import { setTimeout as sleep } from 'node:timers/promises'
import t from 'tap'
import { MemoryMxCache, type MxAnswer, type MxAnswerCache } from '../../src/dns/mx-cache.ts'
import { MxResolver } from '../../src/dns/mx-resolver.ts'
import { startDnsServer } from './support.ts'

const GOOGLE_MX = [
  { exchange: 'alt1.aspmx.l.google.com', priority: 5 },
  { exchange: 'ASPMX.L.Google.com.', priority: 1 },
]

t.test('each kind of DNS answer becomes its outcome', async (t) => {
  const dns = await startDnsServer(t, {
    'shop.example': { mx: GOOGLE_MX },
    'nomx.example': { rcode: 'NOERROR' },
    'nullmx.example': { mx: [{ exchange: '', priority: 0 }] },
    'broken.example': { rcode: 'SERVFAIL' },
  })
  const mx = new MxResolver({ servers: [dns.address], timeoutMs: 1000 })
  t.same(await mx.resolve('shop.example'), {
    outcome: 'found',
    records: [{ exchange: 'aspmx.l.google.com', priority: 1 }, { exchange: 'alt1.aspmx.l.google.com', priority: 5 }],
  }, 'every record, host names lower-case without the trailing dot, most preferred first (DNS gave them the other way round)')
  t.same(await mx.resolve('nomx.example'), { outcome: 'no_mx' })
  t.same(await mx.resolve('nullmx.example'), { outcome: 'no_mx' }, 'a null MX (RFC 7505) means no mail')
  t.same(await mx.resolve('nowhere.example'), { outcome: 'nxdomain' })
  t.same(await mx.resolve('broken.example'), { outcome: 'failed' })
  t.same(mx.stats.lookups, { found: 1, nxdomain: 1, no_mx: 2, failed: 1, timeout: 0, busy: 0 })
  t.equal(mx.stats.cacheHits, 0)
})

t.test('a server that never answers: the lookup gives up at the timeout', async (t) => {
  const dns = await startDnsServer(t, { 'dead.example': { silent: true } })
  const mx = new MxResolver({ servers: [dns.address], timeoutMs: 200 })
  const started = performance.now()
  t.same(await mx.resolve('dead.example'), { outcome: 'timeout' })
  const waited = performance.now() - started
  t.ok(waited >= 190 && waited < 1000, `gave up after ${Math.round(waited)} ms`)
  t.equal(mx.stats.lookups.timeout, 1)
})

t.test('answers are kept: a second lookup sends no query, and is synchronous', async (t) => {
  const dns = await startDnsServer(t, { 'shop.example': { mx: GOOGLE_MX }, 'broken.example': { rcode: 'SERVFAIL' } })
  const mx = new MxResolver({ servers: [dns.address] })
  const first = await mx.resolve('shop.example')
  const second = mx.resolve('shop.example')
  t.notOk(second instanceof Promise, 'from the in-process cache without a tick')
  t.same(second, first)
  await mx.resolve('nowhere.example')
  t.same(mx.resolve('nowhere.example'), { outcome: 'nxdomain' }, 'negative answers are kept too')
  await mx.resolve('broken.example')
  t.same(mx.resolve('broken.example'), { outcome: 'failed' }, 'and failures')
  t.same(Object.fromEntries(dns.queries), { 'MX shop.example': 1, 'MX nowhere.example': 1, 'MX broken.example': 1 })
  t.equal(mx.stats.cacheHits, 3)
})

t.test('a kept answer expires after its lifetime, each kind after its own', async (t) => {
  const dns = await startDnsServer(t, { 'shop.example': { mx: GOOGLE_MX }, 'broken.example': { rcode: 'SERVFAIL' } })
  const mx = new MxResolver({ servers: [dns.address], lifetimes: { found: 300, negative: 300, failure: 100 } })
  await mx.resolve('shop.example')
  await mx.resolve('broken.example')
  await sleep(150)
  t.notOk(mx.resolve('shop.example') instanceof Promise, 'found: still kept at 150 ms')
  t.ok(mx.resolve('broken.example') instanceof Promise, 'failure: asked again after 100 ms')
  await sleep(200)
  t.same(await mx.resolve('shop.example'), { outcome: 'found', records: [{ exchange: 'aspmx.l.google.com', priority: 1 }, { exchange: 'alt1.aspmx.l.google.com', priority: 5 }] })
  t.same(Object.fromEntries(dns.queries), { 'MX shop.example': 2, 'MX broken.example': 2 })
})

t.test('concurrent lookups of one domain share one query', async (t) => {
  const dns = await startDnsServer(t, { 'shop.example': { mx: GOOGLE_MX, delayMs: 100 } })
  const mx = new MxResolver({ servers: [dns.address] })
  const answers = await Promise.all(Array.from({ length: 50 }, () => mx.resolve('shop.example')))
  t.equal(dns.queries.get('MX shop.example'), 1)
  t.ok(answers.every((answer) => answer.outcome === 'found'))
  t.equal(mx.stats.coalesced, 49)
  t.equal(mx.stats.lookups.found, 1)
})

t.test('beyond the cap on queries in flight a domain is answered busy at once, and nothing is kept', async (t) => {
  const dns = await startDnsServer(t, {
    'slow1.example': { mx: GOOGLE_MX, delayMs: 300 },
    'slow2.example': { mx: GOOGLE_MX, delayMs: 300 },
    'third.example': { mx: GOOGLE_MX },
  })
  const mx = new MxResolver({ servers: [dns.address], maxInFlight: 2 })
  const slow = [mx.resolve('slow1.example'), mx.resolve('slow2.example')]
  t.equal(mx.inFlight, 2)
  const started = performance.now()
  t.same(await mx.resolve('third.example'), { outcome: 'busy' })
  t.ok(performance.now() - started < 100, 'without waiting')
  t.equal(dns.queries.get('MX third.example'), undefined, 'and without a query')
  await Promise.all(slow)
  t.equal(mx.inFlight, 0)
  t.same(await mx.resolve('third.example'), { outcome: 'found', records: [{ exchange: 'aspmx.l.google.com', priority: 1 }, { exchange: 'alt1.aspmx.l.google.com', priority: 5 }] }, 'tried again once there is room')
  t.equal(mx.stats.lookups.busy, 1)
})

t.test('another cache can stand in, answering with promises; one that fails costs a query, not the lookup', async (t) => {
  const dns = await startDnsServer(t, { 'shop.example': { mx: GOOGLE_MX } })
  const memory = new MemoryMxCache(10)
  const sets: Array<{ domain: string, ttlMs: number }> = []
  let down = false
  const shared: MxAnswerCache = {
    get: async (domain) => {
      if (down) throw new Error('cache down')
      return memory.get(domain)
    },
    set: async (domain: string, answer: MxAnswer, ttlMs: number) => {
      sets.push({ domain, ttlMs })
      if (down) throw new Error('cache down')
      memory.set(domain, answer, ttlMs)
    },
  }
  const mx = new MxResolver({ servers: [dns.address], cache: shared, lifetimes: { found: 1234 } })
  t.equal((await mx.resolve('shop.example')).outcome, 'found')
  const hit = mx.resolve('shop.example')
  t.ok(hit instanceof Promise)
  t.equal((await hit).outcome, 'found')
  t.equal(dns.queries.get('MX shop.example'), 1, 'the second answer came from the cache')
  t.same(sets, [{ domain: 'shop.example', ttlMs: 1234 }])
  down = true
  t.equal((await mx.resolve('shop.example')).outcome, 'found')
  t.equal(dns.queries.get('MX shop.example'), 2)
})
