/**
 * The fast path's `GET /api/v1/lookup?email=…` (see fast-path.ts), the same as routes/api.ts sends when any origin
 * may read the API: the lookup JSON with its ETag and CORS headers, a 304, or the 404 for a domain no provider
 * serves. With a list of allowed origins (CORS answers then vary by request), a malformed address, or an odd Host
 * header, the route answers instead.
 */
import { BoundedMemo } from '../../bounded-memo.ts'
import type { ProviderLookup } from '../../catalog/lookup.ts'
import { parseEmailAddress } from '../../email-address.ts'
import { JSON_CONTENT_TYPE, lookupJson } from '../api/prepared.ts'
import { ifNoneMatchHits } from '../etag.ts'
import { baseUrlOf } from '../public-base-url.ts'
import { ANY_ORIGIN_CORS_HEADERS, API_CACHE_CONTROL, lookupLinks } from '../routes/api.ts'
import type { ClientView } from './client.ts'
import type { DirectRoute } from './fast-path.ts'
import { headerLine, headerLines } from './header-lines.ts'
import { queryValue } from './query-value.ts'
import { notFoundLines, unknownDomainAnswers } from './unknown-domain.ts'

/**
 * The route's headers in its order: CORS, then ETag, Cache-Control and (but for a 304) Content-Type. The ETag
 * differs by lookup, so its line is joined in per request.
 */
const CORS_HEADER_PAIRS = Object.entries(ANY_ORIGIN_CORS_HEADERS).flat()
const CORS_LINES = headerLines(...CORS_HEADER_PAIRS)
const FOUND_LINES_AFTER_ETAG = headerLines('cache-control', API_CACHE_CONTROL, 'content-type', JSON_CONTENT_TYPE)
const NOT_MODIFIED_LINES_AFTER_ETAG = headerLine('cache-control', API_CACHE_CONTROL)
const NOT_FOUND_LINES = notFoundLines(...CORS_HEADER_PAIRS)
/**
 * ETag lines by tag. A tag is one per provider, way of matching and links' base (api/prepared.ts), so a few cover
 * most lookups; checking the line anew for each cost some 2,000 instructions of a lookup's 95,000 (callgrind).
 */
const ETAG_LINES = new BoundedMemo(4096, (etag: string) => headerLine('etag', etag))

/** `publicBaseUrl`: the configured base URL, already validated (parsePublicBaseUrl); undefined to use the request's. */
export function apiLookupDirectRoute (lookup: ProviderLookup, client: ClientView, publicBaseUrl: string | undefined): DirectRoute {
  const notFound = unknownDomainAnswers('api', NOT_FOUND_LINES)
  return (req, query) => {
    const email = queryValue(query, 'email')
    if (typeof email !== 'string') return undefined
    const address = parseEmailAddress(email)
    if (address === undefined) return undefined
    const match = lookup.lookup(address.domain)
    if (match instanceof Promise) return undefined
    if (match === undefined) return notFound(address.domain)
    const base = publicBaseUrl ?? baseUrlOf(client.protocol(req), client.host(req))
    const { body, etag, bytes } = lookupJson({ address, match, links: lookupLinks(base, address) }, base)
    const headers = ['content-length', String(bytes)]
    const etagLine = ETAG_LINES.get(etag)
    // As conditionalGet (conditional-get.ts): a 304 drops the type but states the length a 200 would have.
    if (ifNoneMatchHits(req.headers['if-none-match'], etag)) {
      return { status: 304, kind: 'api', lines: CORS_LINES + etagLine + NOT_MODIFIED_LINES_AFTER_ETAG, headers }
    }
    return {
      status: 200,
      kind: 'api',
      lines: CORS_LINES + etagLine + FOUND_LINES_AFTER_ETAG,
      headers,
      body,
    }
  }
}
