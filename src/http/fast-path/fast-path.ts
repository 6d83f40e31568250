/**
 * The fast path: the commonest requests, answered in Node's request listener before Fastify sees them.
 *
 * Why: mail clients ask for prepared documents, and the answer itself costs a map lookup. Fastify's per-request
 * machinery (request and reply objects, the hook runner, header bookkeeping) and the hooks every answer needs
 * (rate limiting, security headers, request id, metrics) cost some 35 µs of CPU per request on top of bare
 * Fastify's; answered here, the same answers cost 10 to 20 µs on top (bench/, README "Performance"). So a request
 * that is an ordinary GET for a prepared answer is answered here, with exactly what Fastify would have sent: the
 * same security headers, request id, rate-limit count, metrics, ETag and 304, and at `info` the same two log
 * lines. The one error answered here is the 404 for a domain no provider serves, as common as success (scanners,
 * clients probing). Anything else (another method or path, a question the answer cannot be prepared for, any other
 * error, a client over its limit, a server not ready or stopping) goes to Fastify untouched, which answers as
 * always. Falling through is always correct; the fast path only ever takes the easy cases. test/http/fast-path/
 * asks both paths the same requests and compares the answers.
 *
 * Outlook's autodiscover POST is taken too (`BodyRoute`), decided on its headers alone: once its body is being read
 * the request cannot go back to Fastify, so a body route answers every body the way its Fastify route would, its
 * error documents included. Bodies framed otherwise than by a Content-Length within the route's limit (chunked,
 * empty, too large) go to Fastify before anything is read. Fastify's routing, hooks, body parser and reply took a
 * POST 180k instructions in all; answered here, 165k, and 146k since the header lines (`npm run bench:instructions`).
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import { outcomeOf, type ServiceMetrics } from '../plugins/metrics.ts'
import type { Outcome, RouteKind } from '../plugins/request-metrics.ts'
import type { RateLimitCounter } from '../plugins/rate-limit.ts'
import type { Readiness } from '../plugins/readiness.ts'
import { ownCopy } from '../../own-copy.ts'
import { REQUEST_ID_HEADER, requestId } from '../request-id.ts'
import { ANSWER_HEADERS } from '../security-headers.ts'
import type { ClientView } from './client.ts'
import { headerLines, insertHeaderLines } from './header-lines.ts'

/**
 * A prepared answer: a success (200), a conditional GET's 304, or the 404 for a domain no provider serves; for a
 * body route, any answer its Fastify route gives.
 */
export interface DirectAnswer {
  status: number
  kind: RouteKind
  /**
   * The headers the route sets, in its order, as checked lines (header-lines.ts: `headerLines`); they follow the
   * security headers and the request id, which every answer begins with. Made once per prepared answer; the API
   * lookup, whose ETag varies, joins that one line per request.
   */
  lines: string
  /** The headers Node must see, given to writeHead: Content-Length, when the answer states one. */
  headers: string[]
  /** Absent for a 304. */
  body?: Buffer | string
  /** For the metrics, when the status would misclassify the answer (an autodiscover Error document sent with 200). */
  outcome?: Outcome
  /** A line the route's own error handler writes at debug for this answer (the request id is added). */
  debugLine?: { fields: Record<string, unknown>, message: string }
}

/**
 * How every answer's head begins, as Fastify's hooks set it: the security headers, then the request id, whose value
 * and line end are added as the answer is sent.
 */
const HEAD_START = ownCopy(headerLines(...Object.entries(ANSWER_HEADERS).flat()) + `${REQUEST_ID_HEADER}: `)

/**
 * Answers a request on one exact path from its query string (what follows `?`, `""` without one; read parameters
 * with `queryValue`, which gives them as Fastify's router parses them), or returns undefined to leave it to
 * Fastify. Must not throw for anything a client sends (a throw is logged as an error, and the request falls
 * through).
 */
export type DirectRoute = (req: IncomingMessage, query: string) => DirectAnswer | undefined

