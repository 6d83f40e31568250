/**
 * Shared pieces of the hostile-input suite: arbitraries for what scanners and attackers send, and the invariants
 * every answer must keep whatever came in (never a 5xx, well-formed bodies, errors from the catalog, security
 * headers, no input reflected as markup).
 */
import { connect } from 'node:net'
import fc from 'fast-check'
import { XMLParser, XMLValidator } from 'fast-xml-parser'
import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import { ERRORS } from '../../../src/errors.ts'
import { HTML_CSP, PAGE_CSP, SECURITY_HEADERS } from '../../../src/http/plugins/security-headers.ts'
import { V2_ERROR_CODES } from '../../../src/http/routes/autodiscover-json.ts'

/** The element name injected markup uses; it must never appear as markup in an answer. */
export const CANARY = 'inj'

/** Fragments that break naive parsers, escapers, routers and header writers. */
export const HOSTILE_FRAGMENTS = [
  `<${CANARY}/>`, `"><${CANARY} a="`, `'><${CANARY}>`, `&${CANARY};`, ']]>', '<![CDATA[', '<!--', '<?xml', '&amp;', '&#0;',
  '\r\n', '\n', '\r\nX-Injected: 1', '%0d%0aX-Injected:%201', '%0a', '%00', '\u0000', '\u0085', '\u2028',
  '../', '..\\', '%2e%2e%2f', '..%2f', '%2e%2e/', '/..', '//', '\\',
  '%c3%28', '%ff', '%fe%ff', '%', '%%', '%zz', '\uFFFD', '\uFFFF', '\uD800', '\uDFFF',
  '@', '@@', '.', '..', '*', '*.', '?', '#', '&', '=', ';', ',', ' ', '\t', '+',
  '%EMAILADDRESS%', '%EMAILLOCALPART%', '%EMAILDOMAIN%', '$' + '{x}', '{{x}}',
  'gmail.com', 'googlemail.com', 'mail.com', 'example.org', 'autoconfig.', 'autodiscover.', 'xn--', 'xn--mnchen-3ya.de',
  'bücher.example', 'ＧＭＡＩＬ．ＣＯＭ', 'İ', 'ß', '\u200b', 'a'.repeat(64), 'a'.repeat(300),
  '__proto__', 'constructor', 'prototype', 'null', 'undefined', 'NaN', '-1', '1e309', '[]', '{}',
] as const

/** Strings built from hostile fragments, arbitrary code points, and plausible addresses and domains. */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.array(fc.oneof(fc.constantFrom(...HOSTILE_FRAGMENTS), fc.string({ unit: 'binary', maxLength: 6 })), { maxLength: 8 }).map((parts) => parts.join('')) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.emailAddress() },
  { weight: 1, arbitrary: fc.domain() },
)

/** Address-shaped hostile strings: something, an `@`, something domain-like. */
export const hostileAddress: fc.Arbitrary<string> = fc.oneof(
  fc.tuple(hostileString, fc.constantFrom('@', '%40', '@@'), fc.oneof(hostileString, fc.domain(), fc.constantFrom('gmail.com', 'GMail.COM.', 'example.org', 'x.example.org'))).map(([l, at, d]) => `${l}${at}${d}`),
  hostileString,
)

/** Host header values: real hosts with ports and prefixes, and junk. */
export const hostileHost: fc.Arbitrary<string> = fc.oneof(
  fc.tuple(fc.constantFrom('', 'autoconfig.', 'autodiscover.', 'AUTOCONFIG.', 'www.'), fc.oneof(fc.domain(), fc.constantFrom('gmail.com', 'mail.com', 'x.example.org')), fc.constantFrom('', ':8080', ':0', ':99999', ':', ':x')).map((parts) => parts.join('')),
  hostileString.filter((s) => s.length > 0),
)

