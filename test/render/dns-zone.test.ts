import t from 'tap'
import { loadProviders } from '../../src/catalog/load.ts'
import type { Provider } from '../../src/model/provider.ts'
import { dnsRecords, recordData, zoneText, type DnsRecord } from '../../src/render/dns-zone.ts'
import { VALID_PROVIDERS_DIR } from '../helper.ts'

async function provider (id: string): Promise<Provider> {
  const loaded = await loadProviders(VALID_PROVIDERS_DIR)
  if (!loaded.ok) throw new Error('fixtures must load')
  return loaded.catalog.providers.get(id)!
}

const SERVICE = new URL('https://autoconfig.example.net')

/** One record as `name type data` (TTL checked apart), for comparing whole lists. */
const brief = (record: DnsRecord) => `${record.name} ${record.type} ${recordData(record)}`

t.test('every record for a provider with every kind of server', async (t) => {
  const records = dnsRecords(await provider('example.com'), 'shop.example', SERVICE)
  t.same(records.map(brief), [
    'autoconfig.shop.example. CNAME autoconfig.example.net.',
    'autodiscover.shop.example. CNAME autoconfig.example.net.',
    '_autodiscover._tcp.shop.example. SRV 0 0 443 autoconfig.example.net.',
    // Implicit TLS first (RFC 8314), then STARTTLS; each service label once per server.
    '_imaps._tcp.shop.example. SRV 0 1 993 imap.example.com.',
    '_imap._tcp.shop.example. SRV 10 1 143 imap.example.com.',
    // The only POP3 server is plain text: never advertised, so both POP3 services are "not offered".
    '_pop3s._tcp.shop.example. SRV 0 0 0 .',
    '_pop3._tcp.shop.example. SRV 0 0 0 .',
    '_submissions._tcp.shop.example. SRV 0 1 465 smtp.example.com.',
    '_submission._tcp.shop.example. SRV 10 1 587 smtp.example.com.',
    '_caldavs._tcp.shop.example. SRV 0 1 443 dav.example.com.',
    '_caldavs._tcp.shop.example. TXT "path=/caldav/"',
    // The address book's path names the user, so no TXT path; the SRV still points at the host.
    '_carddavs._tcp.shop.example. SRV 0 1 443 dav.example.com.',
  ])
  t.ok(records.every((record) => record.ttl === 3600), 'every record has the default TTL')
})

t.test('a minimal provider: STARTTLS-less servers on default ports, services not offered', async (t) => {
  const records = dnsRecords(await provider('minimal'), 'minimal.test', new URL('http://10.0.0.5:8080/'))
  t.same(records.map(brief), [
    // A CNAME or SRV target must be a host name: a service known by its address gets A records.
    'autoconfig.minimal.test. A 10.0.0.5',
    'autodiscover.minimal.test. A 10.0.0.5',
    '_imaps._tcp.minimal.test. SRV 0 1 993 mail.minimal.test.',
    '_imap._tcp.minimal.test. SRV 0 0 0 .',
    '_pop3s._tcp.minimal.test. SRV 0 0 0 .',
    '_pop3._tcp.minimal.test. SRV 0 0 0 .',
    '_submissions._tcp.minimal.test. SRV 0 1 465 mail.minimal.test.',
    '_submission._tcp.minimal.test. SRV 0 0 0 .',
  ])
})

t.test('the service on a port of its own, or on an IPv6 address', async (t) => {
  const minimal = await provider('minimal')
  t.same(dnsRecords(minimal, 'minimal.test', new URL('https://ac.example:8443')).slice(0, 3).map(brief), [
    'autoconfig.minimal.test. CNAME ac.example.',
    'autodiscover.minimal.test. CNAME ac.example.',
    '_autodiscover._tcp.minimal.test. SRV 0 0 8443 ac.example.',
  ])
  t.same(dnsRecords(minimal, 'minimal.test', new URL('https://[2001:db8::5]')).slice(0, 2).map(brief), [
    'autoconfig.minimal.test. AAAA 2001:db8::5',
    'autodiscover.minimal.test. AAAA 2001:db8::5',
  ])
})

t.test('hosts are published for the domain; a host naming the user is left out', async (t) => {
  const base = await provider('minimal')
  const hosted: Provider = {
    ...base,
    incoming: [
      { ...base.incoming[0]!, host: 'imap.%EMAILDOMAIN%' },
      { ...base.incoming[0]!, host: '%EMAILLOCALPART%.imap.example', security: 'starttls', port: 143 },
    ],
  }
  const names = dnsRecords(hosted, 'customer.example', SERVICE).filter((r) => r.name.startsWith('_imap'))
  t.same(names.map(brief), [
    '_imaps._tcp.customer.example. SRV 0 1 993 imap.customer.example.',
    '_imap._tcp.customer.example. SRV 0 0 0 .',
  ])
})

t.test('zone text: one line per record, parseable back to the same records', async (t) => {
  const records = dnsRecords(await provider('example.com'), 'shop.example', SERVICE)
  const text = zoneText(records, { domain: 'shop.example', providerName: 'Example', serviceUrl: SERVICE })
  const lines = text.split('\n').filter((line) => line !== '' && !line.startsWith(';'))
  t.equal(lines.length, records.length)
  lines.forEach((line, i) => {
    const [name, ttl, klass, type, ...data] = line.split(/\s+/)
    const record = records[i]!
    t.same([name, Number(ttl), klass, type, data.join(' ')], [record.name, record.ttl, 'IN', record.type, recordData(record)], line)
  })
  t.match(text, /^; shop\.example: mail served by Example, client settings by https:\/\/autoconfig\.example\.net\n/)
  t.match(text, /\n; client discovery .*\nautoconfig\.shop\.example\./)
  t.match(text, /\n; RFC 6764 calendars and address books\n_caldavs\._tcp/)
  t.notMatch(text, /must also answer at the root/, 'a base URL without a path needs no warning')
  t.match(zoneText(records, { domain: 'shop.example', providerName: 'Example', serviceUrl: new URL('https://host.example/autoconfig') }),
    /; this service must also answer at the root of host\.example: the CNAMEs cannot carry \/autoconfig\n/)
})

t.test('TXT data is quoted with quotes and backslashes escaped (RFC 1035 §5.1)', async (t) => {
  t.equal(recordData({ name: 'x.', type: 'TXT', ttl: 1, text: 'path=/a"b\\c' }), '"path=/a\\"b\\\\c"')
})
