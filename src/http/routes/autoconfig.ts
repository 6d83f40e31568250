/**
 * Mozilla autoconfig routes. Thunderbird asks, in order (comm-central FetchConfig.sys.mjs):
 *   https://autoconfig.<domain>/mail/config-v1.1.xml?emailaddress=<addr>
 *   https://<domain>/.well-known/autoconfig/mail/config-v1.1.xml?emailaddress=<addr>
 *   <mailnews.auto_config_url>/<domain>             (the ISPDB form, served here as /v1.1/<domain>)
 * and takes the first 2xx answer, so a domain we do not serve must be a 404, never a 200.
 * Thunderbird for Android sends no address: the domain then comes from the Host header.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import * as z from 'zod'
import type { CachedAnswer, Catalog, DomainMatch } from '../../catalog/catalog.ts'
import { domainFromHost, normalizeDomain, parseEmailAddress } from '../../model/email-address.ts'
import { AppError } from '../../errors.ts'
import { renderAutoconfig } from '../../render/autoconfig.ts'
import { XML_CONTENT_TYPE } from '../../render/xml.ts'
import { etagOf, ifNoneMatchHits } from '../reply/etag.ts'
import { documentResponse, notModifiedResponse, problemResponses } from '../reply/responses.ts'
import { unknownDomain } from '../reply/unknown-domain.ts'
import { AUTOCONFIG_PATHS, ISPDB_PATH } from '../paths.ts'

/** Settings change rarely; an hour matches the ISPDB's own `ExpiresDefault "access plus 1 hour"`. */
export const AUTOCONFIG_CACHE_CONTROL = 'public, max-age=3600'

const autoconfigDocument = () => documentResponse('application/xml', 'The Mozilla clientConfig v1.1 document; placeholders such as %EMAILADDRESS% are left for the client to fill in')

const autoconfigQuery = z.object({
  emailaddress: z.string().optional().describe('The address being set up, e.g. alice@example.com. Without it the domain comes from the Host header (autoconfig.example.com serves example.com).'),
})

/**
 * The domain a request asks about: from `emailaddress` when given, else from the Host header; or which of the two
 * is unusable.
 */
function askedDomain (emailaddress: string | undefined, host: string | undefined): { domain: string } | { unusable: 'INVALID_EMAIL_ADDRESS' | 'MISSING_EMAIL_ADDRESS' } {
  if (emailaddress !== undefined && emailaddress.trim() !== '') {
    const address = parseEmailAddress(emailaddress)
    return address === undefined ? { unusable: 'INVALID_EMAIL_ADDRESS' } : { domain: address.domain }
  }
  const domain = domainFromHost(host)
  return domain === undefined ? { unusable: 'MISSING_EMAIL_ADDRESS' } : { domain }
}

/** `askedDomain`, or the client's error. */
export function autoconfigDomain (emailaddress: string | undefined, host: string | undefined): string {
  const asked = askedDomain(emailaddress, host)
  if ('domain' in asked) return asked.domain
  if (asked.unusable === 'INVALID_EMAIL_ADDRESS') {
    throw new AppError('INVALID_EMAIL_ADDRESS', 'emailaddress must be an address such as alice@example.com', { parameter: 'emailaddress' })
  }
  throw new AppError('MISSING_EMAIL_ADDRESS', 'Pass ?emailaddress=alice@example.com, or ask autoconfig.<domain> so the Host header names the domain', { parameter: 'emailaddress' })
}

/**
 * The document for a match, kept by the catalog: it keeps its placeholders (the client fills them in), so every
 * address of an exactly matched domain gets the same bytes; a wildcard match lists the asked-for domain.
 */
function autoconfigAnswer (catalog: Catalog, { provider, matchedBy, domain }: DomainMatch): CachedAnswer {
  const exact = matchedBy === 'exact'
  return catalog.answer(`autoconfig ${provider.id}${exact ? '' : ` ${domain}`}`, () => {
    const body = Buffer.from(renderAutoconfig(provider, exact ? {} : { domain }), 'utf8')
    return { body, etag: etagOf(body) }
  })
}

function sendDocument (request: FastifyRequest, reply: FastifyReply, catalog: Catalog, domain: string, match: DomainMatch | undefined): void {
  if (match === undefined) throw unknownDomain(reply, domain)
  const doc = autoconfigAnswer(catalog, match)
  reply.header('etag', doc.etag).header('cache-control', AUTOCONFIG_CACHE_CONTROL)
  if (ifNoneMatchHits(request.headers['if-none-match'], doc.etag)) reply.code(304).send()
  else reply.type(XML_CONTENT_TYPE).send(doc.body)
}

/** Looks the domain up in the catalog being served and sends its document. */
async function serveAutoconfig (app: FastifyInstance, request: FastifyRequest, reply: FastifyReply, domain: string): Promise<void> {
  // The catalog the lookup starts with (lookup.ts), so its answer is kept with the providers it came from.
  const catalog = app.providers.catalog
  sendDocument(request, reply, catalog, domain, await app.providers.lookup(domain, request.log))
}

export async function autoconfigRoutes (app: FastifyInstance): Promise<void> {
  const typed = app.withTypeProvider<ZodTypeProvider>()
  for (const url of AUTOCONFIG_PATHS) {
    typed.get(url, {
      schema: {
        querystring: autoconfigQuery,
        tags: ['autoconfig'],
        summary: 'Mozilla autoconfig (config-v1.1) for an address',
        response: {
          200: autoconfigDocument(),
          304: notModifiedResponse,
          ...problemResponses('INVALID_EMAIL_ADDRESS', 'MISSING_EMAIL_ADDRESS', 'INVALID_PARAMETER', 'UNKNOWN_DOMAIN'),
        },
      },
    }, (request, reply) => serveAutoconfig(app, request, reply, autoconfigDomain(request.query.emailaddress, request.host)))
  }

  typed.get(ISPDB_PATH, {
    schema: {
      params: z.object({ domain: z.string().describe('The mail domain, e.g. gmail.com') }),
      tags: ['autoconfig'],
      summary: 'ISPDB-compatible config for a domain (point mailnews.auto_config_url here)',
      response: {
        200: autoconfigDocument(),
        304: notModifiedResponse,
        ...problemResponses('INVALID_DOMAIN', 'UNKNOWN_DOMAIN'),
      },
    },
  }, (request, reply) => {
    const domain = normalizeDomain(request.params.domain)
    if (domain === undefined) throw new AppError('INVALID_DOMAIN', 'The path must end in a domain such as example.com', { parameter: 'domain' })
    return serveAutoconfig(app, request, reply, domain)
  })
}
