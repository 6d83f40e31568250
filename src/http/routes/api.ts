/**
 * The JSON API under /api/v1: the same settings the mail clients get, for sign-up pages, helpdesk tools, apps and
 * scripts. Read-only public data, so any origin may call it from a browser unless the admin narrows that (CORS).
 * Every answer has an ETag and Cache-Control; `If-None-Match` gets a 304. The contract is render/api-schema.ts.
 */
import cors from '@fastify/cors'
import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import * as z from 'zod'
import { normalizeDomain, parseEmailAddress, type EmailAddress } from '../../model/email-address.ts'
import { AppError } from '../../errors.ts'
import { checkAdvice, type RecordResolver } from '../../dns/check-records.ts'
import { apiDnsAdvice, apiLookup, apiMatch, apiProvider, providerRef } from '../../render/api.ts'
import { decodeCursor, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, MAX_QUERY_LENGTH, providerIndex } from '../api/provider-index.ts'
import { dnsAdviceSchema, domainSchema, lookupSchema, providerPageSchema, providerSchema, type ApiLookup } from '../../render/api-schema.ts'
import { hasProfile } from '../../render/mobileconfig.ts'
import type { Provider } from '../../model/provider.ts'
import { conditionalGet } from '../reply/conditional-get.ts'
import { jsonResponse, notModifiedResponse, problemResponses } from '../reply/responses.ts'
import { parsePublicBaseUrl, publicBaseUrl } from '../reply/public-base-url.ts'
import { unknownDomain } from '../reply/unknown-domain.ts'
import { AUTOCONFIG_PATHS, AUTODISCOVER_XML_PATH, MOBILECONFIG_PATH } from '../paths.ts'

/** Provider data changes with a reload; five minutes, then a cheap revalidation with the ETag. */
export const API_CACHE_CONTROL = 'public, max-age=300'

export interface ApiOptions {
  /** Origins allowed to read the API from a browser; `*` among them allows any. */
  corsOrigins: readonly string[]
  /** This server's public URL (see reply/public-base-url.ts); derived from each request when unset. */
  publicBaseUrl?: string | undefined
  /** How `GET /domains/{domain}/dns?check=true` asks DNS (dns/resolver.ts). */
  resolver: RecordResolver
}

const emailQuery = z.object({
  email: z.string({ error: (issue) => issue.input === undefined ? 'is required, e.g. ?email=alice@example.com' : 'must be given once' })
    .meta({ description: 'The address to look up; the domain may be upper-case or internationalised', examples: ['alice@gmail.com'] }),
})

const listQuery = z.object({
  domain: z.string({ error: 'must be given once' }).optional()
    .describe('Only the provider serving this domain (exact or wildcard match); an unknown domain gives an empty list'),
  q: z.string({ error: 'must be given once' }).max(MAX_QUERY_LENGTH).optional()
    .describe('Case-insensitive text that occurs in the id, a name or a domain (A-label or Unicode)'),
  limit: z.coerce.number({ error: `must be a whole number from 1 to ${MAX_PAGE_SIZE}` }).int().min(1).max(MAX_PAGE_SIZE).default(DEFAULT_PAGE_SIZE)
    .describe('Providers per page'),
  cursor: z.string({ error: 'must be given once' }).optional()
    .describe('`nextCursor` of the previous page'),
})

const dnsQuery = z.object({
  check: z.enum(['true', 'false'], { error: 'must be true or false, given once' }).optional()
    .describe('`true`: also look each record up through this server\'s resolvers (DNS_SERVERS) and report what was found'),
})

/**
 * This server's autoconfig, autodiscover and Apple profile URLs for an address, as a lookup links them; the profile
 * only when one can be made for the provider (render/mobileconfig.ts).
 */
export function lookupLinks (base: string, address: EmailAddress, provider: Provider): ApiLookup['links'] {
  const query = `?emailaddress=${encodeURIComponent(address.address)}`
  return {
    autoconfig: `${base}${AUTOCONFIG_PATHS[0]}${query}`,
    autodiscover: `${base}${AUTODISCOVER_XML_PATH}`,
    ...(hasProfile(provider) ? { mobileconfig: `${base}${MOBILECONFIG_PATH}${query}` } : {}),
  }
}

function requireDomain (value: string, parameter: string): string {
  const domain = normalizeDomain(value)
  if (domain === undefined) throw new AppError('INVALID_DOMAIN', `${parameter} must be a domain such as example.com`, { parameter })
  return domain
}

