import t from 'tap'
import { GroupedLocalStore } from '../../../src/http/plugins/rate-limit-store.ts'

t.test('a store counts per key in a fixed window', async (t) => {
  const store = new GroupedLocalStore()
  t.match(store.count('a', 60_000), { current: 1 })
  t.match(store.count('a', 60_000), { current: 2 })
  t.match(store.count('a', 60_000), { current: 3 })
  t.match(store.count('b', 60_000), { current: 1 }, 'another key has its own count')
  const incremented = await new Promise<{ current: number, ttl: number } | undefined>((resolve) => store.incr('a', (_error, result) => resolve(result), 60_000))
  t.equal(incremented?.current, 4, 'the plugin\'s incr and count share the counts')
  t.ok(incremented!.ttl > 0 && incremented!.ttl <= 60_000)
  t.match(store.count('short', 1), { current: 1 })
  await new Promise((resolve) => setTimeout(resolve, 5))
  t.match(store.count('short', 1), { current: 1 }, 'a new window starts the count again')
})

t.test('routes of one group share the store; a route with a limit of its own gets a new one', async (t) => {
  const store = new GroupedLocalStore()
  t.equal(store.child({ groupId: 'autodiscover', max: 1 }), store)
  const own = store.child({ max: 1 }) as GroupedLocalStore
  t.not(own, store)
  store.count('a', 60_000)
  t.match(own.count('a', 60_000), { current: 1 }, 'counted apart')
})
