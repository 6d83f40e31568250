/**
 * The error catalog: every error this service returns, with a permanent code and the HTTP status it produces.
 * Codes never change meaning and are never reused; clients and dashboards may key on them. Messages say what
 * happened and what to do, without blame or filler.
 *
 * HTTP APIs answer with `application/problem+json` (RFC 9457, https://www.rfc-editor.org/rfc/rfc9457): `type` is
 * `urn:mail-autoconfig:error:<code>`, `title` the entry's title, `status`, `detail` the specific message, and
 * `code` this catalog's key. Autodiscover answers with its own Error document (see render/autodiscover-error).
 *
 * The two AUTODISCOVER_ codes answer HTTP 200 on purpose: an autodiscover Error document (600, 601) is a normal
 * answer that the client reads, as MS-OXDSCLI §3.2.5 describes and Exchange does.
 */

export const ERRORS = {
  INVALID_EMAIL_ADDRESS: { status: 400, title: 'The e-mail address is not valid' },
  MISSING_EMAIL_ADDRESS: { status: 400, title: 'No e-mail address was given and the Host header names no domain' },
  INVALID_DOMAIN: { status: 400, title: 'The domain is not a valid domain name' },
  INVALID_PARAMETER: { status: 400, title: 'A request parameter is not valid' },
  INVALID_REQUEST_BODY: { status: 400, title: 'The request body could not be read' },
  AUTODISCOVER_INVALID_REQUEST: { status: 200, title: 'The autodiscover request is not valid (autodiscover error 600)' },
  AUTODISCOVER_UNSUPPORTED_SCHEMA: { status: 200, title: 'The requested autodiscover response schema is not served here (autodiscover error 601)' },
  INVALID_PROTOCOL: { status: 400, title: 'The autodiscover protocol is not supported; only AutodiscoverV1 is' },
  INVALID_URL: { status: 400, title: 'The request URL is not valid' },
  MALFORMED_REQUEST: { status: 400, title: 'The request is not valid HTTP' },
  INVALID_CURSOR: { status: 400, title: 'The pagination cursor is not valid; start again without it' },
  UNKNOWN_DOMAIN: { status: 404, title: 'No provider serves this domain' },
  UNKNOWN_PROVIDER: { status: 404, title: 'There is no provider with this id' },
  NO_PROFILE_FOR_PROVIDER: { status: 404, title: 'This provider\'s servers take no login an Apple profile can set up (OAuth2, Kerberos or client certificates only)' },
  ROUTE_NOT_FOUND: { status: 404, title: 'There is nothing at this address' },
  METHOD_NOT_ALLOWED: { status: 405, title: 'This method is not allowed here' },
  REQUEST_TIMEOUT: { status: 408, title: 'The request did not arrive in time' },
  BODY_TOO_LARGE: { status: 413, title: 'The request body is too large' },
  URL_TOO_LONG: { status: 414, title: 'A segment of the request URL is too long' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, title: 'The request body has a media type this endpoint does not accept' },
  RATE_LIMITED: { status: 429, title: 'Too many requests; slow down' },
  HEADERS_TOO_LARGE: { status: 431, title: 'The request headers are too large' },
  NOT_READY: { status: 503, title: 'The service is starting or stopping' },
  INTERNAL_ERROR: { status: 500, title: 'The server failed to answer this request' },
} as const satisfies Record<string, { status: number, title: string }>

export type ErrorCode = keyof typeof ERRORS

/** An error that carries its catalog code; thrown by routes and turned into a response by the error handler. */
export class AppError extends Error {
  readonly code: ErrorCode
  readonly statusCode: number
  /** Extra members for the problem document, e.g. `{ parameter: 'email' }`. */
  readonly extra: Record<string, unknown>

  constructor (code: ErrorCode, detail: string, extra: Record<string, unknown> = {}) {
    // An AppError answers a bad request; it is not a fault. Its stack would never be read, and capturing one
    // costs more than the rest of a 404, which scanners and clients probing unknown domains cause all day.
    const stackTraceLimit = Error.stackTraceLimit
    Error.stackTraceLimit = 0
    super(detail)
    Error.stackTraceLimit = stackTraceLimit
    this.name = 'AppError'
    this.code = code
    this.statusCode = ERRORS[code].status
    this.extra = extra
  }
}

export interface ProblemDocument {
  type: string
  title: string
  status: number
  detail: string
  code: ErrorCode
  [extension: string]: unknown
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json; charset=utf-8'

export function problemType (code: ErrorCode): string {
  return `urn:mail-autoconfig:error:${code}`
}

export function problemDocument (code: ErrorCode, detail: string, extra: Record<string, unknown> = {}): ProblemDocument {
  const { status, title } = ERRORS[code]
  return { type: problemType(code), title, status, detail, code, ...extra }
}
