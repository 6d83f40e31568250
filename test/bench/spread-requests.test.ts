import { test } from 'tap'
import { requestsForConnection } from '../../bench/spread-requests.ts'

const list = (n: number) => Array.from({ length: n }, (_, i) => `r${i}`)

test('with as many requests as connections or more, each request is exactly one connection\'s', async (t) => {
  for (const [n, connections] of [[100, 50], [50, 50], [120, 50], [7, 1], [3, 3]] as const) {
    const requests = list(n)
    const perConnection = Array.from({ length: connections }, (_, c) => requestsForConnection(requests, connections, c))
    t.same(perConnection.flat().sort(), [...requests].sort(), `${n} requests over ${connections} connections: each once`)
    const sizes = perConnection.map((mine) => mine.length)
    t.ok(Math.max(...sizes) - Math.min(...sizes) <= 1, `${n} over ${connections}: shares differ by one at most (${Math.min(...sizes)}–${Math.max(...sizes)})`)
  }
})

test('connection i takes requests i, i + C, i + 2C, in order', async (t) => {
  t.same(requestsForConnection(list(100), 50, 0), ['r0', 'r50'])
  t.same(requestsForConnection(list(100), 50, 49), ['r49', 'r99'])
  t.same(requestsForConnection(list(120), 50, 19), ['r19', 'r69', 'r119'])
  t.same(requestsForConnection(list(120), 50, 20), ['r20', 'r70'])
})

test('with fewer requests than connections, connection i asks request i mod n alone', async (t) => {
  const requests = list(3)
  const perConnection = Array.from({ length: 50 }, (_, c) => requestsForConnection(requests, 50, c))
  t.ok(perConnection.every((mine) => mine.length === 1), 'one request each')
  t.same(perConnection.slice(0, 4).flat(), ['r0', 'r1', 'r2', 'r0'])
  const counts = new Map<string, number>()
  for (const [r] of perConnection) counts.set(r!, (counts.get(r!) ?? 0) + 1)
  t.same(Object.fromEntries(counts), { r0: 17, r1: 17, r2: 16 }, 'every request asked, by 16 or 17 connections')
})

test('refuses an empty list and a connection count that is not a positive integer', async (t) => {
  t.throws(() => requestsForConnection([], 50, 0), /at least one request/)
  t.throws(() => requestsForConnection(list(3), 0, 0), /positive integer/)
  t.throws(() => requestsForConnection(list(3), 1.5, 0), /positive integer/)
})
