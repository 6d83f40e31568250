import t from 'tap'
import { BODY_LIMIT, HEADERS_TIMEOUT_MS, IDLE_SOCKET_TIMEOUT_MS, MAX_HEADER_BYTES, REQUEST_TIMEOUT_MS } from '../../src/http/limits.ts'
import { build } from '../helper.ts'

t.test('the listening server enforces the limits', async (t) => {
  const app = await build(t, { rateLimit: false })
  await app.listen({ host: '127.0.0.1', port: 0 })
  const server = app.server
  t.equal(server.requestTimeout, REQUEST_TIMEOUT_MS)
  t.equal(server.headersTimeout, HEADERS_TIMEOUT_MS)
  t.equal(server.timeout, IDLE_SOCKET_TIMEOUT_MS)
  // Set from the server options (node:_http_server storeHTTPOptions), though @types/node does not declare it.
  t.equal((server as unknown as { maxHeaderSize: number }).maxHeaderSize, MAX_HEADER_BYTES)
  t.equal(app.initialConfig.bodyLimit, BODY_LIMIT)
  t.ok(HEADERS_TIMEOUT_MS <= REQUEST_TIMEOUT_MS, 'Node requires headersTimeout <= requestTimeout')
})
