import type { IncomingMessage } from 'node:http'
import t from 'tap'
import { ownRequestId, requestId } from '../../../src/http/plugins/request-id.ts'

const OWN_ID = /^[0-9a-f]{12}-\d+$/

function requestWith (headers: Record<string, string | string[]>): IncomingMessage {
  return { headers } as unknown as IncomingMessage
}

t.test('ids of our own: one process prefix, then a counter, never the same twice', async (t) => {
  const ids = Array.from({ length: 10_000 }, () => ownRequestId())
  for (const id of [ids[0]!, ids.at(-1)!]) t.match(id, OWN_ID)
  t.equal(new Set(ids).size, ids.length, 'all different')
  const prefixes = new Set(ids.map((id) => id.slice(0, id.indexOf('-'))))
  t.equal(prefixes.size, 1, 'one prefix per process')
  const [first, second] = ids.map((id) => Number(id.slice(id.indexOf('-') + 1)))
  t.equal(second, first! + 1, 'counted')
})

t.test('a safe id from the client is kept; anything else is replaced by our own', async (t) => {
  t.equal(requestId(requestWith({ 'x-request-id': 'edge-4f2a.17:x' })), 'edge-4f2a.17:x')
  t.equal(requestId(requestWith({ 'x-request-id': 'a'.repeat(128) })), 'a'.repeat(128))
  const unsafe = ['', 'a'.repeat(129), 'alice@example.com', 'two words', 'x\ny', '<b>']
  for (const given of unsafe) t.match(requestId(requestWith({ 'x-request-id': given })), OWN_ID, `replaced: ${JSON.stringify(given.slice(0, 20))}`)
  t.match(requestId(requestWith({ 'x-request-id': ['a', 'b'] })), OWN_ID, 'given twice: replaced')
  t.match(requestId(requestWith({})), OWN_ID, 'none given')
})
