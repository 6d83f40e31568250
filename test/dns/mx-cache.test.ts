import { setTimeout as sleep } from 'node:timers/promises'
import t from 'tap'
import { MemoryMxCache } from '../../src/dns/mx-cache.ts'

t.test('keeps each answer for its own lifetime', async (t) => {
  const cache = new MemoryMxCache(10)
  cache.set('short.example', { outcome: 'nxdomain' }, 50)
  cache.set('long.example', { outcome: 'found', records: [{ exchange: 'mx.long.example', priority: 10 }] }, 5000)
  t.same(cache.get('short.example'), { outcome: 'nxdomain' })
  await sleep(80)
  t.equal(cache.get('short.example'), undefined, 'gone after 50 ms')
  t.same(cache.get('long.example'), { outcome: 'found', records: [{ exchange: 'mx.long.example', priority: 10 }] })
})

t.test('holds at most its size, dropping the least recently used', async (t) => {
  const cache = new MemoryMxCache(2)
  cache.set('a.example', { outcome: 'no_mx' }, 5000)
  cache.set('b.example', { outcome: 'no_mx' }, 5000)
  cache.get('a.example')
  cache.set('c.example', { outcome: 'no_mx' }, 5000)
  t.equal(cache.size, 2)
  t.equal(cache.get('b.example'), undefined)
  t.same(cache.get('a.example'), { outcome: 'no_mx' })
  t.same(cache.get('c.example'), { outcome: 'no_mx' })
})
