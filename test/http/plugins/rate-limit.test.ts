import t from 'tap'
import { autodiscoverMax, DEFAULT_RATE_LIMIT, isAutodiscoverRoute } from '../../../src/http/plugins/rate-limit.ts'
import { build } from '../../helper.ts'

const URL = '/mail/config-v1.1.xml?emailaddress=alice@gmail.com'

t.test('over the limit a client gets RATE_LIMITED with Retry-After', async (t) => {
  const app = await build(t, { rateLimit: { max: 3, timeWindowMs: 60_000 } })
  for (let i = 1; i <= 3; i++) {
    const res = await app.inject({ url: URL })
    t.equal(res.statusCode, 200)
    t.equal(res.headers['x-ratelimit-remaining'], undefined, 'no rate-limit headers under the limit')
  }
  const limited = await app.inject({ url: URL })
  t.equal(limited.statusCode, 429)
  t.equal(limited.headers['content-type'], 'application/problem+json; charset=utf-8')
  t.equal(limited.headers['retry-after'], '60')
  t.equal(limited.headers['x-ratelimit-limit'], '3')
  t.equal(limited.headers['x-ratelimit-remaining'], '0')
  t.same(limited.json(), {
    type: 'urn:mail-autoconfig:error:RATE_LIMITED',
    title: 'Too many requests; slow down',
    status: 429,
    detail: 'Too many requests from this client; retry in 1 minute.',
    code: 'RATE_LIMITED',
    retryAfterSeconds: 60,
  })
})

t.test('each client address has its own count', async (t) => {
  const app = await build(t, { rateLimit: { max: 1, timeWindowMs: 60_000 } })
  t.equal((await app.inject({ url: URL, remoteAddress: '192.0.2.1' })).statusCode, 200)
  t.equal((await app.inject({ url: URL, remoteAddress: '192.0.2.1' })).statusCode, 429)
  t.equal((await app.inject({ url: URL, remoteAddress: '192.0.2.2' })).statusCode, 200)
  // One IPv6 client usually holds a whole /64.
  t.equal((await app.inject({ url: URL, remoteAddress: '2001:db8::1' })).statusCode, 200)
  t.equal((await app.inject({ url: URL, remoteAddress: '2001:db8::2' })).statusCode, 429)
})

t.test('not-found answers count too, so probing paths is limited', async (t) => {
  const app = await build(t, { rateLimit: { max: 2, timeWindowMs: 60_000 } })
  t.equal((await app.inject({ url: '/wp-login.php' })).statusCode, 404)
  t.equal((await app.inject({ url: '/.env' })).statusCode, 404)
  const limited = await app.inject({ url: '/.git/config' })
  t.equal(limited.statusCode, 429)
  t.equal(limited.json().code, 'RATE_LIMITED')
  t.equal((await app.inject({ url: URL })).statusCode, 429, 'and the count is shared with the routes')
})

t.test('the count starts again after the window', async (t) => {
  // A window long enough that two requests fall in it even on a busy machine.
  const app = await build(t, { rateLimit: { max: 1, timeWindowMs: 1000 } })
  t.equal((await app.inject({ url: URL })).statusCode, 200)
  t.equal((await app.inject({ url: URL })).statusCode, 429)
  await new Promise((resolve) => setTimeout(resolve, 1050))
  t.equal((await app.inject({ url: URL })).statusCode, 200)
})

t.test('rateLimit: false turns limiting off', async (t) => {
  const app = await build(t, { rateLimit: false })
  for (let i = 0; i < DEFAULT_RATE_LIMIT.max + 5; i++) {
    const res = await app.inject({ url: URL })
    if (res.statusCode !== 200) t.fail(`request ${i}: ${res.statusCode}`)
  }
  t.pass(`${DEFAULT_RATE_LIMIT.max + 5} requests served`)
})

t.test('the default limit applies when none is given', async (t) => {
  const app = await build(t)
  let res
  for (let i = 0; i <= DEFAULT_RATE_LIMIT.max; i++) res = await app.inject({ url: '/nothing', remoteAddress: '198.51.100.7' })
  t.equal(res?.statusCode, 429)
  t.equal(res?.headers['x-ratelimit-limit'], String(DEFAULT_RATE_LIMIT.max))
})

t.test('autodiscover routes get a fifth of the limit', async (t) => {
  t.equal(autodiscoverMax({ max: 600, timeWindowMs: 1 }), 120)
  t.equal(autodiscoverMax({ max: 3, timeWindowMs: 1 }), 1, 'never zero')
  for (const url of ['/autodiscover/autodiscover.xml', '/Autodiscover/Autodiscover.xml', '/AutoDiscover/autodiscover.json/v1.0/:email']) t.ok(isAutodiscoverRoute(url), url)
  for (const url of ['/mail/config-v1.1.xml', '/api/v1/autodiscover', '/autodiscover']) t.notOk(isAutodiscoverRoute(url), url)
})

t.test('autodiscover has its own, tighter count: a fifth of the limit', async (t) => {
  const app = await build(t, { rateLimit: { max: 10, timeWindowMs: 60_000 } })
  const payload = '<?xml version="1.0"?><Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006"><Request><EMailAddress>alice@gmail.com</EMailAddress><AcceptableResponseSchema>http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a</AcceptableResponseSchema></Request></Autodiscover>'
  const post = () => app.inject({ method: 'POST', url: '/autodiscover/autodiscover.xml', headers: { 'content-type': 'text/xml' }, payload })
  t.equal((await post()).statusCode, 200)
  t.equal((await post()).statusCode, 200)
  const limited = await post()
  t.equal(limited.statusCode, 429, 'the third autodiscover request of the window')
  t.equal(limited.headers['retry-after'], '60')
  t.match(limited.body, /RATE_LIMITED/)
  t.equal((await app.inject({ url: URL })).statusCode, 200, 'other routes keep their own count')
})

t.test('the autodiscover routes share one count: asking the other form does not reset it', async (t) => {
  const app = await build(t, { rateLimit: { max: 15, timeWindowMs: 60_000 } })
  const payload = '<?xml version="1.0"?><Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006"><Request><EMailAddress>alice@gmail.com</EMailAddress><AcceptableResponseSchema>http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a</AcceptableResponseSchema></Request></Autodiscover>'
  const pox = () => app.inject({ method: 'POST', url: '/autodiscover/autodiscover.xml', headers: { 'content-type': 'text/xml' }, payload })
  const v2 = () => app.inject({ url: '/autodiscover/autodiscover.json/v1.0/alice@gmail.com?Protocol=AutodiscoverV1' })
  // A fifth of 15: three autodiscover requests per window, whichever form.
  t.equal((await pox()).statusCode, 200)
  t.equal((await v2()).statusCode, 200)
  t.equal((await pox()).statusCode, 200)
  t.equal((await v2()).statusCode, 429, 'the fourth autodiscover request, the second in v2 form')
  t.equal((await pox()).statusCode, 429)
  t.equal((await app.inject({ url: URL })).statusCode, 200, 'other routes keep their own count')
})