export async function apiRoutes (app: FastifyInstance, options: ApiOptions): Promise<void> {
  const anyOrigin = options.corsOrigins.includes('*')
  await app.register(cors, {
    origin: anyOrigin ? '*' : [...options.corsOrigins],
    methods: ['GET', 'HEAD'],
    exposedHeaders: ['ETag'],
    // Browsers cache the preflight for this long (Chromium caps it at 2 hours).
    maxAge: 7200,
    // A bare OPTIONS is answered like a preflight instead of with a non-problem 400.
    strictPreflight: false,
  })
  app.addHook('onSend', conditionalGet)

  const configuredBaseUrl = options.publicBaseUrl === undefined ? undefined : parsePublicBaseUrl(options.publicBaseUrl)

  const typed = app.withTypeProvider<ZodTypeProvider>()

  typed.get('/lookup', {
    schema: {
      tags: ['api'],
      summary: 'Settings for an e-mail address',
      description: 'The provider serving the address\'s domain, its servers in order of preference with the login name filled in, and the links to this server\'s autoconfig and autodiscover for the address.',
      querystring: emailQuery,
      response: {
        200: jsonResponse(lookupSchema, 'The settings for this address'),
        304: notModifiedResponse,
        ...problemResponses('INVALID_EMAIL_ADDRESS', 'INVALID_PARAMETER', 'UNKNOWN_DOMAIN'),
      },
    },
  }, async (request, reply) => {
    const address = parseEmailAddress(request.query.email)
    if (address === undefined) throw new AppError('INVALID_EMAIL_ADDRESS', 'email must be an address such as alice@example.com', { parameter: 'email' })
    const match = await app.providers.lookup(address.domain, request.log)
    if (match === undefined) throw unknownDomain(reply, address.domain)
    const base = publicBaseUrl(configuredBaseUrl, request, reply)
    reply.header('cache-control', API_CACHE_CONTROL)
    return apiLookup(match.provider, { address, match, links: lookupLinks(base, address, match.provider) })
  })

  typed.get('/providers', {
    schema: {
      tags: ['api'],
      summary: 'List providers',
      description: 'Sorted by id, a page at a time: follow `nextCursor` until it is absent.',
      querystring: listQuery,
      response: {
        200: jsonResponse(providerPageSchema, 'One page of providers'),
        304: notModifiedResponse,
        ...problemResponses('INVALID_DOMAIN', 'INVALID_CURSOR', 'INVALID_PARAMETER'),
      },
    },
  }, async (request, reply) => {
    const { domain, q, limit, cursor } = request.query
    let after: string | undefined
    if (cursor !== undefined) {
      after = decodeCursor(cursor)
      if (after === undefined) throw new AppError('INVALID_CURSOR', 'cursor is not a nextCursor from this API; start again without it', { parameter: 'cursor' })
    }
    let providerId: string | null | undefined
    if (domain !== undefined) providerId = (await app.providers.lookup(requireDomain(domain, 'domain'), request.log))?.provider.id ?? null
    const catalog = app.providers.catalog
    reply.header('cache-control', API_CACHE_CONTROL)
    return providerIndex(catalog).page({ providerId, q, after, limit })
  })

  typed.get('/providers/:id', {
    schema: {
      tags: ['api'],
      summary: 'One provider, as its file describes it',
      description: 'Every default applied and placeholders such as `%EMAILADDRESS%` intact.',
      params: z.object({ id: z.string().meta({ description: 'Provider id', examples: ['gmail'] }) }),
      response: {
        200: jsonResponse(providerSchema, 'The provider'),
        304: notModifiedResponse,
        ...problemResponses('UNKNOWN_PROVIDER'),
      },
    },
  }, async (request, reply) => {
    const id = request.params.id.toLowerCase()
    const provider = app.providers.catalog.providers.get(id)
    if (provider === undefined) throw new AppError('UNKNOWN_PROVIDER', `There is no provider ${JSON.stringify(id)}`, { parameter: 'id' })
    reply.header('cache-control', API_CACHE_CONTROL)
    return apiProvider(provider)
  })

  typed.get('/domains/:domain', {
    schema: {
      tags: ['api'],
      summary: 'Which provider serves a domain',
      params: z.object({ domain: z.string().meta({ description: 'A mail domain; upper-case and internationalised names are normalised', examples: ['gmail.com'] }) }),
      response: {
        200: jsonResponse(domainSchema, 'The provider and how the domain matched'),
        304: notModifiedResponse,
        ...problemResponses('INVALID_DOMAIN', 'UNKNOWN_DOMAIN'),
      },
    },
  }, async (request, reply) => {
    const domain = requireDomain(request.params.domain, 'domain')
    const match = await app.providers.lookup(domain, request.log)
    if (match === undefined) throw unknownDomain(reply, domain)
    reply.header('cache-control', API_CACHE_CONTROL)
    return { domain, match: apiMatch(match), provider: providerRef(match.provider) }
  })

  typed.get('/domains/:domain/dns', {
    schema: {
      tags: ['api'],
      summary: 'DNS records for a domain',
      description: 'The zone records the domain\'s owner publishes so that mail clients find this service (`autoconfig.`, `autodiscover.`, `_autodiscover._tcp`) and the provider\'s servers (RFC 6186 / RFC 8314 SRV, RFC 6764 for CalDAV and CardDAV), as data and as zone-file text. With `check=true` each record is looked up and reported; such an answer is never cached.',
      params: z.object({ domain: z.string().meta({ description: 'A mail domain; upper-case and internationalised names are normalised', examples: ['example.com'] }) }),
      querystring: dnsQuery,
      response: {
        200: jsonResponse(dnsAdviceSchema, 'The records, and with `check=true` what DNS has'),
        304: notModifiedResponse,
        ...problemResponses('INVALID_DOMAIN', 'INVALID_PARAMETER', 'UNKNOWN_DOMAIN'),
      },
    },
  }, async (request, reply) => {
    const domain = requireDomain(request.params.domain, 'domain')
    const match = await app.providers.lookup(domain, request.log)
    if (match === undefined) throw unknownDomain(reply, domain)
    const advice = apiDnsAdvice(match, domain, new URL(publicBaseUrl(configuredBaseUrl, request, reply)))
    if (request.query.check !== 'true') {
      reply.header('cache-control', API_CACHE_CONTROL)
      return advice
    }
    // What DNS says now: a second look after a fix must ask again.
    reply.header('cache-control', 'no-store')
    return checkAdvice(advice, options.resolver)
  })
}