/** A query string (without `?`) of hostile keys and values, encoded or not. */
export const hostileQuery: fc.Arbitrary<string> = fc.array(
  fc.tuple(fc.oneof(fc.constantFrom('emailaddress', 'EmailAddress', 'email', 'Email', 'Protocol', 'domain', '__proto__', 'emailaddress[]'), hostileString), hostileString, fc.boolean())
    .map(([key, value, encode]) => `${key}=${encode ? safeEncode(value) : value}`),
  { maxLength: 4 },
).map((pairs) => pairs.join('&'))

export const hostileMethod = fc.constantFrom('GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS')

export const hostileContentType: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('text/xml', 'text/xml; charset=utf-8', 'application/xml', 'application/json', 'application/x-www-form-urlencoded',
    'multipart/form-data; boundary=x', 'text/plain', 'application/octet-stream', 'application/soap+xml', 'text/xml; charset=utf-16',
    'application/json; charset=latin1', '*/*', 'application/problem+json', ''),
  hostileString.filter((s) => !/[\r\n\0]/.test(s)),
)

/** Bodies: hostile text, raw bytes (often invalid UTF-8), and XML/JSON-shaped junk. */
export const hostileBody: fc.Arbitrary<string | Buffer> = fc.oneof(
  hostileString,
  fc.uint8Array({ maxLength: 256 }).map((bytes) => Buffer.from(bytes)),
  hostileString.map((s) => `<?xml version="1.0"?><Autodiscover><Request><EMailAddress>${s}</EMailAddress></Request></Autodiscover>`),
  hostileString.map((s) => JSON.stringify({ email: s, emailaddress: s })),
  fc.constant('{"__proto__":{"polluted":1},"constructor":{"prototype":{"polluted":1}}}'),
)

/** encodeURIComponent that survives lone surrogates (which it would refuse). */
export function safeEncode (value: string): string {
  return encodeURIComponent(value.replace(/\p{Cs}/gu, '\uFFFD'))
}

/**
 * `app.inject` parses URLs with WHATWG URL, which refuses a few raw forms (`//\\`, `/\\/`); those go through
 * percent-encoded here, and raw.test.ts sends raw request lines over a socket.
 */
export function injectable (path: string, query: string): string {
  const url = `${path}?${query}`
  try {
    // eslint-disable-next-line no-new -- only asks whether it parses
    new URL(url, 'http://localhost')
    return url
  } catch {
    return `${path.split('/').map(safeEncode).join('/')}?${safeEncode(query)}`
  }
}

const parser = new XMLParser({ ignoreAttributes: false, processEntities: false })

function containsCanaryElement (node: unknown): boolean {
  if (node === null || typeof node !== 'object') return false
  return Object.entries(node).some(([key, value]) => key === CANARY || containsCanaryElement(value))
}

/**
 * What every answer must satisfy, whatever the request. Throws (so fast-check shrinks and reports) with the
 * request that broke it.
 */