/** A POST answered from its body; see the header. */
export interface BodyRoute {
  /** Bodies whose Content-Length exceeds this go to Fastify, which refuses them as the route's limit says. */
  maxBytes: number
  /** Counted against the autodiscover routes' rate limit rather than the shared one. */
  autodiscoverLimit: boolean
  /**
   * The answer to `body`, the request body decoded as UTF-8 (as Fastify's `parseAs: 'string'` decodes it), for any
   * body at all: the request has been read and Fastify can no longer answer it.
   */
  answer (body: string): DirectAnswer | Promise<DirectAnswer>
  /** What the route's error handler sends when the route fails (for `answer` throwing, a bug). */
  failed (): DirectAnswer
}

export interface FastPathOptions {
  /** By exact path (what precedes `?`): the canonical spelling only; other spellings reach Fastify's router. */
  routes: ReadonlyMap<string, DirectRoute>
  /** POSTs by exact path, without a query string; none when absent. */
  bodyRoutes?: ReadonlyMap<string, BodyRoute>
  readiness: Readiness
  metrics: ServiceMetrics
  /** Absent when rate limiting is off. */
  rateLimitCounter: RateLimitCounter | undefined
  client: ClientView
  /** Fastify's logger (`app.log`, with its serializers); absent without one. */
  log: RequestLog | undefined
}

/** The part of Fastify's logger the fast path writes to. */
export interface RequestLog {
  isLevelEnabled (level: string): boolean
  info (object: object, message: string): void
  debug (object: object, message: string): void
  error (object: object, message: string): void
}

/** Returns true when it answered; false leaves the request to Fastify, with nothing written or counted. */
export type FastPath = (req: IncomingMessage, res: ServerResponse) => boolean

function answerFor (route: DirectRoute, req: IncomingMessage, url: string, queryStart: number, log: RequestLog | undefined): DirectAnswer | undefined {
  try {
    return route(req, queryStart === -1 ? '' : url.slice(queryStart + 1))
  } catch (err) {
    // A direct route must not throw for anything a client sends, so this is a bug. Fastify still answers the
    // request, correctly but slower; the log line is what makes the bug visible. The query is left out: it holds
    // the address.
    log?.error({ err, method: req.method, path: queryStart === -1 ? url : url.slice(0, queryStart) }, 'fast path failed; the request was passed to Fastify')
    return undefined
  }
}

/**
 * Fastify's two lines per request at `info` (fastify/lib/log-controller.js), through the same logger and so the same
 * serializers: the request serializer (logging.ts) reads method, url, host and ip, as from a Fastify request.
 */
function logIncoming (log: RequestLog, reqId: string, req: IncomingMessage, client: ClientView): void {
  log.info({ reqId, req: { method: req.method, url: req.url, host: client.host(req), ip: client.ip(req) } }, 'incoming request')
}

function logCompleted (log: RequestLog, reqId: string, statusCode: number, responseTime: number): void {
  log.info({ reqId, res: { statusCode }, responseTime }, 'request completed')
}

/**
 * The route for the path that ends at `pathEnd` in `url`, compared in place: slicing the path out and hashing it
 * for a map lookup cost half a microsecond a request (profiled under load), more than comparing a few paths.
 */
function routeMatcher (routes: ReadonlyMap<string, DirectRoute>): (url: string, pathEnd: number) => DirectRoute | undefined {
  const paths = [...routes.keys()]
  const handlers = [...routes.values()]
  return (url, pathEnd) => {
    for (let i = 0; i < paths.length; i++) {
      const path = paths[i]!
      if (path.length === pathEnd && url.startsWith(path)) return handlers[i]
    }
    return undefined
  }
}

/** A Content-Length as Node's parser accepts it: digits only (it refuses anything else before a request exists). */
const CONTENT_LENGTH = /^\d{1,15}$/

