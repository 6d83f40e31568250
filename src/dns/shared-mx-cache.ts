/**
 * MX answers shared by every replica through Redis, with this process's cache in front: an answer found here is
 * served without a round trip; a miss asks Redis (bounded by REDIS_TIMEOUT, see redis/connection.ts) and only
 * then DNS, and what DNS says is kept in both, in Redis for the same lifetime (`SET … PX`). Answers of DNS are
 * shared (records found, NXDOMAIN, no MX); a failure or a timeout stays with the replica that saw it, which may
 * be the only one with a network problem.
 *
 * Redis is never needed: a Redis that fails, times out or holds something unreadable reads as a miss, and writes
 * to it are not waited for, so a lookup costs at most one bounded GET more than without Redis. Its failures are
 * counted and logged by the connection, not here.
 */
import type { Redis } from 'ioredis'
import * as z from 'zod'
import type { MemoryMxCache, MxAnswer, MxAnswerCache } from './mx-cache.ts'

/** `<prefix><domain>` holds `{"answer":…,"expiresAtMs":…}`. */
export const REDIS_MX_PREFIX = 'mail-autoconfig:mx:'

const SHARED_OUTCOMES = new Set<MxAnswer['outcome']>(['found', 'nxdomain', 'no_mx'])

const storedSchema = z.object({
  answer: z.discriminatedUnion('outcome', [
    z.object({ outcome: z.literal('found'), records: z.array(z.object({ exchange: z.string(), priority: z.number() })).min(1) }),
    z.object({ outcome: z.enum(['nxdomain', 'no_mx']) }),
  ]),
  // When Redis expires it too; what the local copy is kept until.
  expiresAtMs: z.number(),
})

export class SharedMxCache implements MxAnswerCache {
  readonly #local: MemoryMxCache
  readonly #redis: Redis

  constructor (local: MemoryMxCache, redis: Redis) {
    this.#local = local
    this.#redis = redis
  }

  get (domain: string): MxAnswer | undefined | Promise<MxAnswer | undefined> {
    return this.#local.get(domain) ?? this.#redis.get(REDIS_MX_PREFIX + domain).then((text) => this.#learn(domain, text), () => undefined)
  }

  set (domain: string, answer: MxAnswer, ttlMs: number): void {
    this.#local.set(domain, answer, ttlMs)
    if (!SHARED_OUTCOMES.has(answer.outcome)) return
    const stored = JSON.stringify({ answer, expiresAtMs: Date.now() + ttlMs })
    this.#redis.set(REDIS_MX_PREFIX + domain, stored, 'PX', ttlMs).catch(() => {})
  }

  /** Keeps what another replica found for as long as it has left. */
  #learn (domain: string, text: string | null): MxAnswer | undefined {
    if (text === null) return undefined
    let stored: z.infer<typeof storedSchema>
    try {
      stored = storedSchema.parse(JSON.parse(text))
    } catch {
      return undefined
    }
    const leftMs = stored.expiresAtMs - Date.now()
    if (leftMs <= 0) return undefined
    this.#local.set(domain, stored.answer, leftMs)
    return stored.answer
  }
}