export function assertSafeAnswer (res: LightMyRequestResponse, request: unknown): void {
  const fail = (what: string): never => {
    throw new Error(`${what}\nrequest: ${JSON.stringify(request)}\nstatus: ${res.statusCode}\nheaders: ${JSON.stringify(res.headers)}\nbody: ${res.body.slice(0, 500)}`)
  }
  if (res.statusCode >= 500) fail('5xx answer')
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) {
    if (res.headers[name] !== value) fail(`missing security header ${name}`)
  }
  for (const [name, value] of Object.entries(res.headers)) {
    if (/[\r\n]/.test(String(value))) fail(`CR/LF in response header ${name}`)
    if (name === 'x-injected') fail('injected response header')
  }
  if (res.body === '') return
  const type = String(res.headers['content-type'] ?? '')
  if (type.startsWith('application/problem+json')) {
    const doc = parseJson(res.body) ?? fail('problem document is not JSON')
    const entry = ERRORS[doc.code as keyof typeof ERRORS] ?? fail('problem code is not in the catalog')
    if (doc.status !== res.statusCode || entry.status !== res.statusCode) fail('problem status differs from the HTTP status')
    if (doc.type !== `urn:mail-autoconfig:error:${doc.code}` || typeof doc.detail !== 'string') fail('malformed problem document')
    return
  }
  if (type.includes('json')) {
    const doc = parseJson(res.body) ?? fail('JSON answer does not parse')
    // Autodiscover v2 errors use Exchange's {ErrorCode, ErrorMessage} form (routes/autodiscover-json.ts).
    if (res.statusCode >= 400 && !(Object.values(V2_ERROR_CODES) as unknown[]).includes(doc.ErrorCode)) fail('an error answer that is neither a problem document nor an autodiscover v2 error')
    return
  }
  if (type.includes('xml')) {
    if (XMLValidator.validate(res.body) !== true) fail('XML answer is not well-formed')
    const doc = parser.parse(res.body)
    if (res.body.includes(`<${CANARY}`) || containsCanaryElement(doc)) fail('input reflected as markup')
    // Autodiscover answers its errors with Error documents (routes/autodiscover.ts) whose DebugData is the code.
    const error = doc?.Autodiscover?.Response?.Error
    if (error !== undefined) {
      const entry = ERRORS[error.DebugData as keyof typeof ERRORS] ?? fail('autodiscover error code is not in the catalog')
      if (entry.status !== res.statusCode) fail('autodiscover error status differs from the catalog')
    } else if (res.statusCode >= 400) fail('an XML error answer that is not an autodiscover Error document')
    return
  }
  if (type === 'application/x-apple-aspen-config') {
    // An unsigned Apple profile (routes/mobileconfig.ts): a well-formed plist holding the request's text only as text.
    if (XMLValidator.validate(res.body) !== true) fail('profile is not well-formed XML')
    if (res.body.includes(`<${CANARY}`) || containsCanaryElement(parser.parse(res.body))) fail('input reflected as markup')
    if (res.headers['cache-control'] !== 'no-store') fail('a profile that a cache may keep')
    if (!/^attachment; filename="[a-z0-9.-]+\.mobileconfig"$/.test(String(res.headers['content-disposition']))) fail('a profile without a safe download name')
    return
  }
  if (type.startsWith('text/html')) {
    // The settings page (routes/settings-page.ts) answers people with pages, its 400 and 404 included, and /docs is
    // one; whatever a request holds may appear in them only as text.
    if (res.body.includes(`<${CANARY}`)) fail('input reflected as markup')
    if (![PAGE_CSP, HTML_CSP].includes(String(res.headers['content-security-policy']))) fail('a page without a page\'s policy')
    return
  }
  if (res.statusCode >= 400) fail('an error answer that is not a problem document')
  fail(`unexpected content type ${type}`)
}

function parseJson (text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text)
    return value !== null && typeof value === 'object' ? value as Record<string, unknown> : undefined
  } catch {
    return undefined
  }
}

/** Runs per property: enough for thousands of requests per route across the suite, a few seconds per file. */
export const RUNS = Number(process.env.HOSTILE_RUNS ?? 1000)

/** A GET through `app.inject` whose answer must keep every invariant above; returns the answer for more checks. */
export function safeGetter (app: FastifyInstance): (url: string, headers?: Record<string, string>) => Promise<LightMyRequestResponse> {
  return async (url, headers = {}) => {
    const res = await app.inject({ method: 'GET', url, headers })
    assertSafeAnswer(res, { url, headers })
    return res
  }
}

/**
 * Raw HTTP over a socket on 127.0.0.1, for requests a client library would refuse or normalise: the bytes go out as
 * they are, and everything the server sends is read until it closes the connection (bounded by a timeout).
 */
export function rawExchange (port: number, bytes: string | Buffer, timeoutMs = 2000): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port })
    const chunks: Buffer[] = []
    const timer = setTimeout(() => { socket.destroy(); reject(new Error(`no answer within ${timeoutMs} ms`)) }, timeoutMs)
    socket.on('data', (chunk) => chunks.push(chunk))
    socket.on('error', () => {})
    socket.on('close', () => {
      clearTimeout(timer)
      resolve(Buffer.concat(chunks))
    })
    socket.end(bytes)
  })
}