export function createFastPath (options: FastPathOptions): FastPath {
  const { routes, bodyRoutes = new Map(), readiness, metrics, rateLimitCounter, client, log } = options
  const routeFor = routeMatcher(routes)

  /** Sends an answer, with the request's id, and counts and logs it as Fastify's hooks would. */
  const send = (answer: DirectAnswer, req: IncomingMessage, res: ServerResponse, reqId: string, started: number, requestLog: RequestLog | undefined): void => {
    res.writeHead(answer.status, answer.headers)
    insertHeaderLines(res, `${HEAD_START}${reqId}\r\n${answer.lines}`)
    res.end(answer.body)
    const elapsedMs = performance.now() - started
    metrics.observeAnswer(answer.kind, answer.outcome ?? outcomeOf(answer.status), elapsedMs / 1000)
    if (answer.debugLine !== undefined && log?.isLevelEnabled('debug') === true) log.debug({ reqId, ...answer.debugLine.fields }, answer.debugLine.message)
    if (requestLog !== undefined) logCompleted(requestLog, reqId, answer.status, elapsedMs)
  }

  /** Counted as Fastify's rate-limit hook counts; false when the client is over its limit (or has no address). */
  const withinLimit = (req: IncomingMessage, autodiscover: boolean): boolean => {
    if (rateLimitCounter === undefined) return true
    const ip = client.ip(req)
    // A client over its limit gets its 429 from Fastify, whose hook counts that request once more: it was over the
    // limit either way.
    return ip !== undefined && (autodiscover ? rateLimitCounter.countAutodiscoverRequest(ip) : rateLimitCounter.countRequest(ip))
  }

  const takeBody = (route: BodyRoute, req: IncomingMessage, res: ServerResponse): boolean => {
    const length = req.headers['content-length']
    if (length === undefined || req.headers['transfer-encoding'] !== undefined || !CONTENT_LENGTH.test(length)) return false
    const bytes = Number(length)
    if (bytes === 0 || bytes > route.maxBytes || !withinLimit(req, route.autodiscoverLimit)) return false
    const started = performance.now()
    const reqId = requestId(req)
    const requestLog = log?.isLevelEnabled('info') === true ? log : undefined
    if (requestLog !== undefined) logIncoming(requestLog, reqId, req, client)
    // A bug, then: the answer the route's error handler gives, or, once headers are out or that answer fails too,
    // a cut connection. Nothing may escape: this runs in a stream's listener or a promise's rejection handler, where
    // a throw would end the process or go unhandled.
    const failed = (err: unknown): void => {
      log?.error({ reqId, err }, 'fast path failed to answer a request body')
      if (!res.headersSent) {
        try {
          send(route.failed(), req, res, reqId, started, requestLog)
          return
        } catch (failedErr) {
          log?.error({ reqId, err: failedErr }, 'fast path failed to send the failure answer')
        }
      }
      res.destroy()
    }
    const answerWith = (answer: DirectAnswer): void => {
      try {
        send(answer, req, res, reqId, started, requestLog)
      } catch (err) {
        failed(err)
      }
    }
    // Read as Fastify reads a body to give as text (lib/content-type-parser.js, rawBody): the bytes, decoded once
    // at the end, so a character split between packets, and undecodable bytes, come out the same.
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => { chunks.push(chunk) })
    // A client that goes away mid-body leaves nothing to answer; Node has closed the connection.
    req.on('error', () => {})
    req.on('end', () => {
      let answer
      try {
        answer = route.answer((chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)).toString('utf8'))
      } catch (err) {
        failed(err)
        return
      }
      if (answer instanceof Promise) answer.then(answerWith, failed)
      else answerWith(answer)
    })
    return true
  }

  return (req, res) => {
    if (req.method !== 'GET') {
      const bodyRoute = req.method === 'POST' ? bodyRoutes.get(req.url ?? '') : undefined
      return bodyRoute !== undefined && readiness.state === 'ready' && takeBody(bodyRoute, req, res)
    }
    const url = req.url ?? ''
    const queryStart = url.indexOf('?')
    const route = routeFor(url, queryStart === -1 ? url.length : queryStart)
    if (route === undefined || readiness.state !== 'ready') return false
    const started = performance.now()
    const answer = answerFor(route, req, url, queryStart, log)
    if (answer === undefined || !withinLimit(req, false)) return false
    const reqId = requestId(req)
    const requestLog = log?.isLevelEnabled('info') === true ? log : undefined
    if (requestLog !== undefined) logIncoming(requestLog, reqId, req, client)
    send(answer, req, res, reqId, started, requestLog)
    return true
  }
}
