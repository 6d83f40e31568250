/**
 * Security headers for a service that answers XML and JSON, never pages (OWASP REST Security Cheat Sheet,
 * "Security Headers": https://cheatsheetseries.owasp.org/cheatsheets/REST_Security_Cheat_Sheet.html#security-headers).
 * A browser that is tricked into loading one of our answers must neither sniff it into HTML nor run, frame or
 * embed anything from it. The one HTML page (the API documentation at /docs) gets a policy that lets it load its
 * own scripts and styles from this origin and nothing else. HSTS belongs to whoever terminates TLS. The headers are
 * set as each request arrives (request-hooks.ts); the router's own rejections, which run no hooks, set them
 * in frameworkErrorHandler.
 */
import { DOCS_PREFIX } from './openapi.ts'

/** Nothing in an XML or JSON answer may load, run or be framed. */
export const NON_HTML_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"

/**
 * The documentation page (swagger-ui) loads its scripts, styles, icons and the OpenAPI document from this origin;
 * it sets inline style attributes at run time, hence 'unsafe-inline' for styles only.
 */
export const HTML_CSP = "default-src 'self'; script-src 'self'; script-src-attr 'none'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; object-src 'none'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'"

/** Sent with every answer. */
export const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-resource-policy': 'same-origin',
} as const

/** Everything an answer other than the documentation page carries. */
export const ANSWER_HEADERS = { ...SECURITY_HEADERS, 'content-security-policy': NON_HTML_CSP } as const

/** The documentation page and its assets. */
export const DOCS_ANSWER_HEADERS = { ...SECURITY_HEADERS, 'content-security-policy': HTML_CSP } as const

/**
 * The headers for an answer on a route (its URL pattern; undefined when no route matched). Chosen by route rather
 * than by the answer's content type, so they are set once when the request arrives and every answer, errors
 * included, carries them.
 */
export function securityHeadersFor (routeUrl: string | undefined): typeof ANSWER_HEADERS | typeof DOCS_ANSWER_HEADERS {
  return routeUrl !== undefined && routeUrl.startsWith(DOCS_PREFIX) ? DOCS_ANSWER_HEADERS : ANSWER_HEADERS
}
