/**
 * The provider model: one format-neutral description of a mail provider, read from `providers/<id>.yaml`.
 *
 * This zod schema is the single source of truth for the TypeScript types (`ProviderInput` is what an author
 * writes, `Provider` is what the rest of the program sees once defaults are applied) and for the JSON Schema
 * at `schema/provider.schema.json` that editors use to validate provider files.
 *
 * It carries everything Mozilla's config-v1.1 can express (see the `<clientConfig>` reference:
 * https://wiki.mozilla.org/Thunderbird:Autoconfiguration:ConfigFileFormat) in our own vocabulary; each renderer
 * maps that vocabulary onto its format's words through a table the compiler checks for completeness.
 *
 * Objects are strict: an unknown key (a typo such as `displayNameShort`) is an error, never silently ignored.
 */
import { domainToASCII } from 'node:url'
import * as z from 'zod'
import { WARNING_CODES } from '../lint/codes.ts'

/** How a connection is secured. `tls` is implicit TLS from the first byte (ports 993, 995, 465). */
export const SECURITIES = ['tls', 'starttls', 'plain'] as const
export type Security = typeof SECURITIES[number]

/**
 * How a client logs in. The names follow Mozilla's `<authentication>` values, lower-cased:
 * `password-cleartext` (SASL PLAIN/LOGIN), `password-encrypted` (CRAM-MD5, DIGEST-MD5, SCRAM), `oauth2`,
 * `ntlm`, `gssapi` (Kerberos), `client-ip-address` (admitted by network), `tls-client-cert` (SASL EXTERNAL),
 * `smtp-after-pop` (log in to POP3 first) and `none`.
 */
export const AUTH_METHODS = [
  'password-cleartext',
  'password-encrypted',
  'oauth2',
  'ntlm',
  'gssapi',
  'client-ip-address',
  'tls-client-cert',
  'smtp-after-pop',
  'none',
] as const
export type AuthMethod = typeof AUTH_METHODS[number]

export const INCOMING_TYPES = ['imap', 'pop3'] as const
export type IncomingType = typeof INCOMING_TYPES[number]
export const OUTGOING_TYPES = ['smtp'] as const
export type OutgoingType = typeof OUTGOING_TYPES[number]
export type ServerType = IncomingType | OutgoingType

/** The placeholders a client substitutes; we keep them literal in what we serve. */
export const PLACEHOLDERS = ['%EMAILADDRESS%', '%EMAILLOCALPART%', '%EMAILDOMAIN%', '%REALNAME%'] as const

/** IANA ports for each protocol and security mode (RFC 8314 §7.3 for implicit TLS, RFC 6409 for submission). */
export const DEFAULT_PORTS = {
  imap: { tls: 993, starttls: 143, plain: 143 },
  pop3: { tls: 995, starttls: 110, plain: 110 },
  smtp: { tls: 465, starttls: 587, plain: 587 },
} as const satisfies Record<ServerType, Record<Security, number>>

const HOST_LABEL = '(?!-)[a-z0-9-]{1,63}(?<!-)'
const HOSTNAME_RE = new RegExp(`^${HOST_LABEL}(\\.${HOST_LABEL})*$`)
const PLACEHOLDER_RE = /%[A-Z]+%/g
const KNOWN_PLACEHOLDERS = new Set<string>(PLACEHOLDERS)

/** Lower-cases and converts an internationalised domain to A-labels; undefined when it is not a hostname. */
export function toAsciiHostname (value: string): string | undefined {
  return plainHostname(value) ?? normalizedHostname(value)
}

const DOT = 0x2e
const HYPHEN = 0x2d

/**
 * The common case by character codes, several times quicker than `normalizedHostname` (start-up checks some
 * 130,000 host names for a 10,000-provider catalog): a name of ASCII letters, digits, hyphens and dots only, in
 * labels of 1 to 63 characters that neither start nor end with a hyphen, at most 253 in all. Lower-cased. Undefined
 * for anything else, which `normalizedHostname` decides (it gives the same answer for these; a test compares them).
 */
