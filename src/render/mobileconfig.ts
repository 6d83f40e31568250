/**
 * Apple configuration profiles (`.mobileconfig`), the way Apple Mail on iPhone, iPad and Mac is set up for an IMAP
 * or POP account: it reads neither Mozilla autoconfig nor Outlook autodiscover. The person downloads the profile
 * (Safari offers "Profile Downloaded"), installs it under Settings (on a Mac: System Settings, Privacy & Security,
 * Profiles) and types the password when asked; a profile never carries one.
 *
 * A profile is a property list: a `Configuration` whose `PayloadContent` holds a `com.apple.mail.managed` payload
 * and, when the provider has them with a password login, `com.apple.caldav.account` and `com.apple.carddav.account`
 * payloads. `PayloadIdentifier` decides whether an installed profile is replaced or a second one added, so both it
 * and the UUIDs are derived from (provider, address): downloading again updates the account instead of stacking a
 * duplicate, and two addresses never collide.
 *
 * Spec: Apple's schema, github.com/apple/device-management `mdm/profiles/TopLevel.yaml`, `CommonPayloadKeys.yaml`,
 * `com.apple.mail.managed.yaml`, `com.apple.caldav.account.yaml`, `com.apple.carddav.account.yaml`; rendered at
 * https://developer.apple.com/documentation/devicemanagement/mail and in the Configuration Profile Reference,
 * https://developer.apple.com/business/documentation/Configuration-Profile-Reference.pdf .
 *
 * Pure: the same provider and address always give the same bytes. Built with the `plist` library, which escapes
 * every string; integers are written as `<integer>` and no key is ever written with an empty value (mailcow's empty
 * `<real/>` ports made installs fail, mailcow/mailcow-dockerized#2063).
 */
import { build, type PlistValue } from 'plist'
import { v5 as uuidV5 } from 'uuid'
import type { EmailAddress } from '../model/email-address.ts'
import { fillPlaceholders, fillUrlPlaceholders } from '../model/placeholders.ts'
import { DEFAULT_LANGUAGE, pickText } from '../model/localized-text.ts'
import type { AuthMethod, IncomingServer, IncomingType, MailServer, OutgoingServer, Provider, Security } from '../model/provider.ts'
import { xmlText } from './xml.ts'

/** What profiles are sent as (Apple's own type; Safari and macOS recognise a profile by it). */
export const MOBILECONFIG_CONTENT_TYPE = 'application/x-apple-aspen-config'

/** `EmailAccountType`: the schema knows these two. */
export const EMAIL_ACCOUNT_TYPE = {
  imap: 'EmailTypeIMAP',
  pop3: 'EmailTypePOP',
} as const satisfies Record<IncomingType, string>

/**
 * `IncomingMailServerAuthentication` / `OutgoingMailServerAuthentication` (com.apple.mail.managed.yaml: EmailAuthNone,
 * EmailAuthPassword, EmailAuthCRAMMD5, EmailAuthNTLM, EmailAuthHTTPMD5). The schema has no OAuth2, Kerberos or
 * client-certificate value, so a server offering only those cannot go into a profile (undefined). Mozilla's
 * `password-encrypted` is what Thunderbird does as CRAM-MD5; admitting a client by its network or an earlier POP3
 * login needs no credentials from Mail.
 */
export const EMAIL_AUTHENTICATION = {
  'password-cleartext': 'EmailAuthPassword',
  'password-encrypted': 'EmailAuthCRAMMD5',
  oauth2: undefined,
  ntlm: 'EmailAuthNTLM',
  gssapi: undefined,
  'client-ip-address': 'EmailAuthNone',
  'tls-client-cert': undefined,
  'smtp-after-pop': 'EmailAuthNone',
  none: 'EmailAuthNone',
} as const satisfies Record<AuthMethod, string | undefined>

/**
 * `…MailServerUseSSL`: one boolean per direction, no "STARTTLS required". True means TLS from the first byte; for a
 * STARTTLS server it is false on the STARTTLS port, where Apple Mail upgrades the connection itself (mox
 * http/mobileconfig.go and Modoboa read it the same way; automx2 writing true for STARTTLS makes Mail speak TLS to
 * port 587 and fail).
 */
export const USE_SSL = {
  tls: true,
  starttls: false,
  plain: false,
} as const satisfies Record<Security, boolean>

/** Which server a profile names when the provider lists several: implicit TLS, then STARTTLS, then plain. */
const SECURITY_RANK = {
  tls: 0,
  starttls: 1,
  plain: 2,
} as const satisfies Record<Security, number>

/** The payloads a profile may hold: their `PayloadType` and the word their display name ends in. */
export const PAYLOADS = {
  mail: { type: 'com.apple.mail.managed', label: 'mail' },
  caldav: { type: 'com.apple.caldav.account', label: 'calendar' },
  carddav: { type: 'com.apple.carddav.account', label: 'contacts' },
} as const satisfies Record<string, { type: string, label: string }>
type PayloadKind = keyof typeof PAYLOADS

/** Fixed forever: every profile's UUIDs are UUIDv5 names under it (RFC 9562 §5.5), so they never change. */
export const PROFILE_NAMESPACE = 'fed93e43-124f-4a90-9e05-8b36a29820e0'

