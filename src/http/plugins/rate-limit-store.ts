/**
 * The counts behind rate limiting, plugged into @fastify/rate-limit through its documented `store` option
 * (https://github.com/fastify/fastify-rate-limit#custom-store): a fixed window per key, at most `COUNTED_CLIENTS`
 * keys with the least recently seen dropped first, as the plugin's own in-memory store does. One difference: the
 * plugin gives every route with a limit of its own a child store, so two routes in one `groupId` (the POX and the
 * v2 autodiscover routes) would each count a client separately. The plugin already suffixes keys with the group,
 * so a grouped child is this very store: one count per client per group, whichever route of the group was asked.
 */
import type { FastifyRateLimitStore } from '@fastify/rate-limit'
import { LRUCache } from 'lru-cache'

/** Clients counted at once per store; past this the least recently seen lose their count. */
export const COUNTED_CLIENTS = 5000

export interface RateLimitCount { current: number, ttl: number }

interface Window { current: number, startedMs: number }

export class GroupedLocalStore implements FastifyRateLimitStore {
  readonly #windows = new LRUCache<string, Window>({ max: COUNTED_CLIENTS })

  incr (key: string, callback: (error: Error | null, result?: RateLimitCount) => void, timeWindow: number): void {
    callback(null, this.count(key, timeWindow))
  }

  /** Counts one request under `key` now. */
  count (key: string, timeWindow: number): RateLimitCount {
    const now = Date.now()
    let window = this.#windows.get(key)
    if (window === undefined || window.startedMs + timeWindow <= now) {
      window = { current: 0, startedMs: now }
      this.#windows.set(key, window)
    }
    window.current++
    return { current: window.current, ttl: window.startedMs + timeWindow - now }
  }

  /**
   * Routes of one group share this store (their keys carry the group); a route with a limit of its own gets a new
   * one. The plugin passes the route's limit options merged with the global ones (its types say RouteOptions).
   */
  child (limitOptions: object): FastifyRateLimitStore {
    return typeof (limitOptions as { groupId?: unknown }).groupId === 'string' ? this : new GroupedLocalStore()
  }
}
