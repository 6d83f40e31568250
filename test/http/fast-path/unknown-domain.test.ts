import t from 'tap'
import { answerHeadersStart } from '../../../src/http/fast-path/fast-path.ts'
import { unknownDomainAnswer } from '../../../src/http/fast-path/unknown-domain.ts'
import { unknownDomainProblem } from '../../helper.ts'

/** What every answer starts with: the security headers, then the request id (filled in as the answer is sent). */
const LEADING = [
  'x-content-type-options', 'nosniff', 'x-frame-options', 'DENY', 'referrer-policy', 'no-referrer',
  'cross-origin-resource-policy', 'same-origin', 'content-security-policy', "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
  'x-request-id', '',
]

t.test('the 404 for a domain no provider serves: status, headers in order, and the problem document', async (t) => {
  const answer = unknownDomainAnswer('autoconfig', 'unknown.example')
  t.equal(answer.status, 404)
  t.equal(answer.kind, 'autoconfig')
  const body = String(answer.body)
  t.same(answer.headers, [...LEADING, 'cache-control', 'public, max-age=300', 'content-type', 'application/problem+json; charset=utf-8', 'content-length', String(Buffer.byteLength(body))])
  t.same(JSON.parse(body), unknownDomainProblem('unknown.example'))
  t.same(Object.keys(JSON.parse(body)), ['type', 'title', 'status', 'detail', 'code', 'domain'], 'members in the order of the route serializer (problemSchema)')
})

t.test('headers the route sets first come first (the API lookup\'s CORS headers)', async (t) => {
  const answer = unknownDomainAnswer('api', 'xn--mnchen-3ya.example', answerHeadersStart('access-control-allow-origin', '*'))
  t.equal(answer.kind, 'api')
  t.same(answer.headers.slice(0, LEADING.length + 4), [...LEADING, 'access-control-allow-origin', '*', 'cache-control', 'public, max-age=300'])
  t.same(JSON.parse(String(answer.body)), unknownDomainProblem('xn--mnchen-3ya.example'))
})
