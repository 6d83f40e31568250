/**
 * `GET /tls/allowed?domain=<host name>` answers whether this service should have a certificate for a host name:
 * 200 for `autoconfig.<d>` and `autodiscover.<d>` when a provider serves `<d>`, 404 otherwise. It is the `ask`
 * endpoint of a reverse proxy that obtains certificates on demand (Caddy's on_demand_tls,
 * https://caddyserver.com/docs/caddyfile/options#on-demand-tls), so a hoster serving thousands of customer domains
 * needs no list of host names in the proxy, and nobody can make the proxy request certificates for names we do not
 * serve. The catalog is the one being served, so a domain added by a reload is allowed at once.
 */
import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import * as z from 'zod'
import { domainFromHost } from '../../model/email-address.ts'
import { PROBLEM_MEDIA_TYPE, problemSchema } from '../reply/responses.ts'
import { sendProblem } from '../error-handler.ts'
import { TLS_ASK_PATH } from '../paths.ts'

const DISCOVERY_HOST = /^(autoconfig|autodiscover)\./i

export async function tlsAskRoutes (app: FastifyInstance): Promise<void> {
  app.withTypeProvider<ZodTypeProvider>().get(TLS_ASK_PATH, {
    config: { operational: true, rateLimit: false },
    logLevel: 'warn',
    schema: {
      tags: ['operations'],
      summary: 'Whether a TLS certificate may be obtained for a host name (a reverse proxy\'s on-demand TLS check)',
      querystring: z.object({ domain: z.string().describe('The host name the proxy was asked for, e.g. autoconfig.example.com') }),
      response: {
        200: { description: 'Allowed: autoconfig.<d> or autodiscover.<d> of a served domain', content: { 'application/json': { schema: z.object({ allowed: z.literal(true), domain: z.string() }) } } },
        404: { description: '`UNKNOWN_DOMAIN`: not a discovery host name of a domain served here', content: { [PROBLEM_MEDIA_TYPE]: { schema: problemSchema } } },
      },
    },
  }, async (request, reply) => {
    const host = request.query.domain
    const domain = DISCOVERY_HOST.test(host.trim()) ? domainFromHost(host) : undefined
    const match = domain === undefined ? undefined : await app.providers.lookup(domain, request.log)
    if (domain === undefined || match === undefined) {
      return sendProblem(reply, 'UNKNOWN_DOMAIN', `${host} is not autoconfig.<domain> or autodiscover.<domain> of a domain served here`)
    }
    return { allowed: true as const, domain }
  })
}
