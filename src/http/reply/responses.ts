/**
 * Response schemas shared by every route, so each route states all of its answers (status, media type, body and
 * headers) in one place, and openapi.yaml shows them as they are sent: XML for clients' documents, JSON for the
 * API, `application/problem+json` (RFC 9457, https://www.rfc-editor.org/rfc/rfc9457) for every error.
 *
 * Fastify picks the serializer by status and media type (a route's `content` map); `headers` is read only by
 * the OpenAPI transform (see openapi.ts) and documents what the route sets.
 */
import * as z from 'zod'
import { ERRORS, type ErrorCode } from '../../errors.ts'

/** The media type without parameters, as response schemas and OpenAPI key it (PROBLEM_CONTENT_TYPE adds a charset). */
export const PROBLEM_MEDIA_TYPE = 'application/problem+json'

const ERROR_CODES = Object.keys(ERRORS) as [ErrorCode, ...ErrorCode[]]

export const problemSchema = z.looseObject({
  type: z.string().meta({ description: '`urn:mail-autoconfig:error:<code>`; one per code (RFC 9457 §3.1.1)', examples: ['urn:mail-autoconfig:error:INVALID_EMAIL_ADDRESS'] }),
  title: z.string().meta({ description: 'A short summary of the kind of problem; the same for every occurrence of a code', examples: [ERRORS.INVALID_EMAIL_ADDRESS.title] }),
  status: z.int().min(400).max(599).meta({ description: 'The HTTP status code', examples: [400] }),
  detail: z.string().meta({ description: 'What went wrong with this request, and what to do about it', examples: ['email must be an address such as alice@example.com'] }),
  code: z.enum(ERROR_CODES).meta({ description: 'The permanent error code (src/errors.ts); safe to key on', examples: ['INVALID_EMAIL_ADDRESS'] }),
  parameter: z.string().optional().meta({ description: 'The request parameter that is not valid', examples: ['email'] }),
  domain: z.string().optional().describe('The normalised domain that no provider serves'),
  state: z.enum(['loading', 'stopping']).optional().describe('With `NOT_READY`: whether providers are still loading or the server is stopping'),
  retryAfterSeconds: z.int().min(0).optional().meta({ description: 'With `RATE_LIMITED`: seconds until the client may ask again (also in `Retry-After`)', examples: [30] }),
}).meta({
  id: 'Problem',
  description: 'An error, as `application/problem+json` (RFC 9457). Members beyond these may be added; ignore unknown ones.',
})

/** A response header as OpenAPI documents it. */
export interface HeaderDoc { type: 'string', description: string }
export type HeaderDocs = Record<string, HeaderDoc>

export interface ContentResponse<S extends z.ZodType = z.ZodType> {
  description: string
  headers?: HeaderDocs
  content: Record<string, { schema: S }>
}

export const CACHE_HEADERS: HeaderDocs = {
  etag: { type: 'string', description: 'Strong entity tag of this body; send it back in `If-None-Match` to get a 304' },
  'cache-control': { type: 'string', description: 'How long the answer may be reused' },
}

export function jsonResponse<S extends z.ZodType> (schema: S, description: string, headers: HeaderDocs = CACHE_HEADERS): ContentResponse<S> {
  return { description, headers, content: { 'application/json': { schema } } }
}

/** A document sent as prepared bytes; the schema only documents it. */
export function documentResponse (mediaType: string, description: string, headers: HeaderDocs = CACHE_HEADERS): ContentResponse<z.ZodString> {
  return { description, headers, content: { [mediaType]: { schema: z.string() } } }
}

/** 304 to a conditional GET whose `If-None-Match` names the current ETag: no body. */
export const notModifiedResponse = z.null().describe('Not Modified: the `If-None-Match` tag is current; reuse the cached body')

/** Errors every route can answer with: each client's requests are counted (plugins/rate-limit.ts). */
const EVERY_ROUTE: readonly ErrorCode[] = ['RATE_LIMITED']

/**
 * Response schemas for the errors a route can answer with, grouped by status; each status is described by the
 * codes it carries: `problemResponses('INVALID_DOMAIN', 'UNKNOWN_DOMAIN')` gives a 400 and a 404 (and the 429
 * every route has).
 */
export function problemResponses (...codes: ErrorCode[]): Record<number, ContentResponse<typeof problemSchema>> {
  const byStatus = new Map<number, ErrorCode[]>()
  for (const code of [...codes, ...EVERY_ROUTE]) {
    const status = ERRORS[code].status
    byStatus.set(status, [...(byStatus.get(status) ?? []), code])
  }
  const responses: Record<number, ContentResponse<typeof problemSchema>> = {}
  for (const [status, list] of [...byStatus].sort(([a], [b]) => a - b)) {
    responses[status] = {
      description: list.map((code) => `\`${code}\`: ${ERRORS[code].title}`).join('; '),
      content: { [PROBLEM_MEDIA_TYPE]: { schema: problemSchema } },
    }
  }
  return responses
}