export interface MobileconfigContext {
  /** The address being set up; fills the placeholders and names the profile. */
  address: EmailAddress
}

/** A server with the login a profile can express for it. */
interface Chosen<S extends MailServer> {
  server: S
  method: AuthMethod
  authentication: NonNullable<typeof EMAIL_AUTHENTICATION[AuthMethod]>
}

/**
 * The login a profile uses: the provider's first method that a profile can express, except that on an encrypted
 * connection a plain password is taken over `password-encrypted` when the server lists both. A profile names one
 * method and Mail tries no other; `password-encrypted` becomes CRAM-MD5, which a server offering only SCRAM (as
 * many Dovecot setups do) refuses, while the password inside TLS works with every one of them.
 */
function withProfileLogin<S extends MailServer> (server: S): Chosen<S> | undefined {
  const first = server.auth.find((m) => EMAIL_AUTHENTICATION[m] !== undefined)
  const method = first === 'password-encrypted' && server.security !== 'plain' && server.auth.includes('password-cleartext') ? 'password-cleartext' : first
  return method === undefined ? undefined : { server, method, authentication: EMAIL_AUTHENTICATION[method]! }
}

/**
 * Servers that admit only the provider's own network (an SMTP `restriction`, or a login by client address) go
 * last: a profile has no way to say so, and a phone is rarely on that network.
 */
function networkOnly (server: MailServer): boolean {
  return ('restriction' in server && server.restriction !== undefined) || server.auth.every((m) => m === 'client-ip-address')
}

/** The first of the provider's servers (in its order of preference) with the best security and a login Mail has. */
function bestServer<S extends MailServer> (servers: readonly S[]): Chosen<S> | undefined {
  const usable = servers.map(withProfileLogin).filter((chosen) => chosen !== undefined)
  // A stable sort: the provider's order decides among servers alike.
  return usable.sort((a, b) => Number(networkOnly(a.server)) - Number(networkOnly(b.server)) ||
    SECURITY_RANK[a.server.security] - SECURITY_RANK[b.server.security])[0]
}

/**
 * Whether a profile can be made for the provider at all (`profileServers` would find servers), without choosing
 * them: what the API's links and the settings page ask on every request.
 */
export function hasProfile (provider: Provider): boolean {
  return provider.incoming.some((s) => withProfileLogin(s) !== undefined) && provider.outgoing.some((s) => withProfileLogin(s) !== undefined)
}

/** The servers a profile names: IMAP when the provider has one Mail can log in to, else POP3; undefined if none. */
export function profileServers (provider: Provider): { incoming: Chosen<IncomingServer>, outgoing: Chosen<OutgoingServer> } | undefined {
  const incoming = bestServer(provider.incoming.filter((s) => s.type === 'imap')) ?? bestServer(provider.incoming.filter((s) => s.type === 'pop3'))
  const outgoing = bestServer(provider.outgoing)
  return incoming === undefined || outgoing === undefined ? undefined : { incoming, outgoing }
}

/**
 * What the person installing the profile must know, shown on the install screen (`PayloadDescription`): the step
 * the provider asks for first (Gmail's "enable IMAP"), and that a password is needed where the provider's own
 * preference is OAuth2, which no profile can do (an app password, with Gmail, Fastmail, Yahoo and others).
 */
function installNotes (provider: Provider, chosen: Array<Chosen<MailServer>>): string[] {
  const notes: string[] = []
  // Profiles are one download for every reader: English where the file has it.
  const step = provider.enable === undefined ? undefined : pickText(provider.enable.instructions, DEFAULT_LANGUAGE)?.text
  const url = provider.enable?.url
  if (step !== undefined || url !== undefined) notes.push([step, url].filter((part) => part !== undefined).join(' '))
  if (chosen.some(({ server, method }) => server.auth[0] === 'oauth2' && method !== 'oauth2')) {
    notes.push(`${provider.name} prefers OAuth2 sign-in, which a profile cannot set up: where Mail asks for the password, use an app password if ${provider.name} requires one.`)
  }
  return notes
}

function reversedDomain (domain: string): string {
  return domain.split('.').reverse().join('.')
}

function mailPayload (provider: Provider, address: EmailAddress, incoming: Chosen<IncomingServer>, outgoing: Chosen<OutgoingServer>): Record<string, PlistValue> {
  const inServer = incoming.server
  const outServer = outgoing.server
  const inUsername = fillPlaceholders(inServer.username, address)
  const outNeedsLogin = outgoing.authentication !== 'EmailAuthNone'
  const outUsername = fillPlaceholders(outServer.username, address)
  return {
    EmailAccountType: EMAIL_ACCOUNT_TYPE[inServer.type],
    EmailAccountDescription: provider.name,
    EmailAddress: address.address,
    IncomingMailServerHostName: fillPlaceholders(inServer.host, address),
    IncomingMailServerPortNumber: inServer.port,
    IncomingMailServerUseSSL: USE_SSL[inServer.security],
    IncomingMailServerUsername: inUsername,
    IncomingMailServerAuthentication: incoming.authentication,
    OutgoingMailServerHostName: fillPlaceholders(outServer.host, address),
    OutgoingMailServerPortNumber: outServer.port,
    OutgoingMailServerUseSSL: USE_SSL[outServer.security],
    ...(outNeedsLogin ? { OutgoingMailServerUsername: outUsername } : {}),
    OutgoingMailServerAuthentication: outgoing.authentication,
    // Asks once for both passwords when the logins are the same (interactive installs only, which these are).
    OutgoingPasswordSameAsIncomingPassword: outNeedsLogin && outUsername === inUsername,
  }
}

