/**
 * A small DNS server for trying MX lookups locally (README "Custom domains by MX"): it answers MX queries for a
 * few example customer domains on 127.0.0.1 and NXDOMAIN for every other name. Start it, then the server with
 * DNS_SERVERS=127.0.0.1:<port>.
 *
 *   npx tsx scripts/mx-dns-server.ts [port]      (default 5300)
 */
import dns2 from 'dns2'

const { Packet } = dns2
/** Response codes (RFC 1035 §4.1.1); dns2 has them at run time but not in its types. */
const RCODE = { NOERROR: 0, SERVFAIL: 2, NXDOMAIN: 3 } as const

/** Customer domains and the MX records a real zone for them would publish. */
const ZONE: Record<string, Array<{ exchange: string, priority: number }>> = {
  'smallshop.example': [{ exchange: 'aspmx.l.google.com', priority: 1 }, { exchange: 'alt1.aspmx.l.google.com', priority: 5 }],
  'contoso.example': [{ exchange: 'contoso-example.mail.protection.outlook.com', priority: 0 }],
  'family.example': [{ exchange: 'mx01.mail.icloud.com', priority: 10 }, { exchange: 'mx02.mail.icloud.com', priority: 10 }],
  'gmxfan.example': [{ exchange: 'mx00.gmx.net', priority: 10 }],
}

const port = Number(process.argv[2] ?? 5300)
const server = dns2.createServer({
  udp: true,
  handle: (request, send) => {
    const response = Packet.createResponseFromRequest(request)
    const question = request.questions[0]
    const records = question === undefined ? undefined : ZONE[question.name.toLowerCase()]
    if (records === undefined) response.header.rcode = RCODE.NXDOMAIN
    else if (question!.type === Packet.TYPE.MX) {
      for (const { exchange, priority } of records) {
        response.answers.push({ name: question!.name, type: Packet.TYPE.MX, class: Packet.CLASS.IN, ttl: 300, exchange, priority } as never)
      }
    }
    send(response).catch(() => {})
  },
})
await server.listen({ udp: { port, address: '127.0.0.1' } })
process.stdout.write(`MX answers for ${Object.keys(ZONE).join(', ')} on 127.0.0.1:${port} (udp); stop with Ctrl-C\n`)
