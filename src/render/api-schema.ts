/**
 * The JSON API's contract: request and response schemas in zod. They validate requests, serialize responses (see
 * http/reply/serializer.ts) and generate openapi.yaml, so the three cannot disagree. Schemas with an `id` become named
 * components of the OpenAPI document.
 *
 * These describe what the API sends, not what an author writes: every default is applied (ports, security,
 * auth, username) and only our own vocabulary appears (`tls`, `starttls`, `password-cleartext`, …), the same
 * words as in provider files (providers/README.md).
 */
import * as z from 'zod'
import { MATCH_KINDS } from '../catalog/catalog.ts'
import { AUTH_METHODS, INCOMING_TYPES, OUTGOING_TYPES, SECURITIES } from '../model/provider.ts'

const url = z.string().describe('An absolute http(s) URL')

export const localizedTextSchema = z.object({
  text: z.string(),
  lang: z.string().optional().describe('ISO 639 language code (`en`, `pt-BR`); absent when unknown'),
}).meta({ id: 'LocalizedText', description: 'Text in one language' })

const security = z.enum(SECURITIES)
  .describe('`tls`: implicit TLS from the first byte (RFC 8314); `starttls`: plain connection upgraded with STARTTLS before login; `plain`: no encryption')
const auth = z.array(z.enum(AUTH_METHODS))
  .describe('Authentication methods in order of preference; use the first one the client supports')
const port = z.int().min(1).max(65535).meta({ examples: [993] })

const pop3Options = z.object({
  leaveMessagesOnServer: z.boolean().optional(),
  downloadOnBiff: z.boolean().optional(),
  daysToLeaveMessagesOnServer: z.int().min(0).optional(),
  checkIntervalMinutes: z.int().min(1).optional().describe('Minimum minutes between checks'),
}).meta({ id: 'Pop3Options', description: 'How a client should treat a POP3 mailbox' })

export const incomingServerSchema = z.object({
  type: z.enum(INCOMING_TYPES),
  host: z.string().meta({ description: 'Hostname. In a provider document it may contain placeholders such as `mail.%EMAILDOMAIN%`; a lookup fills them in', examples: ['imap.gmail.com'] }),
  port,
  security,
  auth,
  username: z.string().meta({ description: 'Login name. In a provider document a template such as `%EMAILADDRESS%`; a lookup fills it in for the address (`%REALNAME%` stays literal)', examples: ['alice@gmail.com'] }),
  pop3: pop3Options.optional().describe('Only on `type: pop3`'),
}).meta({ id: 'IncomingServer', description: 'An IMAP or POP3 server' })

export const outgoingServerSchema = z.object({
  type: z.enum(OUTGOING_TYPES),
  host: incomingServerSchema.shape.host,
  port,
  security,
  auth,
  username: incomingServerSchema.shape.username,
  restriction: z.literal('client-ip-address').optional().describe('This server only accepts mail from the provider\'s own network'),
}).meta({ id: 'OutgoingServer', description: 'An SMTP submission server' })

const fieldLocator = z.object({ id: z.string().optional(), name: z.string().optional() })

const davService = z.object({
  url: url.describe('Collection or service URL; in a provider document it may contain placeholders'),
  username: incomingServerSchema.shape.username,
  auth: z.array(z.enum(['http-basic', 'http-digest', 'oauth2'])),
}).meta({ id: 'DavService', description: 'A CardDAV address book or CalDAV calendar' })

/** Everything about a provider that is not per-domain or per-server: shared by provider documents and lookups. */
const providerExtras = {
  documentation: z.array(z.object({
    url,
    descriptions: z.array(localizedTextSchema),
  })).describe('Help pages about these settings'),
  enable: z.object({
    url: url.optional().describe('Where the user turns access on'),
    instructions: z.array(localizedTextSchema),
  }).optional().describe('A step the user must take before clients may connect, such as enabling IMAP'),
  webmail: z.object({
    loginPage: url.optional().describe('The login page; in a provider document it may contain placeholders such as `%EMAILDOMAIN%`'),
    loginPageInfo: z.object({
      url: url.describe('The page to fill in; in a provider document it may contain placeholders'),
      waitForRedirectionUrlPrefix: url.optional().describe('The login first redirects to a central sign-in page; wait until the URL starts with this'),
      username: z.string().optional().describe('What to type as the user name; a template in a provider document'),
      usernameField: fieldLocator.optional(),
      passwordField: fieldLocator.optional(),
      loginButton: fieldLocator.optional(),
    }).optional(),
  }).optional().describe('The webmail login page'),
  oauth2: z.object({
    issuer: z.string(),
    scope: z.string().describe('Space-separated scopes to request'),
    authUrl: url,
    tokenUrl: url,
  }).optional().describe('OAuth2 endpoints, for servers that accept `oauth2`'),
  addressBook: davService.optional().describe('CardDAV'),
  calendar: davService.optional().describe('CalDAV'),
}

