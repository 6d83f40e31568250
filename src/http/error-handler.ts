/**
 * One error handler and one not-found handler for the whole app. Every error becomes a problem document with a
 * code from the catalog (src/errors.ts); anything unexpected is logged and answered as INTERNAL_ERROR without
 * internals. Routes that speak another error format (autodiscover) answer their errors themselves.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { AppError, ERRORS, PROBLEM_CONTENT_TYPE, problemDocument, type ErrorCode } from '../errors.ts'

/** Fastify's own error codes that are the client's fault, mapped onto our catalog. */
const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'BODY_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'INVALID_REQUEST_BODY',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'INVALID_REQUEST_BODY',
  FST_ERR_CTP_INVALID_JSON_BODY: 'INVALID_REQUEST_BODY',
  FST_ERR_RATE_LIMIT: 'RATE_LIMITED',
}

export function sendProblem (reply: FastifyReply, code: ErrorCode, detail: string, extra: Record<string, unknown> = {}): FastifyReply {
  return reply.code(ERRORS[code].status).type(PROBLEM_CONTENT_TYPE).send(problemDocument(code, detail, extra))
}

function validationProblem (error: FastifyError): { detail: string, parameter?: string } {
  const first = error.validation?.[0]
  const where = error.validationContext ?? 'request'
  const path = first?.instancePath?.replace(/^\//, '').replaceAll('/', '.') ?? ''
  const missing = (first?.params as { missingProperty?: string } | undefined)?.missingProperty
  const parameter = path !== '' ? path : missing
  const detail = parameter === undefined ? `${where}: ${first?.message ?? error.message}` : `${where} parameter "${parameter}": ${first?.message ?? error.message}`
  return parameter === undefined ? { detail } : { detail, parameter }
}

export function registerErrorHandlers (app: FastifyInstance): void {
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

  app.setNotFoundHandler((request, reply) => {
    return sendProblem(reply, 'ROUTE_NOT_FOUND', `No route for ${request.method} ${request.url.split('?')[0] ?? ''}`)
  })
}
