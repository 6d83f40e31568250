/**
 * Security headers for a service that answers XML and JSON (OWASP REST Security Cheat Sheet, "Security Headers":
 * https://cheatsheetseries.owasp.org/cheatsheets/REST_Security_Cheat_Sheet.html#security-headers). A browser that
 * is tricked into loading one of our answers must neither sniff it into HTML nor run, frame or embed anything from
 * it. The two kinds of HTML page get policies of their own: the API documentation at /docs may load its own
 * scripts and styles from this origin and nothing else, and the settings page (/ and /settings) the same without
 * any inline style. HSTS belongs to whoever terminates TLS. The headers are
 * set as each request arrives (request-hooks.ts); the router's own rejections, which run no hooks, set them
 * in frameworkErrorHandler.
 */
import { HOME_PATH, SETTINGS_PATH } from '../paths.ts'
import { DOCS_PREFIX } from './openapi.ts'

/** Nothing in an XML or JSON answer may load, run or be framed. */
export const NON_HTML_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"

/**
 * The documentation page (swagger-ui) loads its scripts, styles, icons and the OpenAPI document from this origin;
 * it sets inline style attributes at run time, hence 'unsafe-inline' for styles only.
 */
export const HTML_CSP = "default-src 'self'; script-src 'self'; script-src-attr 'none'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; object-src 'none'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'"

/**
 * The settings page loads its stylesheet and its copy-button script from this origin, shows the QR code as a
 * data: image, and submits its form only here; nothing inline runs or styles it (no 'unsafe-inline').
 */
export const PAGE_CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"

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

/** The settings page's routes; its assets are not pages and get ANSWER_HEADERS. */
export const PAGE_ANSWER_HEADERS = { ...SECURITY_HEADERS, 'content-security-policy': PAGE_CSP } as const
const PAGE_ROUTES: ReadonlySet<string> = new Set([HOME_PATH, SETTINGS_PATH])

/**
 * The headers for an answer on a route (its URL pattern; undefined when no route matched). Chosen by route rather
 * than by the answer's content type, so they are set once when the request arrives and every answer, errors
 * included, carries them.
 */
export function securityHeadersFor (routeUrl: string | undefined): typeof ANSWER_HEADERS | typeof DOCS_ANSWER_HEADERS | typeof PAGE_ANSWER_HEADERS {
  if (routeUrl === undefined) return ANSWER_HEADERS
  if (PAGE_ROUTES.has(routeUrl)) return PAGE_ANSWER_HEADERS
  return routeUrl.startsWith(DOCS_PREFIX) ? DOCS_ANSWER_HEADERS : ANSWER_HEADERS
}
