import t from 'tap'
import { build } from '../../helper.ts'

t.test('certificates only for the discovery host names of served domains', async (t) => {
  const app = await build(t)
  const cases: Array<[string, number, string]> = [
    ['autoconfig.gmail.com', 200, 'autoconfig host of a served domain'],
    ['autodiscover.googlemail.com', 200, 'autodiscover host of a served domain'],
    ['AutoConfig.GMAIL.com', 200, 'any letter case'],
    ['gmail.com', 404, 'the mail domain itself is not ours to certify'],
    ['www.gmail.com', 404, 'another host of a served domain'],
    ['autoconfig.unknown.example', 404, 'a domain no provider serves'],
    ['autoconfig.', 404, 'no domain at all'],
    ['', 404, 'empty'],
  ]
  for (const [domain, status, reason] of cases) {
    const res = await app.inject({ method: 'GET', url: `/tls/allowed?domain=${encodeURIComponent(domain)}` })
    t.equal(res.statusCode, status, `${domain}: ${reason}`)
    if (status === 200) t.same(res.json(), { allowed: true, domain: domain.toLowerCase().replace(/^auto(config|discover)\./, '') })
    else t.match(res.json(), { code: 'UNKNOWN_DOMAIN' })
  }
  const missing = await app.inject({ method: 'GET', url: '/tls/allowed' })
  t.equal(missing.statusCode, 400, 'the parameter is required')
})
