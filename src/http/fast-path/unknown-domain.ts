/**
 * The fast path's 404 for a domain no provider serves, the same as the autoconfig and API routes answer through
 * Fastify's error handler (error-handler.ts, sendProblem): the problem document of `unknownDomainError`, cached for
 * NOT_FOUND_CACHE_CONTROL. Scanners and clients probing domains this server does not serve ask this all day; through
 * Fastify it cost twice a served document.
 */
import { PROBLEM_CONTENT_TYPE, problemDocument } from '../../errors.ts'
import type { RouteKind } from '../plugins/request-metrics.ts'
import { NOT_FOUND_CACHE_CONTROL, unknownDomainError } from '../routes/autoconfig.ts'
import { ANSWER_HEADERS_START, type DirectAnswer } from './fast-path.ts'

/**
 * `headersStart`: how the route's answers begin (answerHeadersStart; the API's adds its CORS headers).
 * The body is JSON.stringify's: the route's serializer writes the same members in the same order (problemSchema
 * lists type, title, status, detail, code, …, domain), and a normalised domain is plain ASCII that neither escapes.
 */
export function unknownDomainAnswer (kind: RouteKind, domain: string, headersStart: readonly string[] = ANSWER_HEADERS_START): DirectAnswer {
  const error = unknownDomainError(domain)
  const body = JSON.stringify(problemDocument(error.code, error.message, error.extra))
  return {
    status: 404,
    kind,
    headers: [...headersStart, 'cache-control', NOT_FOUND_CACHE_CONTROL, 'content-type', PROBLEM_CONTENT_TYPE, 'content-length', String(Buffer.byteLength(body))],
    body,
  }
}
