import { Resolver } from 'node:dns/promises'
import t from 'tap'
import { checkRecords } from '../../src/dns/check-records.ts'
import type { DnsRecord } from '../../src/render/dns-zone.ts'
import { startDnsServer } from './support.ts'

const TTL = 3600
const expected: DnsRecord[] = [
  { name: 'autoconfig.shop.example.', type: 'CNAME', ttl: TTL, target: 'ac.example.net.' },
  { name: 'autodiscover.shop.example.', type: 'CNAME', ttl: TTL, target: 'ac.example.net.' },
  { name: '_imaps._tcp.shop.example.', type: 'SRV', ttl: TTL, priority: 0, weight: 1, port: 993, target: 'imap.example.com.' },
  { name: '_imap._tcp.shop.example.', type: 'SRV', ttl: TTL, priority: 0, weight: 0, port: 0, target: '.' },
  { name: '_submissions._tcp.shop.example.', type: 'SRV', ttl: TTL, priority: 0, weight: 1, port: 465, target: 'smtp.example.com.' },
  { name: '_caldavs._tcp.shop.example.', type: 'TXT', ttl: TTL, text: 'path=/caldav/' },
  { name: 'broken.shop.example.', type: 'A', ttl: TTL, address: '192.0.2.1' },
]

function resolverFor (address: string, timeout = 500): Resolver {
  const resolver = new Resolver({ timeout, tries: 1 })
  resolver.setServers([address])
  return resolver
}

t.test('each record is ok, missing, different (with what was found) or an error', async (t) => {
  const dns = await startDnsServer(t, {
    'autoconfig.shop.example': { records: [{ type: 'CNAME', target: 'AC.Example.NET' }] },
    'autodiscover.shop.example': { records: [{ type: 'CNAME', target: 'old-host.example.net' }] },
    '_imaps._tcp.shop.example': { records: [{ type: 'SRV', priority: 0, weight: 1, port: 993, target: 'imap.example.com' }] },
    '_imap._tcp.shop.example': { records: [{ type: 'SRV', priority: 0, weight: 0, port: 0, target: '.' }] },
    '_submissions._tcp.shop.example': { rcode: 'NOERROR' },
    '_caldavs._tcp.shop.example': { records: [{ type: 'TXT', text: 'path=/dav/' }] },
    'broken.shop.example': { rcode: 'SERVFAIL' },
  })
  const checked = await checkRecords(expected, resolverFor(dns.address))
  t.same(checked.map((record) => [record.name, record.check]), [
    ['autoconfig.shop.example.', { status: 'ok' }],
    ['autodiscover.shop.example.', { status: 'different', found: ['old-host.example.net.'] }],
    ['_imaps._tcp.shop.example.', { status: 'ok' }],
    ['_imap._tcp.shop.example.', { status: 'ok' }],
    ['_submissions._tcp.shop.example.', { status: 'missing' }],
    ['_caldavs._tcp.shop.example.', { status: 'different', found: ['"path=/dav/"'] }],
    ['broken.shop.example.', { status: 'error', reason: 'ESERVFAIL' }],
  ])
  t.same(checked[0], { ...expected[0], check: { status: 'ok' } }, 'the record itself is kept beside its check')
})

t.test('a name is asked once for all the records that share it', async (t) => {
  const dns = await startDnsServer(t, {
    '_imaps._tcp.shop.example': { records: [{ type: 'SRV', priority: 10, weight: 1, port: 993, target: 'imap2.example.com' }] },
  })
  const two: DnsRecord[] = [
    { name: '_imaps._tcp.shop.example.', type: 'SRV', ttl: TTL, priority: 0, weight: 1, port: 993, target: 'imap.example.com.' },
    { name: '_imaps._tcp.shop.example.', type: 'SRV', ttl: TTL, priority: 10, weight: 1, port: 993, target: 'imap2.example.com.' },
  ]
  const checked = await checkRecords(two, resolverFor(dns.address))
  t.same(checked.map((record) => record.check.status), ['different', 'ok'])
  t.equal(dns.queries.get('SRV _imaps._tcp.shop.example'), 1)
})

t.test('a server that never answers gives errors within the timeout, not a hang', async (t) => {
  const dns = await startDnsServer(t, { 'autoconfig.shop.example': { silent: true } })
  const started = Date.now()
  const [checked] = await checkRecords(expected.slice(0, 1), resolverFor(dns.address, 200))
  t.same(checked!.check, { status: 'error', reason: 'ETIMEOUT' })
  t.ok(Date.now() - started < 2000, 'bounded by the resolver timeout')
})
