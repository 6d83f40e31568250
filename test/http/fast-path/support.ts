/**
 * Two listening apps on the same providers and options, one with the fast path and one without, asked the same
 * request over real sockets (`app.inject` calls Fastify directly and never reaches the fast path). The fast app
 * records every request Fastify's hooks saw, so a test can tell which path answered.
 */
import { Agent, request as httpRequest, type IncomingHttpHeaders } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { FastifyInstance } from 'fastify'
import { buildApp, type AppOptions } from '../../../src/app.ts'
import { BUNDLED_DIR, lookupFor } from '../../helper.ts'

export interface Answer { status: number, headers: IncomingHttpHeaders, body: Buffer }
export interface Ask { path: string, headers?: Record<string, string>, method?: string, body?: string | Buffer }

interface Teardown { teardown (fn: () => unknown): void }

export interface ListeningApp {
  app: FastifyInstance
  port: number
  ask (request: Ask): Promise<Answer>
}

export interface AppPair {
  fast: ListeningApp
  slow: ListeningApp
  /** URLs (path and query) Fastify's hooks saw on the fast app since the last `takeSeenByFastify`. */
  takeSeenByFastify (): string[]
}

/**
 * Sends one request (a GET unless told otherwise; a body is sent with its Content-Length, unless the headers ask
 * for chunks); throws synchronously when Node's client refuses the request line or a header (which no server would
 * then see).
 */
export function ask (port: number, agent: Agent, { path, headers = {}, method: askedMethod, body }: Ask, method = askedMethod ?? 'GET'): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const framing = body === undefined || headers['transfer-encoding'] !== undefined ? {} : { 'content-length': String(Buffer.byteLength(body)) }
    const req = httpRequest({ host: '127.0.0.1', port, path, method, headers: { ...framing, ...headers }, agent }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (chunk: Buffer) => chunks.push(chunk))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }))
      res.on('error', reject)
    })
    req.on('error', reject)
    req.end(body)
  })
}

export type PairOptions = Partial<AppOptions> & { providersDir?: string }

export async function listen (t: Teardown, options: PairOptions, beforeReady?: (app: FastifyInstance) => void): Promise<ListeningApp> {
  const { providersDir = BUNDLED_DIR, ...rest } = options
  const app = await buildApp({ lookup: await lookupFor(providersDir), ...rest })
  beforeReady?.(app)
  await app.listen({ host: '127.0.0.1', port: 0 })
  const agent = new Agent({ keepAlive: true, maxSockets: 4 })
  t.teardown(async () => {
    agent.destroy()
    await app.close()
  })
  const { port } = app.server.address() as AddressInfo
  return { app, port, ask: (request) => ask(port, agent, request) }
}

/** An app with the fast path on, and the URLs of the requests Fastify saw (those the fast path left to it). */
export async function listenWithFastPath (t: Teardown, options: PairOptions = {}): Promise<ListeningApp & { seenByFastify: string[] }> {
  const seenByFastify: string[] = []
  const listening = await listen(t, { ...options, fastPath: true }, (app) => {
    app.addHook('onRequest', (request, _reply, done) => {
      seenByFastify.push(request.url)
      done()
    })
  })
  return { ...listening, seenByFastify }
}

export async function appPair (t: Teardown, options: PairOptions = {}): Promise<AppPair> {
  const { seenByFastify, ...fast } = await listenWithFastPath(t, options)
  const slow = await listen(t, { ...options, fastPath: false })
  return {
    fast,
    slow,
    takeSeenByFastify: () => seenByFastify.splice(0),
  }
}

/** Headers that differ between any two answers (the clock, the connection) or per request (a generated id). */
const VOLATILE_HEADERS = new Set(['date', 'connection', 'keep-alive', 'x-request-id'])

/** Status, headers and body, minus what differs between any two answers; for `t.same`. */
export function comparable (answer: Answer): { status: number, headers: Record<string, unknown>, body: string } {
  const headers = Object.fromEntries(Object.entries(answer.headers).filter(([name]) => !VOLATILE_HEADERS.has(name)).sort(([a], [b]) => a.localeCompare(b)))
  return { status: answer.status, headers, body: answer.body.toString('latin1') }
}