type Dav = NonNullable<Provider['calendar']>

/** The CalDAV or CardDAV keys for a service with a password login; undefined for one that only takes OAuth2. */
function davKeys (prefix: 'CalDAV' | 'CardDAV', service: Dav | undefined, provider: Provider, address: EmailAddress, what: string): Record<string, PlistValue> | undefined {
  if (service === undefined || !service.auth.some((method) => method !== 'oauth2')) return undefined
  const url = new URL(fillUrlPlaceholders(service.url, address))
  const https = url.protocol === 'https:'
  // A profile holds no password, not even one a provider file wrote into its URL.
  url.username = ''
  url.password = ''
  return {
    [`${prefix}AccountDescription`]: `${provider.name} ${what}`,
    // A host name, not a URL authority: an IPv6 literal without its brackets.
    [`${prefix}HostName`]: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    [`${prefix}Port`]: url.port === '' ? (https ? 443 : 80) : Number(url.port),
    [`${prefix}UseSSL`]: https,
    [`${prefix}PrincipalURL`]: url.href,
    [`${prefix}Username`]: fillPlaceholders(service.username, address),
  }
}

/** Every string as XML can carry it (the builder would refuse a lone surrogate or U+FFFF in an address). */
function xmlSafe (value: PlistValue): PlistValue {
  if (typeof value === 'string') return xmlText(value)
  if (Array.isArray(value)) return value.map(xmlSafe)
  if (value !== null && typeof value === 'object' && !(value instanceof Date) && !(value instanceof Uint8Array)) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, xmlSafe(item)]))
  }
  return value
}

function xmlSafeAddress (address: EmailAddress): EmailAddress {
  return { address: xmlText(address.address), localPart: xmlText(address.localPart), domain: xmlText(address.domain) }
}

/**
 * The profile for an address, as XML plist text; undefined when no incoming or no outgoing server has a login a
 * profile can express (a provider whose servers take only OAuth2, Kerberos or client certificates).
 */
export function renderMobileconfig (provider: Provider, context: MobileconfigContext): string | undefined {
  const servers = profileServers(provider)
  if (servers === undefined) return undefined
  // Before anything derives from the address: a lone surrogate makes the UUID and URL encoders throw
  // (encodeURIComponent), and U+FFFF cannot be written in XML; both become U+FFFD, as in the document itself.
  const address = xmlSafeAddress(context.address)
  // Letter case does not make another mailbox for any provider here; it must not make another profile.
  const name = `${provider.id}:${address.address.toLowerCase()}`
  const profileUuid = uuidV5(name, PROFILE_NAMESPACE).toUpperCase()
  const identifier = `${reversedDomain(address.domain)}.mail-autoconfig.${profileUuid}`
  const payload = (kind: PayloadKind, keys: Record<string, PlistValue>): Record<string, PlistValue> => ({
    PayloadType: PAYLOADS[kind].type,
    PayloadVersion: 1,
    PayloadIdentifier: `${identifier}.${kind}`,
    PayloadUUID: uuidV5(`${name}:${kind}`, PROFILE_NAMESPACE).toUpperCase(),
    PayloadDisplayName: `${provider.name} (${PAYLOADS[kind].label})`,
    ...keys,
  })
  const calendar = davKeys('CalDAV', provider.calendar, provider, address, PAYLOADS.caldav.label)
  const contacts = davKeys('CardDAV', provider.addressBook, provider, address, PAYLOADS.carddav.label)
  const summary = `Sets up ${address.address} in Apple Mail${calendar === undefined ? '' : ', Calendar'}${contacts === undefined ? '' : ', Contacts'}. Mail asks for the password when the profile is installed; the profile holds none.`
  const profile: Record<string, PlistValue> = {
    PayloadType: 'Configuration',
    PayloadVersion: 1,
    PayloadIdentifier: identifier,
    PayloadUUID: profileUuid,
    PayloadDisplayName: `${provider.name} (${address.address})`,
    PayloadDescription: [...installNotes(provider, [servers.incoming, servers.outgoing]), summary].join('\n\n'),
    PayloadOrganization: provider.name,
    // Only supervised devices honour true; a person must be able to remove what they installed.
    PayloadRemovalDisallowed: false,
    PayloadContent: [
      payload('mail', mailPayload(provider, address, servers.incoming, servers.outgoing)),
      ...(calendar === undefined ? [] : [payload('caldav', calendar)]),
      ...(contacts === undefined ? [] : [payload('carddav', contacts)]),
    ],
  }
  return build(xmlSafe(profile))
}
