import t from 'tap'
import { notFoundLines, unknownDomainAnswer, unknownDomainAnswers } from '../../../src/http/fast-path/unknown-domain.ts'
import { unknownDomainProblem } from '../../helper.ts'

/** Name, value pairs as the lines Node would write for them. */
const linesOf = (pairs: string[]) => pairs.map((part, i) => i % 2 === 0 ? `${part}: ` : `${part}\r\n`).join('')

t.test('the 404 for a domain no provider serves: status, headers in order, and the problem document', async (t) => {
  // The security headers and the request id, which every answer begins with, are the fast path's (fast-path.test.ts).
  const answer = unknownDomainAnswer('autoconfig', 'unknown.example')
  t.equal(answer.status, 404)
  t.equal(answer.kind, 'autoconfig')
  const body = String(answer.body)
  t.equal(answer.lines, linesOf(['cache-control', 'public, max-age=300', 'content-type', 'application/problem+json; charset=utf-8']))
  t.same(answer.headers, ['content-length', String(Buffer.byteLength(body))], 'the length, for Node')
  t.same(JSON.parse(body), unknownDomainProblem('unknown.example'))
  t.same(Object.keys(JSON.parse(body)), ['type', 'title', 'status', 'detail', 'code', 'domain'], 'members in the order of the route serializer (problemSchema)')
})

t.test('headers the route sets first come first (the API lookup\'s CORS headers)', async (t) => {
  const answer = unknownDomainAnswer('api', 'xn--mnchen-3ya.example', notFoundLines('access-control-allow-origin', '*'))
  t.equal(answer.kind, 'api')
  t.ok(answer.lines.startsWith(linesOf(['access-control-allow-origin', '*', 'cache-control', 'public, max-age=300'])))
  t.same(JSON.parse(String(answer.body)), unknownDomainProblem('xn--mnchen-3ya.example'))
})

t.test('a route\'s 404s are made once per domain, each the same as unknownDomainAnswer makes it', async (t) => {
  const autoconfig = unknownDomainAnswers('autoconfig')
  const first = autoconfig('unknown.example')
  t.same(first, unknownDomainAnswer('autoconfig', 'unknown.example'))
  t.equal(autoconfig('unknown.example'), first, 'asked again: the very same answer')
  t.same(autoconfig('other.example'), unknownDomainAnswer('autoconfig', 'other.example'), 'another domain its own')
  const lines = notFoundLines('access-control-allow-origin', '*')
  t.same(unknownDomainAnswers('api', lines)('unknown.example'), unknownDomainAnswer('api', 'unknown.example', lines), 'with the route\'s kind and lines')
  for (let i = 0; i < 5000; i++) autoconfig(`d${i}.example`)
  t.same(autoconfig('unknown.example'), unknownDomainAnswer('autoconfig', 'unknown.example'), 'still right after more domains than it remembers')
})
