import { Writable } from 'node:stream'
import t from 'tap'
import { build } from '../../helper.ts'

const ROUTES = [
  '/api/v1/lookup?email=alice@gmail.com',
  '/autodiscover/autodiscover.json/v1.0/alice@gmail.com?Protocol=AutodiscoverV1',
  '/autodiscover/autodiscover.json?Email=alice@gmail.com&Protocol=AutodiscoverV1',
]

t.test('answers built from the Host header say Vary: Host (issue 31: Host reflected into cacheable answers)', async (t) => {
  const app = await build(t)
  for (const url of ROUTES) {
    const res = await app.inject({ url, headers: { host: 'evil.example' } })
    t.equal(res.statusCode, 200, url)
    t.match(res.body, 'http://evil.example/', `${url}: the links come from the Host`)
    t.match(String(res.headers.vary), /(^|, )Host$/, `${url}: so a shared cache keeps one answer per Host`)
  }
  const cors = await app.inject({ url: ROUTES[0]!, headers: { host: 'evil.example', origin: 'https://app.example' } })
  t.match(String(cors.headers.vary ?? ''), /Host/, 'Host is added to whatever Vary the answer has')
})

t.test('with PUBLIC_BASE_URL the Host is not used and does not vary the answer', async (t) => {
  const app = await build(t, { publicBaseUrl: 'https://autoconfig.example.net' })
  for (const url of ROUTES) {
    const res = await app.inject({ url, headers: { host: 'evil.example' } })
    t.equal(res.statusCode, 200, url)
    t.notMatch(res.body, 'evil.example', url)
    t.match(res.body, 'https://autoconfig.example.net/', url)
    t.notMatch(String(res.headers.vary ?? ''), /Host/, `${url}: no Vary: Host`)
  }
})

t.test('a malformed Host is the client\'s mistake: 400, logged below warn (issue 31)', async (t) => {
  const lines: string[] = []
  const destination = new Writable({ write (chunk, _encoding, done) { lines.push(...String(chunk).split('\n').filter(Boolean)); done() } })
  const app = await build(t, { logger: { level: 'info', destination } })
  for (const host of ['bad host!', '[::1', 'a/b']) {
    for (const url of ROUTES) {
      const res = await app.inject({ url, headers: { host } })
      t.equal(res.statusCode, 400, `${host} ${url}`)
    }
  }
  const levels = lines.map((line) => (JSON.parse(line) as { level: number }).level)
  t.ok(levels.length > 0, 'requests were logged')
  t.same(levels.filter((level) => level >= 40), [], 'nothing at warn or error')
})
