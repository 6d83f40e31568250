/**
 * A real DNS server on 127.0.0.1 (dns2, over UDP), started by the test that needs it and closed when it ends. Each
 * domain of its zone answers as the test says: MX records with a TTL, NXDOMAIN, SERVFAIL, no MX (an empty NOERROR
 * answer), or never; optionally after a delay. It counts the MX queries it receives per domain.
 */
import dns2 from 'dns2'

const { Packet } = dns2
/** Response codes (RFC 1035 §4.1.1); dns2 has them at run time but not in its types. */
const RCODE = { NOERROR: 0, SERVFAIL: 2, NXDOMAIN: 3 } as const

export type ZoneEntry =
  | { mx: Array<{ exchange: string, priority: number }>, ttl?: number, delayMs?: number }
  | { rcode: 'NXDOMAIN' | 'SERVFAIL' | 'NOERROR', delayMs?: number }
  | { silent: true }

export interface TestDnsServer {
  /** `127.0.0.1:<port>`, as DNS_SERVERS and `Resolver.setServers` take it. */
  address: string
  zone: Map<string, ZoneEntry>
  /** MX queries received, by domain (lower-case). */
  queries: Map<string, number>
  close (): Promise<void>
}

interface Teardown { teardown (fn: () => unknown): void }

/** Starts a server answering from `zone` (domains not in it are NXDOMAIN). */
export async function startDnsServer (t: Teardown, zone: Record<string, ZoneEntry> = {}): Promise<TestDnsServer> {
  const entries = new Map(Object.entries(zone))
  const queries = new Map<string, number>()
  const server = dns2.createServer({
    udp: true,
    handle: (request, send) => {
      const response = Packet.createResponseFromRequest(request)
      const question = request.questions[0]
      if (question === undefined) return
      const name = question.name.toLowerCase()
      if (question.type === Packet.TYPE.MX) queries.set(name, (queries.get(name) ?? 0) + 1)
      const entry = entries.get(name) ?? { rcode: 'NXDOMAIN' as const }
      if ('silent' in entry) return
      const answer = () => {
        if ('rcode' in entry) {
          response.header.rcode = RCODE[entry.rcode]
        } else if (question.type === Packet.TYPE.MX) {
          for (const { exchange, priority } of entry.mx) {
            response.answers.push({ name: question.name, type: Packet.TYPE.MX, class: Packet.CLASS.IN, ttl: entry.ttl ?? 300, exchange, priority } as never)
          }
        }
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