export const providerSchema = z.object({
  id: z.string().meta({ description: 'Permanent identifier (the provider file name)', examples: ['gmail'] }),
  name: z.string().meta({ examples: ['Google Mail'] }),
  domains: z.array(z.string()).meta({ description: 'Domains served: exact (`example.com`) or wildcard (`*.example.com`), as A-labels', examples: [['gmail.com', 'googlemail.com']] }),
  mx: z.array(z.string()).optional().meta({ description: 'MX hosts of the provider\'s hosted domains, exact or `*.suffix`: any domain whose MX names one is served by this provider', examples: [['aspmx.l.google.com', '*.aspmx.l.google.com']] }),
  incoming: z.array(incomingServerSchema).describe('In order of preference'),
  outgoing: z.array(outgoingServerSchema).describe('In order of preference'),
  shortName: z.string().optional().meta({ examples: ['GMail'] }),
  ...providerExtras,
  autodiscover: z.object({
    redirectUrl: url.optional().describe('Outlook is sent to this autodiscover server instead'),
    redirectAddr: z.string().optional().describe('Outlook restarts autodiscover with this address'),
  }).optional().describe('How this server answers Outlook autodiscover for this provider'),
}).meta({ id: 'Provider', description: 'A provider as its file describes it, with defaults applied and placeholders intact (the linter\'s `acceptedWarnings` are left out)' })

export const providerSummarySchema = z.object({
  id: providerSchema.shape.id,
  name: providerSchema.shape.name,
  domains: providerSchema.shape.domains,
  shortName: providerSchema.shape.shortName,
}).meta({ id: 'ProviderSummary', description: 'A provider in a list' })

export const providerPageSchema = z.object({
  items: z.array(providerSummarySchema).describe('Sorted by id'),
  nextCursor: z.string().optional().meta({ description: 'Pass as `cursor` to get the next page; absent on the last page', examples: ['Z21haWw'] }),
}).meta({ id: 'ProviderPage', description: 'One page of providers' })

export const matchSchema = z.object({
  by: z.enum(MATCH_KINDS).describe('`exact`: the domain is listed by the provider; `wildcard`: a `*.parent` entry covers it; `mx`: the domain\'s MX host (`mxHost`) is one of the provider\'s `mx` entries, or lies under one of its domains. More kinds may be added: treat an unknown value as a match'),
  pattern: z.string().meta({ description: 'The provider\'s entry that matched: a `domains` entry, or for `mx` the `mx` entry (`*.mail.protection.outlook.com`) or the `domains` entry the MX host lies under', examples: ['gmail.com'] }),
  mxHost: z.string().optional().meta({ description: 'Only for `mx`: the MX host of the domain that matched', examples: ['aspmx.l.google.com'] }),
}).meta({ id: 'Match', description: 'How a domain found its provider' })

const providerRef = z.object({
  id: providerSchema.shape.id,
  name: providerSchema.shape.name,
  shortName: providerSchema.shape.shortName,
}).meta({ id: 'ProviderRef', description: 'Which provider; its whole document is at `/api/v1/providers/{id}`' })

export const domainSchema = z.object({
  domain: z.string().meta({ description: 'The normalised domain: lower-case A-labels, no trailing dot', examples: ['gmail.com'] }),
  match: matchSchema,
  provider: providerRef,
}).meta({ id: 'DomainMatch', description: 'Which provider serves a domain' })

