/**
 * A real DNS server on 127.0.0.1 (dns2, over UDP), started by the test that needs it and closed when it ends. Each
 * name of its zone answers as the test says: records (MX, CNAME, SRV, TXT, A, AAAA) with a TTL, NXDOMAIN,
 * SERVFAIL, an empty NOERROR answer, or never; optionally after a delay. It counts the queries it receives per
 * name and type (`MX example.com`).
 */
import dns2 from 'dns2'

const { Packet } = dns2
/** RFC 1035 §4.1.1 response codes (dns2's types do not list them). */
const RCODE = { NOERROR: 0, SERVFAIL: 2, NXDOMAIN: 3 } as const

export type ZoneRecord =
  | { type: 'CNAME', target: string }
  | { type: 'SRV', priority: number, weight: number, port: number, target: string }
  | { type: 'TXT', text: string }
  | { type: 'A' | 'AAAA', address: string }

export type ZoneEntry =
  | { mx?: Array<{ exchange: string, priority: number }>, records?: ZoneRecord[], ttl?: number, delayMs?: number }
  | { rcode: 'NXDOMAIN' | 'SERVFAIL' | 'NOERROR', delayMs?: number }
  | { silent: true }

const NOT_OFFERED: ZoneRecord = { type: 'SRV', priority: 0, weight: 0, port: 0, target: '.' }

/**
 * Every record `dns minimal.test` advises with the service at https://ac.example.net, as a correct zone publishes
 * them (the valid fixtures' minimal.yaml: IMAP and submission over implicit TLS only).
 */
export function minimalTestZone (): Record<string, ZoneEntry> {
  return {
    'autoconfig.minimal.test': { records: [{ type: 'CNAME', target: 'ac.example.net' }] },
    'autodiscover.minimal.test': { records: [{ type: 'CNAME', target: 'ac.example.net' }] },
    '_autodiscover._tcp.minimal.test': { records: [{ type: 'SRV', priority: 0, weight: 0, port: 443, target: 'ac.example.net' }] },
    '_imaps._tcp.minimal.test': { records: [{ type: 'SRV', priority: 0, weight: 1, port: 993, target: 'mail.minimal.test' }] },
    '_imap._tcp.minimal.test': { records: [NOT_OFFERED] },
    '_pop3s._tcp.minimal.test': { records: [NOT_OFFERED] },
    '_pop3._tcp.minimal.test': { records: [NOT_OFFERED] },
    '_submissions._tcp.minimal.test': { records: [{ type: 'SRV', priority: 0, weight: 1, port: 465, target: 'mail.minimal.test' }] },
    '_submission._tcp.minimal.test': { records: [NOT_OFFERED] },
  }
}

export interface TestDnsServer {
  /** `127.0.0.1:<port>`, as DNS_SERVERS and `Resolver.setServers` take it. */
  address: string
  zone: Map<string, ZoneEntry>
  /** Queries received, by `<type> <name>` (`MX example.com`, name in lower case). */
  queries: Map<string, number>
  close (): Promise<void>
}

interface Teardown { teardown (fn: () => unknown): void }

/** The answer records of `entry` for a question of `type` about `name`, in dns2's shapes. */
function answersFor (entry: Extract<ZoneEntry, { ttl?: number }>, name: string, type: number): object[] {
  const base = { name, class: Packet.CLASS.IN, ttl: entry.ttl ?? 300 }
  const answers: object[] = []
  if (type === Packet.TYPE.MX) for (const { exchange, priority } of entry.mx ?? []) answers.push({ ...base, type, exchange, priority })
  for (const record of entry.records ?? []) {
    if (Packet.TYPE[record.type] !== type) continue
    switch (record.type) {
      case 'CNAME': answers.push({ ...base, type, domain: record.target.replace(/\.$/, '') }); break
      case 'SRV': answers.push({ ...base, type, priority: record.priority, weight: record.weight, port: record.port, target: record.target.replace(/\.$/, '') }); break
      case 'TXT': answers.push({ ...base, type, data: record.text }); break
      case 'A': case 'AAAA': answers.push({ ...base, type, address: record.address }); break
    }
  }
  return answers
}

/** Starts a server answering from `zone` (names not in it are NXDOMAIN). */
export async function startDnsServer (t: Teardown, zone: Record<string, ZoneEntry> = {}): Promise<TestDnsServer> {
  const entries = new Map(Object.entries(zone).map(([name, entry]) => [name.toLowerCase().replace(/\.$/, ''), entry]))
  const queries = new Map<string, number>()
  const typeNames = new Map<number, string>(Object.entries(Packet.TYPE).map(([name, code]) => [code, name]))
  const server = dns2.createServer({
    udp: true,
    handle: (request, send) => {
      const response = Packet.createResponseFromRequest(request)
      const question = request.questions[0]
      if (question === undefined) return
      const name = question.name.toLowerCase()
      const key = `${typeNames.get(question.type) ?? question.type} ${name}`
      queries.set(key, (queries.get(key) ?? 0) + 1)
      const entry = entries.get(name) ?? { rcode: 'NXDOMAIN' as const }
      if ('silent' in entry) return
      const answer = () => {
        if ('rcode' in entry) response.header.rcode = RCODE[entry.rcode]
        else response.answers.push(...(answersFor(entry, question.name, question.type) as never[]))
        send(response).catch(() => {})
      }
      if (entry.delayMs === undefined) answer()
      else setTimeout(answer, entry.delayMs).unref()
    },
  })
  const addresses = await server.listen({ udp: { port: 0, address: '127.0.0.1' } })
  const closed = { done: false }
  const close = async () => {
    if (closed.done) return
    closed.done = true
    await server.close()
  }
  t.teardown(close)
  return { address: `127.0.0.1:${addresses.udp!.port}`, zone: entries, queries, close }
}
