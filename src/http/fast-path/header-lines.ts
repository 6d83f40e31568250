/**
 * Header lines an answer sends unchanged, checked once instead of per request.
 *
 * Why: Node checks every header handed to `writeHead` as the answer goes out (its name against the token grammar
 * and its value for forbidden characters, both by regular expression), lower-cases the name to look for the few
 * headers it acts on, and joins the line, each time. Measured under callgrind, a plain Node server's answer cost
 * some 1,600 instructions more per header; the fast path's answers carry ten, eight of them the same for every
 * request for a document (the security headers, ETag, Cache-Control, Content-Type), and those eight cost about a
 * seventh of an autoconfig GET's instructions (86.2k; 73.6k without). So they are checked once, by Node's own
 * public validators, and joined once into lines. The request id's line, different for every request, is joined as
 * the answer is sent: the id is one of our own or a given one request-id.ts accepted (letters, digits and `_.:-`),
 * nothing a check could refuse. Node is given Content-Length alone (it frames the body by it, and adds Date and
 * the connection's headers), and the lines go in after the status line of the head it makes.
 *
 * That last step writes the head Node keeps until the first body bytes go out (`_header`, a string since Node's
 * first releases and read by middleware such as `compression`). `HEADER_LINES_SUPPORTED` checks once that Node
 * keeps it so; where it does not, the app leaves the fast path off and Fastify answers everything (app.ts).
 * Names Node acts on (framing, connection, Date) are refused here: Node must see those.
 */
import { IncomingMessage, ServerResponse, validateHeaderName, validateHeaderValue } from 'node:http'
import { Socket } from 'node:net'
import { ownCopy } from '../../own-copy.ts'

/** What Node's `_storeHeader` looks for in an answer's headers (lib/_http_outgoing.js, matchHeader). */
const HEADERS_NODE_ACTS_ON = new Set(['connection', 'transfer-encoding', 'content-length', 'date', 'expect', 'trailer', 'keep-alive'])

/**
 * `name: value\r\n`, checked as Node checks a header given to writeHead. Throws for a bad one, or one Node acts on.
 * Lines are kept and copied into heads for as long as their answer is served, so each is one piece, not a tree of
 * its pieces (own-copy.ts).
 */
export function headerLine (name: string, value: string): string {
  validateHeaderName(name)
  validateHeaderValue(name, value)
  if (HEADERS_NODE_ACTS_ON.has(name.toLowerCase())) throw new TypeError(`${name} must go through writeHead: Node acts on it`)
  return ownCopy(`${name}: ${value}\r\n`)
}

/** `headerLine` for each of name, value, name, value…, joined in order (one piece, as `headerLine`'s). */
export function headerLines (...pairs: string[]): string {
  if (pairs.length % 2 !== 0) throw new TypeError('header lines come as name, value pairs')
  let lines = ''
  for (let i = 0; i < pairs.length; i += 2) lines += headerLine(pairs[i]!, pairs[i + 1]!)
  return ownCopy(lines)
}

interface ResponseHead { _header: unknown }

/** After `res.writeHead`: puts `lines` right after the status line of the head Node made. */
export function insertHeaderLines (res: ServerResponse, lines: string): void {
  const response = res as unknown as ResponseHead
  const head = response._header as string
  const statusLineEnd = head.indexOf('\r\n') + 2
  response._header = head.slice(0, statusLineEnd) + lines + head.slice(statusLineEnd)
}

/** A detached response: one that no request will be answered with. */
const detachedResponse = (): ServerResponse => new ServerResponse(new IncomingMessage(new Socket()))

/**
 * Whether this Node keeps an answer's head as `insertHeaderLines` expects: tried once on a detached response
 * (Node's own unless a test makes another).
 */
export function headerLinesWork (makeResponse: () => ServerResponse = detachedResponse): boolean {
  try {
    const res = makeResponse()
    res.writeHead(204, ['x-probe', '1'])
    const head = (res as unknown as ResponseHead)._header
    if (typeof head !== 'string' || !head.startsWith('HTTP/1.1 204 No Content\r\nx-probe: 1\r\n') || !head.endsWith('\r\n\r\n')) return false
    insertHeaderLines(res, 'x-inserted: 2\r\n')
    return (res as unknown as ResponseHead)._header === head.replace('\r\n', '\r\nx-inserted: 2\r\n')
  } catch {
    return false
  }
}

export const HEADER_LINES_SUPPORTED = headerLinesWork()
