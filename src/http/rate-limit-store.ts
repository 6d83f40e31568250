/**
 * The counts behind rate limiting: @fastify/rate-limit's own in-memory LocalStore (a fixed window per key, at most
 * `cache` keys, least recently used dropped first), with one difference in how it is shared. The plugin gives every
 * route that has a limit of its own a child store, so two routes in one `groupId` (the POX and the v2 autodiscover
 * routes) would each count a client separately. The plugin already suffixes keys with the group, so a grouped
 * child can be this very store: one count per client per group, whichever route of the group was asked.
 * The fast path (fast-path/) counts through the same store, so a client is limited the same on either path.
 */
import type { FastifyRateLimitStore } from '@fastify/rate-limit'
import LocalStore from '@fastify/rate-limit/store/LocalStore.js'

/** Clients counted at once per store; past this the least recently seen lose their count (LocalStore's default). */
export const COUNTED_CLIENTS = 5000

export interface RateLimitCount { current: number, ttl: number }

export class GroupedLocalStore implements FastifyRateLimitStore {
  readonly #counts = new LocalStore(false, false, COUNTED_CLIENTS)

  incr (key: string, callback: (error: Error | null, result?: RateLimitCount) => void, timeWindow: number, max: number): void {
    this.#counts.incr(key, callback, timeWindow, max)
  }

  /** Counts one request under `key` now; LocalStore answers synchronously. */
  count (key: string, timeWindow: number, max: number): RateLimitCount {
    let counted: RateLimitCount | undefined
    this.#counts.incr(key, (_error, result) => { counted = result }, timeWindow, max)
    return counted!
  }

  /**
   * Routes of one group share this store (their keys carry the group); a route with a limit of its own gets a new
   * one. The plugin passes the route's limit options merged with the global ones (its types say RouteOptions).
   */
  child (limitOptions: object): FastifyRateLimitStore {
    return typeof (limitOptions as { groupId?: unknown }).groupId === 'string' ? this : new GroupedLocalStore()
  }
}
