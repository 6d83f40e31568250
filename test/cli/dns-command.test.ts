import t from 'tap'
import { runDns, type DnsOptions } from '../../src/cli/dns-command.ts'
import { BUNDLED_DIR, VALID_PROVIDERS_DIR } from '../helper.ts'
import { minimalTestZone, startDnsServer } from '../dns/support.ts'
import { runCaptured, sink } from './support.ts'

const config = (servers?: string[]): DnsOptions['config'] => ({ providersDir: VALID_PROVIDERS_DIR, publicBaseUrl: 'https://ac.example.net', dns: { servers, timeoutMs: 500 }, mxLookup: false })

async function dns (options: Partial<DnsOptions> & { domain: string }) {
  const out = sink()
  const err = sink()
  const code = await runDns({ json: false, check: false, config: config(), ...options }, out.stream, err.stream)
  return { code, out: out.text(), err: err.text() }
}

t.test('prints a zone a domain owner can paste', async (t) => {
  const { code, out, err } = await dns({ domain: 'Minimal.Test' })
  t.equal(code, 0)
  t.equal(err, '')
  t.equal(out, [
    '; minimal.test: mail served by Minimal Mail, client settings by https://ac.example.net',
    '; client discovery (Thunderbird, Outlook and the clients that copy them)',
    'autoconfig.minimal.test.         3600 IN CNAME ac.example.net.',
    'autodiscover.minimal.test.       3600 IN CNAME ac.example.net.',
    '_autodiscover._tcp.minimal.test. 3600 IN SRV   0 0 443 ac.example.net.',
    '; RFC 6186 / RFC 8314 mail services: implicit TLS preferred (lower priority), "0 0 0 ." = not offered',
    '_imaps._tcp.minimal.test.        3600 IN SRV   0 1 993 mail.minimal.test.',
    '_imap._tcp.minimal.test.         3600 IN SRV   0 0 0 .',
    '_pop3s._tcp.minimal.test.        3600 IN SRV   0 0 0 .',
    '_pop3._tcp.minimal.test.         3600 IN SRV   0 0 0 .',
    '_submissions._tcp.minimal.test.  3600 IN SRV   0 1 465 mail.minimal.test.',
    '_submission._tcp.minimal.test.   3600 IN SRV   0 0 0 .',
    '',
  ].join('\n'))
})

t.test('--json gives the records as data', async (t) => {
  const { code, out } = await dns({ domain: 'minimal.test', json: true })
  t.equal(code, 0)
  const advice = JSON.parse(out)
  t.same(advice.domain, 'minimal.test')
  t.same(advice.provider, { id: 'minimal', name: 'Minimal Mail' })
  t.same(advice.match, { by: 'exact', pattern: 'minimal.test' })
  t.equal(advice.zone, (await dns({ domain: 'minimal.test' })).out, 'the zone text is what the command prints without --json')
  t.same(advice.service, 'https://ac.example.net')
  t.same(advice.records[0], { name: 'autoconfig.minimal.test.', type: 'CNAME', ttl: 3600, target: 'ac.example.net.' })
  t.same(advice.records[3], { name: '_imaps._tcp.minimal.test.', type: 'SRV', ttl: 3600, priority: 0, weight: 1, port: 993, target: 'mail.minimal.test.' })
  t.equal(advice.records.length, 9)
})

t.test('--check asks the configured DNS server and exits 0 only when every record is in place', async (t) => {
  const server = await startDnsServer(t, minimalTestZone())
  const all = await dns({ domain: 'minimal.test', check: true, config: config([server.address]) })
  t.equal(all.code, 0)
  t.match(all.out, /^ok {8}autoconfig\.minimal\.test\. CNAME ac\.example\.net\.\n/)
  t.match(all.out, /\nevery record is in place\n$/)
  t.equal(all.out.split('\n').filter((line) => line.startsWith('ok ')).length, 9)

  server.zone.delete('_submissions._tcp.minimal.test')
  server.zone.set('autodiscover.minimal.test', { records: [{ type: 'CNAME', target: 'elsewhere.example' }] })
  const some = await dns({ domain: 'minimal.test', check: true, json: true, config: config([server.address]) })
  t.equal(some.code, 1)
  const checked = JSON.parse(some.out).records as Array<{ name: string, check: unknown }>
  t.same(checked.find((r) => r.name === 'autodiscover.minimal.test.')!.check, { status: 'different', found: ['elsewhere.example.'] })
  t.same(checked.find((r) => r.name === '_submissions._tcp.minimal.test.')!.check, { status: 'missing' })
  t.equal(checked.filter((r) => (r.check as { status: string }).status === 'ok').length, 7)
})

t.test('a domain found by its MX record gets the records of the provider hosting it (MX_LOOKUP)', async (t) => {
  const server = await startDnsServer(t, { 'smallshop.example': { mx: [{ exchange: 'aspmx.l.google.com', priority: 1 }] } })
  const withMx = { providersDir: BUNDLED_DIR, publicBaseUrl: 'https://ac.example.net', dns: { servers: [server.address], timeoutMs: 500 }, mxLookup: true }
  const found = await dns({ domain: 'smallshop.example', json: true, config: withMx })
  t.equal(found.code, 0)
  const advice = JSON.parse(found.out)
  t.same(advice.match, { by: 'mx', pattern: 'aspmx.l.google.com', mxHost: 'aspmx.l.google.com' })
  t.same(advice.records.find((r: { name: string }) => r.name === '_imaps._tcp.smallshop.example.'), { name: '_imaps._tcp.smallshop.example.', type: 'SRV', ttl: 3600, priority: 0, weight: 1, port: 993, target: 'imap.gmail.com.' })
  t.match(await dns({ domain: 'smallshop.example', config: { ...withMx, mxLookup: false } }), { code: 1, err: 'No provider serves smallshop.example\n' })
})

t.test('what it cannot do is one line and exit 1', async (t) => {
  t.match(await dns({ domain: 'nobody.example' }), { code: 1, out: '', err: 'No provider serves nobody.example\n' })
  t.match(await dns({ domain: 'not a domain' }), { code: 1, err: '"not a domain" is not a domain such as example.com\n' })
  t.match(await dns({ domain: 'minimal.test', config: { ...config(), publicBaseUrl: undefined } }), { code: 1, err: /^dns needs PUBLIC_BASE_URL/ })
})

t.test('mail-autoconfig dns <domain> reads settings from flags and the environment', async (t) => {
  const gmail = await runCaptured(['dns', 'gmail.com', '--public-base-url', 'https://autoconfig.example.org', '--providers-dir', BUNDLED_DIR])
  t.equal(gmail.code, 0)
  t.match(gmail.out, /^autoconfig\.gmail\.com\. +3600 IN CNAME autoconfig\.example\.org\.$/m)
  t.match(gmail.out, /^_imaps\._tcp\.gmail\.com\. +3600 IN SRV +0 1 993 imap\.gmail\.com\.$/m)
  t.match(await runCaptured(['dns', 'gmail.com', '--json', '--public-base-url', 'https://a.example']), { code: 0, out: /^\{\n {2}"domain": "gmail.com"/ })
  t.match(await runCaptured(['dns']), { code: 2, err: /^dns takes a domain first/ })
  t.match(await runCaptured(['dns', 'gmail.com', '--dns-servers', 'nope', '--public-base-url', 'https://a.example']), { code: 1, err: /^DNS_SERVERS="nope" \(from --dns-servers\) is not valid/ })
})
