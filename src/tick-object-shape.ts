/**
 * Keeps `process.nextTick` fast for the life of the process, by holding one of its tick objects.
 *
 * Node 20's nextTick (lib/internal/process/task_queues.js) queues an object literal with computed keys,
 * `{ [async_id_symbol]: …, [trigger_async_id_symbol]: …, callback, args }`. V8 defines each key through a
 * DefineKeyedOwnPropertyInLiteral feedback slot that knows one state besides "uninitialized": monomorphic, holding
 * the object's map weakly; the first object that arrives with another map turns it megamorphic for good
 * (Runtime_DefineKeyedOwnPropertyInLiteral in V8's src/runtime/runtime-object.cc), and from then on every key of
 * every tick object goes through V8's runtime.
 *
 * The maps a tick object passes through are held only by live objects. A full garbage collection that finds no tick
 * object alive frees them, the next tick object gets new ones, and the slots go megamorphic: in the test, one such
 * collection sufficed. A large catalog's start-up makes several: after 9 of 11 starts with 10,000 provider files a
 * nextTick took 430–1,000 ns (120–160 after the other two and after starts with the bundled providers), and an
 * autoconfig GET 146k instructions (callgrind) against ~100k with the bundled providers. With one tick object held,
 * its map keeps every map before it alive (a map holds its predecessor): 95–125 ns a nextTick after each of four
 * such starts, 106k instructions a GET.
 *
 * The object is caught with async_hooks' `init` hook, Node's public way to see the resource behind an async
 * operation (https://nodejs.org/docs/latest-v20.x/api/async_hooks.html#initasyncid-type-triggerasyncid-resource),
 * enabled only for the one nextTick made here. It must run before the first full collection: once megamorphic, a
 * slot stays so.
 */
import { createHook } from 'node:async_hooks'

const held: object[] = []

/**
 * Catches one tick object and holds it; later calls do nothing. Returns the object held, or undefined on a Node
 * whose nextTick shows no TickObject to async_hooks (then there is nothing to hold, and nothing breaks).
 */
export function holdTickObjectShape (): object | undefined {
  if (held[0] !== undefined) return held[0]
  const hook = createHook({
    init (_asyncId, type, _triggerAsyncId, resource) {
      if (type === 'TickObject' && held.length === 0) held.push(resource)
    },
  })
  hook.enable()
  try {
    process.nextTick(() => {})
  } finally {
    hook.disable()
  }
  return held[0]
}
