import { createServer, IncomingMessage, ServerResponse } from 'node:http'
import { Socket, type AddressInfo } from 'node:net'
import t from 'tap'
import { headerLine, headerLines, HEADER_LINES_SUPPORTED, headerLinesWork, insertHeaderLines } from '../../../src/http/fast-path/header-lines.ts'
import { rawExchange } from '../hostile/support.ts'

const FIXED = ['x-content-type-options', 'nosniff', 'content-security-policy', "default-src 'none'", 'etag', '"abc"', 'content-type', 'application/xml; charset=utf-8']

t.test('headers become checked lines, in order', async (t) => {
  t.equal(headerLines(...FIXED), "x-content-type-options: nosniff\r\ncontent-security-policy: default-src 'none'\r\netag: \"abc\"\r\ncontent-type: application/xml; charset=utf-8\r\n")
  t.equal(headerLine('etag', '"abc"'), 'etag: "abc"\r\n')
  t.equal(headerLines(), '')
})

t.test('lines are copied whole, latin1 characters included (Node allows them in values)', async (t) => {
  t.equal(headerLines('x-name', 'caf\u00e9 \u00ff'), 'x-name: caf\u00e9 \u00ff\r\n')
  t.throws(() => headerLine('x-name', 'snow \u2603'), { code: 'ERR_INVALID_CHAR' }, 'nothing beyond latin1 gets in')
})

t.test('what Node refuses in a header, or must see itself, is refused when the line is made', async (t) => {
  t.throws(() => headerLine('bad name', 'x'), { code: 'ERR_INVALID_HTTP_TOKEN' })
  t.throws(() => headerLine('x-injected', 'a\r\nset-cookie: b'), { code: 'ERR_INVALID_CHAR' })
  t.throws(() => headerLine('x-nul', 'a\u0000b'), { code: 'ERR_INVALID_CHAR' })
  t.throws(() => headerLines('x-odd'), /pairs/)
  for (const name of ['Content-Length', 'transfer-encoding', 'Connection', 'date', 'expect', 'trailer', 'keep-alive']) {
    t.throws(() => headerLine(name, '1'), /Node acts on it/, name)
  }
})

t.test('this Node keeps an answer\'s head as the lines need; a Node that keeps it otherwise is told apart', async (t) => {
  t.equal(HEADER_LINES_SUPPORTED, true)
  t.equal(headerLinesWork(), true)
  const detached = (Response: new (req: IncomingMessage) => ServerResponse) => () => new Response(new IncomingMessage(new Socket()))
  t.equal(headerLinesWork(detached(ServerResponse)), true, 'Node\'s own response, made the way the cases below are')
  /** Heads kept elsewhere than `_header`, as a later Node might. */
  class HeadKeptElsewhere extends ServerResponse {
    #head: unknown
    get _header (): unknown { return undefined }
    set _header (head: unknown) { this.#head = head }
  }
  t.equal(headerLinesWork(detached(HeadKeptElsewhere)), false, 'no head where the lines go')
  /** Heads kept as bytes. */
  class HeadAsBytes extends ServerResponse {
    #head: unknown
    get _header (): unknown { return this.#head }
    set _header (head: unknown) { this.#head = typeof head === 'string' ? Buffer.from(head, 'latin1') : head }
  }
  t.equal(headerLinesWork(detached(HeadAsBytes)), false, 'a head that is not a string')
  /** writeHead refusing to work without a socket. */
  class NoDetachedHeads extends ServerResponse {
    override writeHead (): this { throw new Error('no socket') }
  }
  t.equal(headerLinesWork(detached(NoDetachedHeads)), false, 'writeHead throws')
})

/**
 * Node's own answer with every header through writeHead, and the same answer with the first ones as lines: the
 * bytes on the wire must be the same, whatever Node adds for the connection (keep-alive, close, HTTP/1.0) or the
 * status (a 304 has no body).
 */
t.test('lines put in after the status line give the bytes writeHead gives for the same headers', async (t) => {
  const lines = headerLines(...FIXED)
  const body = 'answer body'
  const answer = (res: ServerResponse, status: number, useLines: boolean) => {
    const rest = ['x-request-id', 'id-1', 'content-length', String(body.length)]
    if (useLines) {
      res.writeHead(status, rest)
      insertHeaderLines(res, lines)
    } else {
      res.writeHead(status, [...FIXED, ...rest])
    }
    res.end(status === 304 ? undefined : body)
  }
  // `/<status>/lines` or `/<status>/writehead`.
  const server = createServer((req, res) => { answer(res, Number(req.url!.split('/')[1]), req.url!.endsWith('/lines')) })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => server.close())
  const { port } = server.address() as AddressInfo
  const withoutDate = (raw: Buffer) => raw.toString('latin1').replace(/\r\nDate: [^\r]*/g, '')
  const requests: Array<[string, (path: string) => string]> = [
    ['keep-alive', (path) => `GET ${path} HTTP/1.1\r\nHost: x\r\n\r\nGET ${path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`],
    ['HTTP/1.0', (path) => `GET ${path} HTTP/1.0\r\n\r\n`],
    ['HTTP/1.0 keep-alive', (path) => `GET ${path} HTTP/1.0\r\nConnection: keep-alive\r\n\r\n`],
  ]
  for (const [name, request] of requests) {
    for (const [status, statusLine] of [[200, 'HTTP/1.1 200 OK'], [304, 'HTTP/1.1 304 Not Modified']] as const) {
      const viaWriteHead = withoutDate(await rawExchange(port, request(`/${status}/writehead`)))
      const viaLines = withoutDate(await rawExchange(port, request(`/${status}/lines`)))
      t.ok(viaWriteHead.startsWith(`${statusLine}\r\nx-content-type-options: nosniff\r\n`), `${name} ${status}: an answer`)
      t.equal(viaLines, viaWriteHead, `${name} ${status}: the same bytes`)
    }
  }
})