function plainHostname (value: string): string | undefined {
  if (value.length === 0 || value.length > 253) return undefined
  let upper = false
  let labelStart = 0
  for (let i = 0; i <= value.length; i++) {
    const code = i === value.length ? DOT : value.charCodeAt(i)
    if (code === DOT) {
      const length = i - labelStart
      if (length === 0 || length > 63 || value.charCodeAt(labelStart) === HYPHEN || value.charCodeAt(i - 1) === HYPHEN) return undefined
      labelStart = i + 1
    } else if (code >= 0x41 && code <= 0x5a) {
      upper = true
    } else if (!((code >= 0x61 && code <= 0x7a) || (code >= 0x30 && code <= 0x39) || code === HYPHEN)) {
      return undefined
    }
  }
  return upper ? value.toLowerCase() : value
}

/** The general path of `toAsciiHostname`: trimming, a trailing dot, IDNA; exported for the test that holds the quick path to it. */
export function normalizedHostname (value: string): string | undefined {
  const trimmed = value.trim().replace(/\.$/, '').toLowerCase()
  if (trimmed === '' || trimmed.length > 253) return undefined
  const ascii = /^[\x21-\x7e]*$/.test(trimmed) ? trimmed : domainToASCII(trimmed)
  return ascii !== '' && HOSTNAME_RE.test(ascii) ? ascii : undefined
}

function unknownPlaceholders (value: string): string[] {
  return [...value.matchAll(PLACEHOLDER_RE)].map((m) => m[0]).filter((p) => !KNOWN_PLACEHOLDERS.has(p))
}

const templateString = z.string().min(1).superRefine((value, ctx) => {
  for (const p of unknownPlaceholders(value)) {
    ctx.addIssue({ code: 'custom', message: `unknown placeholder ${p}; use one of ${PLACEHOLDERS.join(', ')}` })
  }
  // A lone `%` left over from a broken placeholder (`%EMAILADDRESS`) would reach the client literally.
  if (value.replace(PLACEHOLDER_RE, '').includes('%')) {
    ctx.addIssue({ code: 'custom', message: 'stray "%": placeholders are written %NAME%' })
  }
})

/**
 * A server hostname: a DNS name or IP address, possibly containing placeholders such as `mail.%EMAILDOMAIN%`.
 * Checked and normalised in one step, so each name is read once (a hoster's catalog has tens of thousands).
 */
const serverHost = z.string().min(1).transform((value, ctx) => {
  if (value.includes('%')) {
    if (unknownPlaceholders(value).length === 0 && toAsciiHostname(value.replace(PLACEHOLDER_RE, 'x')) !== undefined) return value.trim()
    ctx.addIssue({ code: 'custom', message: `"${value}" is not a hostname with placeholders such as mail.%EMAILDOMAIN%` })
    return z.NEVER
  }
  const ascii = toAsciiHostname(value)
  if (ascii !== undefined) return ascii
  ctx.addIssue({ code: 'custom', message: `"${value}" is not a valid hostname` })
  return z.NEVER
})

/** A host name or `*.suffix` for every name under it, lower-case A-labels; `what` completes the error line. */
function hostPattern (what: string) {
  return z.string().transform((value, ctx) => {
    const wildcard = value.trim().startsWith('*.')
    const ascii = toAsciiHostname(wildcard ? value.trim().slice(2) : value)
    if (ascii === undefined || !ascii.includes('.')) {
      ctx.addIssue({ code: 'custom', message: `"${value}" is not ${what}` })
      return z.NEVER
    }
    return wildcard ? `*.${ascii}` : ascii
  })
}

/** An e-mail domain this provider serves: `example.com`, or `*.example.com` for every subdomain of it. */
export const domainPattern = hostPattern('a domain such as example.com or *.example.com')

/**
 * An MX host that identifies the provider's hosted-domain product: exact (`aspmx.l.google.com`) or every host
 * under a suffix (`*.mail.protection.outlook.com`). A customer's domain whose MX record names such a host is
 * served by this provider.
 */
export const mxPattern = hostPattern('an MX host such as aspmx.l.google.com or *.mail.protection.outlook.com')

/**
 * The MX domain an ISPDB file lists for a pattern (`<domain purpose="mx">`, autoconfig 1.2 draft): Thunderbird
 * asks the ISPDB for the MX host minus its first label, then for its base domain (comm-central FindConfig.sys.mjs),
 * so `*.mail.protection.outlook.com` stands for `mail.protection.outlook.com` and the host `aspmx.l.google.com`
 * for `l.google.com`.
 */
