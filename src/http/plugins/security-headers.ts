/**
 * Security headers for a service that answers XML and JSON, never pages (OWASP REST Security Cheat Sheet,
 * "Security Headers": https://cheatsheetseries.owasp.org/cheatsheets/REST_Security_Cheat_Sheet.html#security-headers).
 * A browser that is tricked into loading one of our answers must neither sniff it into HTML nor run, frame or
 * embed anything from it. The one HTML page (the API documentation at /docs) gets a policy that lets it load its
 * own scripts and styles from this origin and nothing else, unless its plugin sets one itself. HSTS belongs to
 * whoever terminates TLS.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'

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

function isHtml (reply: FastifyReply): boolean {
  const type = reply.getHeader('content-type')
  return typeof type === 'string' && type.startsWith('text/html')
}

/** Adds the headers to an answer whose content type is already set. */
export function setSecurityHeaders (reply: FastifyReply): void {
  reply.headers(SECURITY_HEADERS)
  if (!reply.hasHeader('content-security-policy')) reply.header('content-security-policy', isHtml(reply) ? HTML_CSP : NON_HTML_CSP)
}

export const securityHeadersPlugin = fp(async (app: FastifyInstance) => {
  // onSend sees the final content type, including error answers and the not-found handler's. The router's own
  // rejections run no hooks; frameworkErrorHandler calls setSecurityHeaders itself.
  app.addHook('onSend', (_request: FastifyRequest, reply: FastifyReply, payload: unknown, done: (err: null, payload: unknown) => void) => {
    setSecurityHeaders(reply)
    done(null, payload)
  })
}, { fastify: '5.x', name: 'security-headers' })
