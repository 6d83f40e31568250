/**
 * What the benchmark asks, per catalog: the requests real clients make, cycled over several domains so a lookup
 * is not always the same map entry. Targets are the ratios to bare Fastify this service promises (README,
 * "Performance").
 */
import { largeCatalogDomain, LARGE_PROVIDERS } from './large-catalog.ts'

export type CatalogKind = 'bundled' | 'large'

export interface Scenario {
  name: string
  method: 'GET' | 'POST'
  expectedStatus: number
  /** Least acceptable req/s as a share of bare Fastify's; undefined: reported only. */
  target?: number
  requests (catalog: CatalogKind): Array<{ path: string, headers?: Record<string, string>, body?: string }>
}

/** p99 latency every scenario must stay under, at the benchmark's 50 connections. */
export const P99_TARGET_MS = 15

const BUNDLED_DOMAINS = ['gmail.com', 'googlemail.com', 'mail.com']

/** Domains spread over the whole large catalog. */
const LARGE_DOMAINS = Array.from({ length: 100 }, (_, i) => largeCatalogDomain(Math.floor((i * LARGE_PROVIDERS) / 100) + (i % 7), i % 5))

function domains (catalog: CatalogKind): string[] {
  return catalog === 'bundled' ? BUNDLED_DOMAINS : LARGE_DOMAINS
}

/** What Outlook POSTs (outlook-autodiscover request schema, MS-OXDSCLI). */
function outlookRequest (address: string): string {
  return `<?xml version="1.0" encoding="utf-8"?>
<Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006">
  <Request>
    <EMailAddress>${address}</EMailAddress>
    <AcceptableResponseSchema>http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a</AcceptableResponseSchema>
  </Request>
</Autodiscover>
`
}

export const SCENARIOS: Scenario[] = [
  {
    name: 'autoconfig GET',
    method: 'GET',
    expectedStatus: 200,
    target: 0.65,
    requests: (catalog) => domains(catalog).map((domain, i) => ({ path: `/mail/config-v1.1.xml?emailaddress=user${i}%40${domain}`, headers: { host: `autoconfig.${domain}` } })),
  },
  {
    name: 'autoconfig 404',
    method: 'GET',
    expectedStatus: 404,
    requests: () => Array.from({ length: 20 }, (_, i) => ({ path: `/mail/config-v1.1.xml?emailaddress=user%40unknown${i}.example` })),
  },
  {
    name: 'autodiscover POST',
    method: 'POST',
    expectedStatus: 200,
    target: 0.35,
    requests: (catalog) => domains(catalog).map((domain, i) => ({
      path: '/autodiscover/autodiscover.xml',
      headers: { 'content-type': 'text/xml; charset=utf-8', host: `autodiscover.${domain}` },
      body: outlookRequest(`user${i}@${domain}`),
    })),
  },
  {
    name: 'API lookup',
    method: 'GET',
    expectedStatus: 200,
    target: 0.5,
    requests: (catalog) => domains(catalog).map((domain, i) => ({ path: `/api/v1/lookup?email=user${i}%40${domain}` })),
  },
]