export function mxDomainOf (pattern: string): string {
  return pattern.startsWith('*.') ? pattern.slice(2) : pattern.slice(pattern.indexOf('.') + 1)
}

const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' })

/** Values that stand in for placeholders when a URL template is checked; clients substitute the real ones. */
const PLACEHOLDER_SAMPLES = {
  '%EMAILADDRESS%': 'alice@example.com',
  '%EMAILLOCALPART%': 'alice',
  '%EMAILDOMAIN%': 'example.com',
  '%REALNAME%': 'Alice',
} as const satisfies Record<typeof PLACEHOLDERS[number], string>

/**
 * An http(s) URL that may contain placeholders, even in the host (`https://login.%EMAILDOMAIN%/`), as webmail
 * pages of providers that host many domains do. Only the known placeholders are substituted before the URL is
 * checked: other `%XX%` runs may be percent-encoding (`%AE%E3`), which a URL legitimately contains.
 */
const httpUrlTemplate = z.string().superRefine((value, ctx) => {
  let sample = value
  for (const [placeholder, stand] of Object.entries(PLACEHOLDER_SAMPLES)) sample = sample.replaceAll(placeholder, stand)
  if (!httpUrl.safeParse(sample).success) {
    ctx.addIssue({ code: 'custom', message: 'must be an http:// or https:// URL (placeholders such as %EMAILDOMAIN% allowed)' })
  }
})

/** Text in one language; `lang` is an ISO 639 code (`en`, `de`, `pt-BR`), absent when unknown. */
export const localizedText = z.strictObject({
  lang: z.string().regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'must be a language code such as en or pt-BR').optional(),
  text: z.string().min(1),
})
export type LocalizedText = z.infer<typeof localizedText>

const authList = z.array(z.enum(AUTH_METHODS)).min(1)
  .refine((list) => new Set(list).size === list.length, 'lists a method twice')

/** Fields every server shares, whatever its protocol. */
const serverFields = {
  /** Hostname; may contain `%EMAILDOMAIN%` and the other placeholders. */
  host: serverHost,
  /** TCP port; defaults to the IANA port for the protocol and security mode. */
  port: z.number().int().min(1).max(65535).optional(),
  /** `tls` (implicit TLS), `starttls` (mandatory upgrade) or `plain`. Default `tls`. */
  security: z.enum(SECURITIES).default('tls'),
  /** Authentication methods in order of preference. Default `[password-cleartext]`. */
  auth: authList.default(['password-cleartext']),
  /** Login name template. Default `%EMAILADDRESS%`. */
  username: templateString.default('%EMAILADDRESS%'),
}

function withDefaultPort<S extends { type: ServerType, security: Security, port?: number | undefined }> (server: S) {
  return { ...server, port: server.port ?? DEFAULT_PORTS[server.type][server.security] }
}

export const pop3Options = z.strictObject({
  leaveMessagesOnServer: z.boolean().optional(),
  downloadOnBiff: z.boolean().optional(),
  daysToLeaveMessagesOnServer: z.number().int().min(0).optional(),
  /** Minimum minutes between checks, for servers that refuse more frequent polling. */
  checkIntervalMinutes: z.number().int().min(1).optional(),
})

const INCOMING_ONLY_FORBIDDEN = ['none', 'client-ip-address', 'smtp-after-pop'] as const

export const incomingServer = z.strictObject({
  /** Protocol spoken by this server. */
  type: z.enum(INCOMING_TYPES),
  ...serverFields,
  /** POP3 behaviour; only meaningful on `type: pop3`. */
  pop3: pop3Options.optional(),
}).superRefine((server, ctx) => {
  if (server.pop3 !== undefined && server.type !== 'pop3') {
    ctx.addIssue({ code: 'custom', path: ['pop3'], message: 'pop3 options are only allowed on a pop3 server' })
  }
  for (const method of INCOMING_ONLY_FORBIDDEN) {
    if (server.auth.includes(method)) {
      ctx.addIssue({ code: 'custom', path: ['auth'], message: `${method} is only possible on an outgoing server` })
    }
  }
}).transform(withDefaultPort)

