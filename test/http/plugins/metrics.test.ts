import t from 'tap'
import { outcomeOf, routeKind } from '../../../src/http/plugins/metrics.ts'
import { buildApp } from '../../../src/app.ts'
import { build, BUNDLED_DIR, lookupFor } from '../../helper.ts'

/** The value of one sample line, e.g. `mail_autoconfig_requests_total{kind="autoconfig",outcome="served"}`. */
function sample (text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `))
  return line === undefined ? undefined : Number(line.slice(series.length + 1))
}

t.test('route kinds and outcomes', async (t) => {
  const kinds: Array<[string, string[], string]> = [
    ['/mail/config-v1.1.xml', [], 'autoconfig'],
    ['/.well-known/autoconfig/mail/config-v1.1.xml', [], 'autoconfig'],
    ['/v1.1/:domain', [], 'autoconfig'],
    ['/autodiscover/autodiscover.xml', [], 'autodiscover'],
    ['/Autodiscover/Autodiscover.xml', [], 'autodiscover'],
    ['/api/v1/providers', [], 'api'],
    ['/whatever', ['api'], 'api'],
    ['/mobileconfig', [], 'apple'],
    ['/Email.mobileconfig', [], 'apple'],
    ['/whatever', ['apple'], 'apple'],
    ['/healthz', [], 'other'],
    ['/nothing/here', ['operations'], 'other'],
  ]
  for (const [url, tags, kind] of kinds) t.equal(routeKind(url, tags), kind, url)
  const outcomes: Array<[number, string]> = [[200, 'served'], [304, 'served'], [400, 'bad_request'], [404, 'not_found'], [405, 'bad_request'], [413, 'bad_request'], [429, 'rate_limited'], [500, 'error'], [503, 'unavailable']]
  for (const [status, outcome] of outcomes) t.equal(outcomeOf(status), outcome, String(status))
})

t.test('/metrics after traffic', async (t) => {
  const app = await build(t)
  const get = (url: string) => app.inject({ method: 'GET', url })
  await get('/mail/config-v1.1.xml?emailaddress=alice@gmail.com')
  await get('/.well-known/autoconfig/mail/config-v1.1.xml?emailaddress=bob@googlemail.com')
  await get('/v1.1/mail.com')
  await get('/mail/config-v1.1.xml?emailaddress=carol@unknown.example')
  await get('/mail/config-v1.1.xml?emailaddress=not-an-address')
  await get('/v1.1/-bad-')
  await get('/no/such/route')
  await get('/healthz')
  await get('/readyz')

  const res = await get('/metrics')
  t.equal(res.statusCode, 200)
  t.match(res.headers['content-type'], /^text\/plain; version=0\.0\.4/)
  const text = res.body
  const requests = (kind: string, outcome: string) => sample(text, `mail_autoconfig_requests_total{kind="${kind}",outcome="${outcome}"}`)
  t.equal(requests('autoconfig', 'served'), 3)
  t.equal(requests('autoconfig', 'not_found'), 1)
  t.equal(requests('autoconfig', 'bad_request'), 2)
  t.equal(requests('other', 'not_found'), 1, 'an unknown route')
  t.equal(requests('autodiscover', 'served'), 0, 'kinds without traffic are present at zero')
  t.equal(requests('api', 'served'), 0)
  t.notOk(/kind="other",outcome="served"\} [1-9]/.test(text), 'probes and scrapes are not counted')
  t.equal(sample(text, 'mail_autoconfig_request_duration_seconds_count{kind="autoconfig"}'), 6)
  t.equal(sample(text, 'mail_autoconfig_request_duration_seconds_bucket{le="+Inf",kind="autoconfig"}'), 6)
  t.ok(sample(text, 'mail_autoconfig_request_duration_seconds_sum{kind="autoconfig"}')! > 0)
  t.equal(sample(text, 'mail_autoconfig_providers_loaded'), app.providers.catalog.providers.size)
  t.equal(sample(text, 'mail_autoconfig_domains_loaded'), app.providers.catalog.domainCount)
  t.equal(sample(text, 'mail_autoconfig_reloads_total'), 0)
  t.equal(sample(text, 'mail_autoconfig_reload_failures_total'), 0)
  t.notMatch(text, /gmail\.com|alice|unknown\.example/, 'no domain or address ever becomes a label')
  t.notMatch(text, /^process_cpu/m, 'process metrics only when asked for')
})

t.test('reload counters and the last successful reload time', async (t) => {
  const app = await build(t, { processMetrics: true })
  app.metrics.reloadSucceeded(new Date(1_700_000_000_000))
  app.metrics.reloadFailed()
  app.metrics.reloadFailed()
  const text = (await app.inject({ method: 'GET', url: '/metrics' })).body
  t.equal(sample(text, 'mail_autoconfig_reloads_total'), 3)
  t.equal(sample(text, 'mail_autoconfig_reload_failures_total'), 2)
  t.equal(sample(text, 'mail_autoconfig_last_successful_reload_timestamp_seconds'), 1_700_000_000)
  t.match(text, /^process_cpu_user_seconds_total \d/m)
  t.match(text, /^nodejs_eventloop_lag_seconds /m)
})

t.test('a route can state its outcome when the status does not tell', async (t) => {
  const app = await buildApp({ lookup: await lookupFor(BUNDLED_DIR) })
  t.teardown(() => app.close())
  app.get('/autodiscover/test-outcome', async (_request, reply) => {
    reply.outcome = 'not_found'
    return 'an Error document sent with 200'
  })
  const res = await app.inject({ method: 'GET', url: '/autodiscover/test-outcome' })
  t.equal(res.statusCode, 200)
  const text = (await app.inject({ method: 'GET', url: '/metrics' })).body
  t.equal(sample(text, 'mail_autoconfig_requests_total{kind="autodiscover",outcome="not_found"}'), 1)
})

t.test('without MX lookups there are no MX series', async (t) => {
  const app = await build(t)
  const text = (await app.inject({ url: '/metrics' })).body
  t.notMatch(text, /mail_autoconfig_mx_/)
})
