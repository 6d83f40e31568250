import t from 'tap'
import { build, FIXTURES_DIR } from '../../helper.ts'

const XML_URL = '/autodiscover/autodiscover.xml'

t.test('AutodiscoverV1, in every casing, on both forms, points at the POX endpoint', async (t) => {
  const app = await build(t)
  for (const protocol of ['AutodiscoverV1', 'Autodiscoverv1', 'autodiscoverv1', 'AUTODISCOVERV1', 'autoDiscoverV1']) {
    for (const url of [
      `/autodiscover/autodiscover.json?Email=alice%40gmail.com&Protocol=${protocol}&RedirectCount=1`,
      `/autodiscover/autodiscover.json/v1.0/alice@gmail.com?Protocol=${protocol}&RedirectCount=1`,
      `/Autodiscover/Autodiscover.json/v1.0/alice%40gmail.com?Protocol=${protocol}`,
    ]) {
      const res = await app.inject({ method: 'GET', url, headers: { host: 'autodiscover.gmail.com' } })
      t.equal(res.statusCode, 200, url)
      t.equal(res.headers['content-type'], 'application/json; charset=utf-8')
      t.same(res.json(), { Protocol: 'AutodiscoverV1', Url: `http://autodiscover.gmail.com${XML_URL}` }, url)
    }
  }
})

t.test('the Url: the configured public base URL, else the request\'s protocol and Host', async (t) => {
  const url = '/autodiscover/autodiscover.json/v1.0/alice@gmail.com?Protocol=AutodiscoverV1'
  const configured = await build(t, { publicBaseUrl: 'https://autoconfig.example.net/' })
  t.equal((await configured.inject({ method: 'GET', url, headers: { host: 'autodiscover.gmail.com' } })).json().Url, `https://autoconfig.example.net${XML_URL}`)
  const proxied = await build(t, { trustProxy: true })
  const behindProxy = await proxied.inject({ method: 'GET', url, headers: { host: 'internal:8080', 'x-forwarded-proto': 'https', 'x-forwarded-host': 'Autodiscover.Gmail.com' } })
  t.equal(behindProxy.json().Url, `https://autodiscover.gmail.com${XML_URL}`, 'X-Forwarded-Proto and -Host from a trusted proxy')
  const direct = await build(t)
  t.equal((await direct.inject({ method: 'GET', url, headers: { host: '127.0.0.1:8080' } })).json().Url, `http://127.0.0.1:8080${XML_URL}`)
  for (const host of ['evil.example/path?x=', 'a b', 'x"y', 'host:port']) {
    const res = await direct.inject({ method: 'GET', url, headers: { host } })
    t.equal(res.statusCode, 400, `Host ${host}`)
    t.same(res.json(), { ErrorCode: 'InvalidParameter', ErrorMessage: 'The Host header is not a host name such as autodiscover.example.com' })
  }
})

t.test('other protocols are 400 InvalidProtocol, the echoed value sanitised', async (t) => {
  const app = await build(t)
  const cases: Array<[string, string]> = [
    ['ActiveSync', 'ActiveSync'],
    ['Ews', 'Ews'],
    ['Rest', 'Rest'],
    ['%3Cscript%3Ealert(1)%3C%2Fscript%3E', 'scriptalert1script'],
    [`${'x'.repeat(100)}`, 'x'.repeat(64)],
    ['', ''],
  ]
  for (const [protocol, echoed] of cases) {
    const res = await app.inject({ method: 'GET', url: `/autodiscover/autodiscover.json?Email=alice@gmail.com&Protocol=${protocol}` })
    t.equal(res.statusCode, 400, protocol)
    t.same(res.json(), { ErrorCode: 'InvalidProtocol', ErrorMessage: `The given protocol value '${echoed}' is invalid. Supported values are 'AutodiscoverV1'` }, protocol)
  }
  const missing = await app.inject({ method: 'GET', url: '/autodiscover/autodiscover.json/v1.0/alice@gmail.com' })
  t.same([missing.statusCode, missing.json().ErrorCode], [400, 'InvalidProtocol'], 'no Protocol at all')
})

t.test('addresses and domains', async (t) => {
  const app = await build(t, { providersDir: `${FIXTURES_DIR}/providers/autodiscover` })
  const unknown = await app.inject({ method: 'GET', url: '/autodiscover/autodiscover.json?Email=alice@gmail.com&Protocol=AutodiscoverV1' })
  t.same([unknown.statusCode, unknown.json()], [404, { ErrorCode: 'UnknownDomain', ErrorMessage: 'No provider serves gmail.com' }], 'unknown domain: 404, so Outlook moves on')
  for (const url of ['/autodiscover/autodiscover.json?Protocol=AutodiscoverV1', '/autodiscover/autodiscover.json?Email=nope&Protocol=AutodiscoverV1', '/autodiscover/autodiscover.json/v1.0/%3Cb%3E@hosted.test?Protocol=AutodiscoverV1']) {
    const res = await app.inject({ method: 'GET', url })
    t.same([res.statusCode, res.json().ErrorCode], [400, 'InvalidEmailAddress'], url)
  }
  const twice = await app.inject({ method: 'GET', url: '/autodiscover/autodiscover.json?Email=a@hosted.test&Email=b@hosted.test&Protocol=AutodiscoverV1' })
  t.same([twice.statusCode, twice.json().ErrorCode], [400, 'InvalidParameter'], 'a repeated parameter')
  const hosted = await app.inject({ method: 'GET', url: '/autodiscover/autodiscover.json/v1.0/bob@hosted.test?Protocol=AutodiscoverV1' })
  t.same(hosted.json(), { Protocol: 'AutodiscoverV1', Url: 'https://autodiscover-s.outlook.com/autodiscover/autodiscover.xml' }, 'a provider on Exchange Online: its autodiscover server')
})
