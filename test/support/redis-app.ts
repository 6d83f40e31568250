/** App instances sharing one real Redis, as replicas do: each with its own connection, its log lines kept. */
import { Writable } from 'node:stream'
import type { FastifyInstance } from 'fastify'
import type { AppOptions } from '../../src/app.ts'
import { RedisConnection } from '../../src/redis/connection.ts'
import { build } from '../helper.ts'

interface Teardown { teardown (fn: () => unknown): void }

export interface Replica {
  app: FastifyInstance
  redis: RedisConnection
  /** Every log line's message. */
  messages: string[]
}

export const REDIS_TIMEOUT_MS = 100

export async function until (condition: () => boolean, what: string, ms = 10_000): Promise<void> {
  const end = Date.now() + ms
  while (!condition()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

/** An app on `url`, connected before it returns (closing the app closes its connection). */
export async function replica (t: Teardown, url: string, options: Partial<AppOptions> = {}): Promise<Replica> {
  const messages: string[] = []
  const destination = new Writable({
    write (chunk, _encoding, done) {
      for (const line of String(chunk).split('\n')) if (line !== '') messages.push(JSON.parse(line).msg)
      done()
    },
  })
  const redis = new RedisConnection(url, REDIS_TIMEOUT_MS)
  const app = await build(t, { ...options, redis, logger: { level: 'info', destination } })
  await until(() => redis.stats.up, 'the connection to Redis')
  return { app, redis, messages }
}

/** One sample's value in /metrics. */
export async function metric (app: FastifyInstance, name: string): Promise<number | undefined> {
  const text = (await app.inject({ url: '/metrics' })).body
  const line = text.split('\n').find((l) => l.startsWith(`${name} `))
  return line === undefined ? undefined : Number(line.split(' ')[1])
}
