/**
 * The fast path's 404 for a domain no provider serves, the same as the autoconfig and API routes answer through
 * Fastify's error handler (error-handler.ts, sendProblem): the problem document of `unknownDomainError`, cached for
 * NOT_FOUND_CACHE_CONTROL. Scanners and clients probing domains this server does not serve ask this all day; through
 * Fastify it cost twice a served document.
 */
import { BoundedMemo } from '../../bounded-memo.ts'
import { PROBLEM_CONTENT_TYPE, problemDocument } from '../../errors.ts'
import type { RouteKind } from '../plugins/request-metrics.ts'
import { NOT_FOUND_CACHE_CONTROL, unknownDomainError } from '../routes/autoconfig.ts'
import type { DirectAnswer } from './fast-path.ts'
import { headerLines } from './header-lines.ts'

/** The 404's header lines, after `routeHeaders` (name, value…: what the route sets first, the API's CORS headers). */
export function notFoundLines (...routeHeaders: string[]): string {
  return headerLines(...routeHeaders, 'cache-control', NOT_FOUND_CACHE_CONTROL, 'content-type', PROBLEM_CONTENT_TYPE)
}

const AUTOCONFIG_NOT_FOUND_LINES = notFoundLines()

/**
 * `lines`: the 404's header lines for the route (`notFoundLines`), the autoconfig routes' by default.
 * The body is JSON.stringify's: the route's serializer writes the same members in the same order (problemSchema
 * lists type, title, status, detail, code, …, domain), and a normalised domain is plain ASCII that neither escapes.
 */
export function unknownDomainAnswer (kind: RouteKind, domain: string, lines: string = AUTOCONFIG_NOT_FOUND_LINES): DirectAnswer {
  const error = unknownDomainError(domain)
  const body = JSON.stringify(problemDocument(error.code, error.message, error.extra))
  return {
    status: 404,
    kind,
    lines,
    headers: ['content-length', String(Buffer.byteLength(body))],
    body,
  }
}

/** Unknown domains whose 404 a route remembers; past this it starts afresh (a scanner's random names cost one each). */
const REMEMBERED_UNKNOWN_DOMAINS = 4096

/**
 * `unknownDomainAnswer` for one route, made once per domain: the answer is the same every time a domain is asked
 * (the request id is added as it is sent), and a client or scanner that asks the same unknown domain again should
 * not cost a serialization each time.
 */
export function unknownDomainAnswers (kind: RouteKind, lines: string = AUTOCONFIG_NOT_FOUND_LINES): (domain: string) => DirectAnswer {
  const answers = new BoundedMemo(REMEMBERED_UNKNOWN_DOMAINS, (domain) => unknownDomainAnswer(kind, domain, lines))
  return (domain) => answers.get(domain)
}