export const lookupSchema = z.object({
  email: z.string().meta({ description: 'The normalised address: the local part as given, the domain as lower-case A-labels', examples: ['alice@gmail.com'] }),
  domain: domainSchema.shape.domain,
  match: matchSchema,
  provider: providerRef,
  links: z.object({
    autoconfig: url.describe('This server\'s Mozilla autoconfig document for the address (GET)'),
    autodiscover: url.describe('This server\'s Outlook autodiscover endpoint (POST the Outlook request naming the address)'),
    mobileconfig: url.optional().describe('This server\'s Apple configuration profile for the address (GET); absent when the provider\'s servers take no login a profile can express (OAuth2, Kerberos or client certificates only)'),
  }).describe('Where mail clients get the same settings from this server'),
  incoming: z.array(incomingServerSchema).describe('In order of preference, with hosts and usernames filled in'),
  outgoing: z.array(outgoingServerSchema).describe('In order of preference, with hosts and usernames filled in'),
  ...providerExtras,
}).meta({ id: 'Lookup', description: 'The settings for one address, ready to show or to configure a client with' })

export type ApiProvider = z.output<typeof providerSchema>
export type ApiProviderSummary = z.output<typeof providerSummarySchema>
export type ApiProviderPage = z.output<typeof providerPageSchema>
export type ApiDomain = z.output<typeof domainSchema>
export type ApiLookup = z.output<typeof lookupSchema>
export type ApiIncomingServer = z.output<typeof incomingServerSchema>
export type ApiOutgoingServer = z.output<typeof outgoingServerSchema>

const recordName = z.string().meta({ description: 'Absolute name, as a zone file writes it (trailing dot)', examples: ['_imaps._tcp.example.com.'] })
const recordTtl = z.int().min(0).describe('Seconds')

export const recordCheckSchema = z.discriminatedUnion('status', [
  z.object({ status: z.literal('ok') }),
  z.object({ status: z.literal('missing') }),
  z.object({ status: z.literal('different'), found: z.array(z.string()).describe('What DNS has at this name and type instead, written as the zone writes the record') }),
  z.object({ status: z.literal('error'), reason: z.string().meta({ description: 'Why the lookup failed (a resolver error code)', examples: ['ETIMEOUT'] }) }),
]).meta({ id: 'RecordCheck', description: 'Only with `?check=true`: what the resolvers of this server found. `missing`: no such name or type; `different`: other data; `error`: no answer' })

const checked = { check: recordCheckSchema.optional() }

export const dnsRecordSchema = z.discriminatedUnion('type', [
  z.object({ name: recordName, type: z.literal('CNAME'), ttl: recordTtl, target: z.string(), ...checked }),
  z.object({
    name: recordName,
    type: z.literal('SRV'),
    ttl: recordTtl,
    priority: z.int().min(0).max(65535).describe('Lower is preferred (RFC 2782); implicit TLS gets the lowest'),
    weight: z.int().min(0).max(65535),
    port: z.int().min(0).max(65535).describe('0 with target `.`: the service is not offered'),
    target: z.string(),
    ...checked,
  }),
  z.object({ name: recordName, type: z.literal('TXT'), ttl: recordTtl, text: z.string().meta({ examples: ['path=/dav/'] }), ...checked }),
  z.object({ name: recordName, type: z.enum(['A', 'AAAA']), ttl: recordTtl, address: z.string(), ...checked }),
]).meta({ id: 'DnsRecord', description: 'One record the domain\'s zone should hold' })

export const dnsAdviceSchema = z.object({
  domain: domainSchema.shape.domain,
  match: matchSchema,
  provider: providerRef,
  service: url.describe('This service\'s public origin, which the discovery records point at'),
  records: z.array(dnsRecordSchema).describe('Client discovery first (autoconfig, autodiscover), then RFC 6186 / RFC 8314 mail services, then RFC 6764 CalDAV/CardDAV'),
  zone: z.string().describe('The same records as zone-file text (RFC 1035 §5), ready to paste'),
  inPlace: z.boolean().optional().describe('Only with `?check=true`: every record was found as it should be'),
}).meta({ id: 'DnsAdvice', description: 'The DNS records that make mail clients find this service and the provider\'s servers for a domain' })

export type ApiDnsAdvice = z.output<typeof dnsAdviceSchema>
