/**
 * One error handler and one not-found handler for the whole app. Every error becomes a problem document with a
 * code from the catalog (src/errors.ts); anything unexpected is logged and answered as INTERNAL_ERROR without
 * internals. Routes that speak another error format (autodiscover) answer their errors themselves.
 */
import { STATUS_CODES } from 'node:http'
import type { Socket } from 'node:net'
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify'
import { AppError, ERRORS, PROBLEM_CONTENT_TYPE, problemDocument, type ErrorCode } from '../errors.ts'
import { ANSWER_HEADERS } from './plugins/security-headers.ts'

/** Fastify's own error codes that are the client's fault, mapped onto our catalog. */
const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'BODY_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'INVALID_REQUEST_BODY',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'INVALID_REQUEST_BODY',
  FST_ERR_CTP_INVALID_JSON_BODY: 'INVALID_REQUEST_BODY',
  FST_ERR_RATE_LIMIT: 'RATE_LIMITED',
}

/**
 * Fastify's router rejects some URLs before any route or hook runs (bad percent-encoding, an over-long `:param`);
 * this answers them from the catalog too. Passed to Fastify as `frameworkErrors`.
 */
export function frameworkErrorHandler (error: FastifyError, _request: FastifyRequest, reply: FastifyReply): FastifyReply {
  reply.headers(ANSWER_HEADERS)
  if (error.code === 'FST_ERR_MAX_PARAM_LENGTH') return sendProblem(reply, 'URL_TOO_LONG', 'A path segment is longer than this server accepts')
  return sendProblem(reply, 'INVALID_URL', 'The URL path is not validly percent-encoded UTF-8')
}

/** Node's HTTP parser errors (https://nodejs.org/api/http.html#event-clienterror) that have their own code. */
const CLIENT_ERROR_CODES: Record<string, ErrorCode> = {
  ERR_HTTP_REQUEST_TIMEOUT: 'REQUEST_TIMEOUT',
  HPE_HEADER_OVERFLOW: 'HEADERS_TOO_LARGE',
}

/**
 * Answers requests Node could not parse or that broke a size or time limit (src/http/limits.ts), before Fastify
 * ever sees them: a problem document written straight to the socket, which is then closed. Passed to Fastify as
 * `clientErrorHandler`.
 */
export function clientErrorHandler (error: NodeJS.ErrnoException, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return
  const code = CLIENT_ERROR_CODES[error.code ?? ''] ?? 'MALFORMED_REQUEST'
  const { status, title } = ERRORS[code]
  const body = JSON.stringify(problemDocument(code, title))
  const headers = { 'content-type': PROBLEM_CONTENT_TYPE, 'content-length': Buffer.byteLength(body), connection: 'close', ...ANSWER_HEADERS }
  if (socket.writable) {
    socket.write(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n${Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`).join('')}\r\n${body}`)
  }
  socket.destroy()
}

export function sendProblem (reply: FastifyReply, code: ErrorCode, detail: string, extra: Record<string, unknown> = {}): FastifyReply {
  return reply.code(ERRORS[code].status).type(PROBLEM_CONTENT_TYPE).send(problemDocument(code, detail, extra))
}

/** Fastify's names for the parts of a request, in the words of OpenAPI's `in` (what API users read in openapi.yaml). */
const PARAMETER_LOCATION: Record<string, string> = { querystring: 'query', params: 'path', headers: 'header', body: 'body' }

function validationProblem (error: FastifyError): { detail: string, parameter?: string } {
  const first = error.validation?.[0]
  const context = error.validationContext
  const where = context === undefined ? 'request' : PARAMETER_LOCATION[context] ?? context
  const path = first?.instancePath?.replace(/^\//, '').replaceAll('/', '.') ?? ''
  const missing = (first?.params as { missingProperty?: string } | undefined)?.missingProperty
  const parameter = path !== '' ? path : missing
  const detail = parameter === undefined ? `${where}: ${first?.message ?? error.message}` : `${where} parameter "${parameter}": ${first?.message ?? error.message}`
  return parameter === undefined ? { detail } : { detail, parameter }
}

export interface ErrorHandlerOptions {
  /** Runs before the not-found answer, e.g. rate limiting, so scanners probing paths are counted too. */
  notFoundPreHandler?: preHandlerAsyncHookHandler
}

export function registerErrorHandlers (app: FastifyInstance, options: ErrorHandlerOptions = {}): void {
  app.setErrorHandler((error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    if (error instanceof AppError) return sendProblem(reply, error.code, error.message, error.extra)
    if (error.validation !== undefined) {
      const { detail, parameter } = validationProblem(error)
      return sendProblem(reply, 'INVALID_PARAMETER', detail, parameter === undefined ? {} : { parameter })
    }
    const known = error.code === undefined ? undefined : FASTIFY_CODES[error.code]
    if (known !== undefined) return sendProblem(reply, known, error.message)
    const status = error.statusCode ?? 500
    if (status >= 400 && status < 500) {
      const code: ErrorCode = status === 404 ? 'ROUTE_NOT_FOUND' : status === 405 ? 'METHOD_NOT_ALLOWED' : status === 413 ? 'BODY_TOO_LARGE' : status === 415 ? 'UNSUPPORTED_MEDIA_TYPE' : status === 429 ? 'RATE_LIMITED' : 'INVALID_PARAMETER'
      return sendProblem(reply, code, error.message)
    }
    request.log.error({ err: error }, 'request failed')
    return sendProblem(reply, 'INTERNAL_ERROR', 'The server failed to answer this request; the error is logged.')
  })

  const notFoundOptions = options.notFoundPreHandler === undefined ? {} : { preHandler: options.notFoundPreHandler }
  app.setNotFoundHandler(notFoundOptions, (request, reply) => {
    return sendProblem(reply, 'ROUTE_NOT_FOUND', `No route for ${request.method} ${request.url.split('?')[0] ?? ''}`)
  })
}
