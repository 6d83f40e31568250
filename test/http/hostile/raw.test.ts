/**
 * Requests that `app.inject` cannot send, because its URL parsing would normalise them first: raw request lines
 * and header bytes over a real socket on 127.0.0.1. Each request is bounded by a short timeout.
 */
import t from 'tap'
import { MAX_HEADER_BYTES } from '../../../src/http/limits.ts'
import { build } from '../../helper.ts'
import { assertSafeAnswer, rawExchange } from './support.ts'

interface RawResponse { statusCode: number, headers: Record<string, string>, body: string }

/** Sends bytes as they are and reads one response; the server closes the connection (`Connection: close`). */
async function rawRequest (port: number, request: string | Buffer): Promise<RawResponse> {
  const text = (await rawExchange(port, request)).toString('utf8')
  const [head = '', ...rest] = text.split('\r\n\r\n')
  const [statusLine = '', ...headerLines] = head.split('\r\n')
  const headers = Object.fromEntries(headerLines.map((line) => {
    const colon = line.indexOf(':')
    return [line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim()]
  }))
  return { statusCode: Number(statusLine.split(' ')[1]), headers, body: rest.join('\r\n\r\n') }
}

const request = (target: string, headers = 'Host: 127.0.0.1\r\n') => `GET ${target} HTTP/1.1\r\n${headers}Connection: close\r\n\r\n`

t.test('raw request lines and headers', async (t) => {
  const app = await build(t, { rateLimit: false })
  await app.listen({ host: '127.0.0.1', port: 0 })
  const { port } = app.server.address() as { port: number }
  const send = async (raw: string | Buffer) => {
    const res = await rawRequest(port, raw)
    assertSafeAnswer({ ...res, headers: res.headers } as never, String(raw).slice(0, 200))
    return res
  }

  t.test('path traversal that a client library would have normalised', async (t) => {
    for (const target of ['/v1.1/../../etc/passwd', '/v1.1/../package.json', '/v1.1/gmail.com/../../package.json', '/v1.1/..%2f..%2fpackage.json', '/v1.1/.%2e/.%2e/package.json', '/mail/../../../../etc/passwd', '/v1.1/..\\..\\package.json']) {
      const res = await send(request(target))
      t.ok(res.statusCode === 400 || res.statusCode === 404, `${target}: ${res.statusCode}`)
      t.notMatch(res.body, /root:|"name": "mail-autoconfig"/, `${target} serves no file`)
    }
  })

  t.test('invalid UTF-8 bytes in the path, the query and the Host header', async (t) => {
    const bytes = (text: string) => Buffer.from(text, 'latin1')
    for (const raw of [
      bytes(request('/v1.1/gmail.\xff\xfe')),
      bytes(request('/mail/config-v1.1.xml?emailaddress=alice@gmail.\xc3\x28')),
      bytes(request('/mail/config-v1.1.xml', 'Host: autoconfig.gmail.\xff\r\n')),
      bytes(request('/mail/config-v1.1.xml', 'Host: \xed\xa0\x80.com\r\n')),
    ]) {
      const res = await send(raw)
      // Node reads header bytes as Latin-1, so `\xff` may become a valid IDN label: refused or unknown, never served.
      t.ok(res.statusCode === 400 || res.statusCode === 404, `${raw.toString('latin1').split('\r\n').slice(0, 2).join(' ')}: ${res.statusCode}`)
    }
  })

  t.test('CR/LF and control characters that would split headers are refused by the parser', async (t) => {
    for (const raw of [
      'GET /mail/config-v1.1.xml?emailaddress=a@gmail.com\rX-Injected: 1 HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n',
      request('/mail/config-v1.1.xml', 'Host: autoconfig.gmail.com\rX-Injected: 1\r\n'),
      request('/mail/config-v1.1.xml', 'Host: autoconfig.gmail.com\0\r\n'),
      'GET /mail/config-v1.1.xml HTTP/1.1\nHost: a\nContent-Length: 5\nContent-Length: 6\n\n',
    ]) {
      const res = await send(raw)
      t.equal(res.statusCode, 400, JSON.stringify(raw.slice(0, 60)))
      t.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8')
      t.equal(JSON.parse(res.body).code, 'MALFORMED_REQUEST')
    }
  })

  t.test('headers over the limit are 431 from the catalog', async (t) => {
    const res = await send(request('/mail/config-v1.1.xml?emailaddress=a@gmail.com', `Host: a\r\nX-Padding: ${'p'.repeat(MAX_HEADER_BYTES)}\r\n`))
    t.equal(res.statusCode, 431)
    t.same(JSON.parse(res.body), { type: 'urn:mail-autoconfig:error:HEADERS_TOO_LARGE', title: 'The request headers are too large', status: 431, detail: 'The request headers are too large', code: 'HEADERS_TOO_LARGE' })
    const fits = await send(request('/mail/config-v1.1.xml?emailaddress=a@gmail.com', `Host: a\r\nX-Padding: ${'p'.repeat(MAX_HEADER_BYTES - 200)}\r\n`))
    t.equal(fits.statusCode, 200, 'just under the limit is served')
  })
})
