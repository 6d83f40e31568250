/** @fastify/rate-limit's in-memory store, which the package ships without types (its own index.d.ts types the interface). */
declare module '@fastify/rate-limit/store/LocalStore.js' {
  import type { FastifyRateLimitStore } from '@fastify/rate-limit'
  interface LocalStore extends FastifyRateLimitStore {
    read (key: string, callback: (error: Error | null, result?: { current: number, ttl: number }) => void, timeWindow: number, max?: number): void
  }
  const LocalStore: new (continueExceeding?: boolean, exponentialBackoff?: boolean, cache?: number) => LocalStore
  export default LocalStore
}