export const outgoingServer = z.strictObject({
  /** Protocol spoken by this server; always `smtp`. */
  type: z.enum(OUTGOING_TYPES).default('smtp'),
  ...serverFields,
  /** `client-ip-address`: this server only accepts mail from the provider's own network. */
  restriction: z.literal('client-ip-address').optional(),
}).transform(withDefaultPort)

const fieldLocator = z.strictObject({ id: z.string().min(1).optional(), name: z.string().min(1).optional() })

const davService = z.strictObject({
  /** Collection or service URL (https). */
  url: httpUrl,
  username: templateString.default('%EMAILADDRESS%'),
  auth: z.array(z.enum(['http-basic', 'http-digest', 'oauth2'])).min(1).default(['http-basic']),
})

export const providerSchema = z.strictObject({
  /** Permanent identifier; defaults to the file name without `.yaml`. */
  id: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/, 'must be lower-case letters, digits, ".", "_" or "-"').optional(),
  /** Display name shown to users, e.g. `Google Mail`. */
  name: z.string().min(1).max(60),
  /** Short display name, e.g. `GMail`. */
  shortName: z.string().min(1).max(20).optional(),
  /** E-mail domains served by this provider: exact (`example.com`) or wildcard (`*.example.com`). */
  domains: z.array(domainPattern).min(1),
  /**
   * MX hosts of the provider's hosted-domain product, exact or `*.suffix`: a domain listed nowhere is served by
   * this provider when its MX record names one of them.
   */
  mx: z.array(mxPattern).min(1).optional(),
  /** Incoming servers (IMAP, POP3) in order of preference. */
  incoming: z.array(incomingServer).min(1),
  /** Outgoing servers (SMTP) in order of preference. */
  outgoing: z.array(outgoingServer).min(1),
  /** A step the user must take before clients may connect, such as enabling IMAP in webmail settings. */
  enable: z.strictObject({
    url: httpUrl.optional(),
    instructions: z.array(localizedText).default([]),
  }).optional(),
  /** Help pages about these settings. */
  documentation: z.array(z.strictObject({
    url: httpUrl,
    descriptions: z.array(localizedText).default([]),
  })).default([]),
  /** Webmail login page, and optionally how to fill it in. */
  webmail: z.strictObject({
    /** Placeholders allowed, e.g. `https://login.%EMAILDOMAIN%/`. */
    loginPage: httpUrlTemplate.optional(),
    loginPageInfo: z.strictObject({
      /** Placeholders allowed, as in `loginPage`. */
      url: httpUrlTemplate,
      /** Some logins redirect to a central sign-in page first; a client waits until it reaches this prefix. */
      waitForRedirectionUrlPrefix: httpUrl.optional(),
      username: templateString.optional(),
      usernameField: fieldLocator.optional(),
      passwordField: fieldLocator.optional(),
      loginButton: fieldLocator.optional(),
    }).optional(),
  }).optional(),
  /** OAuth2 endpoints for providers that accept `oauth2`. */
  oauth2: z.strictObject({
    issuer: z.string().min(1),
    scope: z.string().min(1),
    authUrl: httpUrl,
    tokenUrl: httpUrl,
  }).optional(),
  /** CardDAV address book. */
  addressBook: davService.optional(),
  /** CalDAV calendar. */
  calendar: davService.optional(),
  /**
   * `check --strict` warnings this provider accepts, each with the reason (code → why). Silences the warning for
   * this file only; validation (`check`) never depends on it.
   */
  acceptedWarnings: z.partialRecord(z.enum(WARNING_CODES), z.string().min(1)).optional(),
  /** Outlook autodiscover behaviour for this provider. */
  autodiscover: z.strictObject({
    /** Send Outlook to another autodiscover server (e.g. Exchange Online) instead of answering here. */
    redirectUrl: z.url({ protocol: /^https$/, error: 'must be an https:// URL' }).optional(),
    /** Tell Outlook to restart autodiscover with this address; placeholders allowed. */
    redirectAddr: templateString.optional(),
  }).optional(),
})

export type ProviderInput = z.input<typeof providerSchema>
type ParsedProvider = z.output<typeof providerSchema>
/** A validated provider with every default applied and its id resolved. */
export type Provider = Omit<ParsedProvider, 'id'> & { id: string }
export type IncomingServer = z.output<typeof incomingServer>
export type OutgoingServer = z.output<typeof outgoingServer>
export type MailServer = IncomingServer | OutgoingServer
