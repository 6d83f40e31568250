/**
 * The DNS zone of the benchmark's MX case (mx-case.ts): a dns2 server on 127.0.0.1, in the benchmark's own process,
 * answering MX queries for generated customer domains. `shop<i>.mx.bench` has Google Workspace's MX hosts (found by
 * the bundled Gmail file's `mx` patterns); `nomatch<i>.mx.bench` has MX hosts no provider knows; every other name is
 * NXDOMAIN. It counts the queries it answers, so the case can show that cached domains cause none.
 */
import dns2 from 'dns2'

const { Packet } = dns2
/** Response codes (RFC 1035 §4.1.1); dns2 has them at run time but not in its types. */
const NXDOMAIN = 3
/** The records' TTL: longer than any run, so a domain asked once stays cached for the rest of the case. */
const TTL_SECONDS = 3600

export const ZONE_SUFFIX = 'mx.bench'
export const hostedDomain = (i: number) => `shop${i}.${ZONE_SUFFIX}`
export const unmatchedDomain = (i: number) => `nomatch${i}.${ZONE_SUFFIX}`

const HOSTED_MX = [{ exchange: 'aspmx.l.google.com', priority: 1 }, { exchange: 'alt1.aspmx.l.google.com', priority: 5 }]
const UNMATCHED_MX = [{ exchange: 'mx.unknown-hoster.example', priority: 10 }]

/** The MX records of a name in this zone, or undefined for NXDOMAIN. */
export function zoneRecords (name: string): ReadonlyArray<{ exchange: string, priority: number }> | undefined {
  const lower = name.toLowerCase()
  if (/^shop\d+\.mx\.bench$/.test(lower)) return HOSTED_MX
  if (/^nomatch\d+\.mx\.bench$/.test(lower)) return UNMATCHED_MX
  return undefined
}

export interface BenchZone {
  /** `127.0.0.1:<port>`, as DNS_SERVERS takes it. */
  readonly address: string
  /** Queries answered so far. */
  readonly queries: number
  close (): Promise<void>
}

export async function startBenchZone (): Promise<BenchZone> {
  let queries = 0
  const server = dns2.createServer({
    udp: true,
    handle: (request, send) => {
      queries++
      const response = Packet.createResponseFromRequest(request)
      const question = request.questions[0]
      const records = question === undefined ? undefined : zoneRecords(question.name)
      if (records === undefined) response.header.rcode = NXDOMAIN
      else if (question!.type === Packet.TYPE.MX) {
        for (const { exchange, priority } of records) {
          response.answers.push({ name: question!.name, type: Packet.TYPE.MX, class: Packet.CLASS.IN, ttl: TTL_SECONDS, exchange, priority } as never)
        }
      }
      send(response).catch(() => {})
    },
  })
  const addresses = await server.listen({ udp: { port: 0, address: '127.0.0.1' } })
  return {
    address: `127.0.0.1:${addresses.udp!.port}`,
    get queries () { return queries },
    close: () => server.close(),
  }
}
