/**
 * Node's HTTP(S) server for Fastify's `serverFactory` option (https://fastify.dev/docs/latest/Reference/Server/#serverfactory):
 * the server Fastify would make itself (lib/server.js: the same options, timeouts and keep-alive), except that
 * each request is offered to the fast path (fast-path.ts) before Fastify's own handler. The fast path is made once
 * the app is built, hence a getter; until then, and once the server stops listening, everything goes to Fastify.
 * The `http` options (header size and time limits, limits.ts) also apply to https, which Fastify leaves out.
 */
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerOptions, type ServerResponse } from 'node:http'
import { createServer as createHttpsServer } from 'node:https'
import type { FastPath } from './fast-path.ts'

/** The processed Fastify options the factory is given (the parts used here). */
interface FactoryOptions {
  http?: ServerOptions
  https?: { cert: Buffer, key: Buffer }
  keepAliveTimeout: number
  requestTimeout: number
  connectionTimeout: number
  maxRequestsPerSocket?: number
}

type Handler = (req: IncomingMessage, res: ServerResponse) => void

export function serverWithFastPath (fastPath: () => FastPath | undefined): (handler: Handler, options: Record<string, unknown>) => Server {
  return (handler, factoryOptions) => {
    const options = factoryOptions as unknown as FactoryOptions
    const listener: Handler = (req, res) => {
      const fast = fastPath()
      if (fast === undefined || !server.listening || !fast(req, res)) handler(req, res)
    }
    const server: Server = options.https === undefined
      ? createHttpServer(options.http ?? {}, listener)
      : createHttpsServer({ ...options.http, ...options.https }, listener)
    server.keepAliveTimeout = options.keepAliveTimeout
    server.requestTimeout = options.requestTimeout
    server.setTimeout(options.connectionTimeout)
    if (options.maxRequestsPerSocket !== undefined && options.maxRequestsPerSocket > 0) server.maxRequestsPerSocket = options.maxRequestsPerSocket
    return server
  }
}
