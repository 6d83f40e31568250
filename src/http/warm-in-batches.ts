/**
 * Prepares per-provider answers a batch at a time, yielding to the event loop between batches: with tens of
 * thousands of providers, preparing all before serving would delay start-up by as much as loading them. A request
 * that comes first prepares its own answer, so nothing waits. Stops early once `isCurrent()` is false, i.e. a newer
 * catalog has replaced this one.
 */
import type { Provider } from '../model/provider.ts'

/** Providers prepared per turn of the event loop (a few milliseconds' work). */
const WARM_BATCH = 100

export function warmInBatches (
  providers: Iterable<Provider>, warm: (batch: Provider[]) => void, isCurrent: () => boolean = () => true,
): Promise<void> {
  const pending = [...providers]
  let next = 0
  return new Promise((resolve, reject) => {
    const step = () => {
      try {
        if (!isCurrent()) return resolve()
        warm(pending.slice(next, next += WARM_BATCH))
        if (next < pending.length) setImmediate(step)
        else resolve()
      } catch (error) {
        reject(error)
      }
    }
    setImmediate(step)
  })
}
