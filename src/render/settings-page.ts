/**
 * The settings page's view of a provider for one address: exactly what a person types into a mail client by hand,
 * as providers' own help articles give it ("IMAP server imap.gmail.com, port 993, SSL/TLS; your full address as
 * the username; enable IMAP first"), made from the same provider file the clients' autoconfig and autodiscover
 * answers come from, so the page never goes stale on its own. The templates (src/views/) turn it into HTML.
 *
 * The words are the ones clients show in their manual set-up forms: Thunderbird's account setup
 * (comm-central mail/locales/en-US/messenger/accountcreation/accountSetup.ftl: connection security "None",
 * "STARTTLS", "SSL/TLS"; authentication "Normal password", "Encrypted password", "No authentication"; and its
 * account settings' "OAuth2", "NTLM", "Kerberos / GSSAPI", "TLS Certificate"). Outlook, Apple Mail and the Android
 * clients offer the same choices under the same or very close names.
 *
 * Values are filled for the address as the JSON API's lookup fills them (render/api.ts): host names and usernames
 * through model/placeholders.ts, URLs percent-encoded. Texts of the provider file (the "enable IMAP first" step,
 * the documentation links' descriptions) are picked in the reader's language when the file has it, English (or
 * an untagged text) otherwise.
 *
 * Pure: no I/O, no clock. Asynchronous only because the QR code library answers with a promise.
 */
import QRCode from 'qrcode'
import type { DomainMatch, MatchKind } from '../catalog/catalog.ts'
import { MAX_ADDRESS_LENGTH, normalizeDomain, type EmailAddress } from '../model/email-address.ts'
import { fillPlaceholders, fillUrlPlaceholders } from '../model/placeholders.ts'
import type { AuthMethod, LocalizedText, MailServer, Provider, Security, ServerType } from '../model/provider.ts'
import { DEFAULT_LANGUAGE, pickText, type TextView } from '../model/localized-text.ts'
import { hasProfile } from './mobileconfig.ts'

/** The connection security menus of Thunderbird, Outlook and Apple Mail. */
export const ENCRYPTION_WORDS = {
  tls: 'SSL/TLS',
  starttls: 'STARTTLS',
  plain: 'None',
} as const satisfies Record<Security, string>

/** Thunderbird's authentication method menu, and what it means where no menu entry exists. */
export const AUTHENTICATION_WORDS = {
  'password-cleartext': 'Normal password',
  'password-encrypted': 'Encrypted password',
  oauth2: 'OAuth2',
  ntlm: 'NTLM',
  gssapi: 'Kerberos / GSSAPI',
  'tls-client-cert': 'TLS Certificate',
  'client-ip-address': 'No authentication (the provider\'s own network is let in)',
  'smtp-after-pop': 'No authentication (check incoming mail first: SMTP after POP)',
  none: 'No authentication',
} as const satisfies Record<AuthMethod, string>

export const PROTOCOL_WORDS = {
  imap: 'IMAP',
  pop3: 'POP3',
  smtp: 'SMTP',
} as const satisfies Record<ServerType, string>

/** Methods that need no login name: a server that takes only these has no username to type. */
const WITHOUT_LOGIN: ReadonlySet<AuthMethod> = new Set(['none', 'client-ip-address', 'smtp-after-pop'])

/** Fallback when the file has no text in the reader's language: English, the page's own language. */
export const PAGE_LANGUAGE = DEFAULT_LANGUAGE

export interface LinkView extends TextView {
  url: string
}

export interface ServerView {
  protocol: (typeof PROTOCOL_WORDS)[ServerType]
  host: string
  port: number
  encryption: (typeof ENCRYPTION_WORDS)[Security]
  /** The login name for this address; undefined when the server needs none. */
  username: string | undefined
  /** In the provider's order of preference. */
  authentication: Array<(typeof AUTHENTICATION_WORDS)[AuthMethod]>
  /** The first server of its protocol: the one to use unless it does not work. */
  preferred: boolean
  /** The server accepts mail only from the provider's own network. */
  providerNetworkOnly: boolean
}

export interface SettingsPageView {
  email: string
  providerName: string
  /** One sentence on how the domain found its provider (see HOW_MATCHED); an `mx` match names the provider that hosts it. */
  howMatched: string
  /** The language the provider's texts were picked in. */
  language: string
  imap: ServerView[]
  pop3: ServerView[]
  smtp: ServerView[]
  /** The step a user must take before clients can connect, with the page to take it on. */
  enable: { instructions: TextView | undefined, url: string | undefined } | undefined
  documentation: LinkView[]
  webmail: string | undefined
  /** The preferred incoming server signs in with OAuth2 first: clients open the provider's own sign-in page. */
  signsInWithOAuth2: boolean
  /**
   * The Apple configuration profile for this address, and a QR code of its URL for a phone's camera; undefined when
   * the provider's servers take no login a profile can express, such as OAuth2 only (render/mobileconfig.ts).
   */
  appleProfile: { url: string, qrCode: string } | undefined
}

export interface SettingsPageContext {
  address: EmailAddress
  match: Pick<DomainMatch, 'matchedBy' | 'pattern' | 'domain' | 'mxHost'>
  /** The reader's language, negotiated from Accept-Language among `providerLanguages(provider)`. */
  language: string
  /** The absolute URL of the Apple profile for this address (the HTTP layer knows the public base URL). */
  appleProfileUrl: string
}

type Match = SettingsPageContext['match']

/** How a domain found its provider, in one sentence per kind of match (catalog.ts MATCH_KINDS). */
const HOW_MATCHED = {
  exact: (match: Match, name: string) => `${match.domain} is one of ${name}'s domains.`,
  wildcard: (match: Match, name: string) => `${match.domain} is under ${match.pattern}, which ${name} serves.`,
  mx: (match: Match, name: string) => `${match.domain} is hosted by ${name}: its mail goes to ${match.mxHost ?? match.pattern} (found by its MX record).`,
} as const satisfies Record<MatchKind, (match: Match, name: string) => string>

function * localizedTexts (provider: Provider): Iterable<LocalizedText> {
  yield * provider.enable?.instructions ?? []
  for (const doc of provider.documentation) yield * doc.descriptions
}

/** The languages the page can be read in for this provider: English first (the answer without Accept-Language), then the file's own. */
export function providerLanguages (provider: Provider): string[] {
  const languages = [PAGE_LANGUAGE]
  for (const { lang } of localizedTexts(provider)) {
    if (lang !== undefined && !languages.some((known) => known.toLowerCase() === lang.toLowerCase())) languages.push(lang)
  }
  return languages
}

function serverView (server: MailServer, preferred: boolean, address: EmailAddress): ServerView {
  const needsLogin = server.auth.some((method) => !WITHOUT_LOGIN.has(method))
  return {
    protocol: PROTOCOL_WORDS[server.type],
    host: fillPlaceholders(server.host, address),
    port: server.port,
    encryption: ENCRYPTION_WORDS[server.security],
    username: needsLogin ? fillPlaceholders(server.username, address) : undefined,
    authentication: server.auth.map((method) => AUTHENTICATION_WORDS[method]),
    preferred,
    providerNetworkOnly: 'restriction' in server && server.restriction === 'client-ip-address',
  }
}

function serversOf (servers: readonly MailServer[], type: ServerType, address: EmailAddress): ServerView[] {
  return servers.filter((server) => server.type === type).map((server, i) => serverView(server, i === 0, address))
}

/**
 * Why `text` is not an address `parseEmailAddress` accepts, in words for the person who typed it. Only called for
 * text it refused.
 */
export function addressProblem (text: string): string {
  const trimmed = text.trim()
  if (trimmed === '') return 'Type your e-mail address, such as alice@example.com.'
  if (trimmed.length > MAX_ADDRESS_LENGTH) return `An e-mail address has at most ${MAX_ADDRESS_LENGTH} characters.`
  const at = trimmed.lastIndexOf('@')
  if (at === -1) return 'An e-mail address has an @ between the name and the domain, such as alice@example.com.'
  const domain = trimmed.slice(at + 1)
  if (at === 0) return 'Type the part before the @ too, such as alice@example.com.'
  if (normalizeDomain(domain) === undefined) return 'The part after the @ is not a domain name such as example.com.'
  return 'The part before the @ is not valid in an e-mail address: it may not hold spaces, quotes, brackets, commas or a second @, nor start or end with a dot.'
}

/** The QR code as an SVG image in a data: URL, so the page needs neither a script nor another request for it. */
async function qrCodeImage (url: string): Promise<string> {
  const svg = await QRCode.toString(url, { type: 'svg', errorCorrectionLevel: 'M', margin: 4 })
  return `data:image/svg+xml;base64,${Buffer.from(svg, 'utf8').toString('base64')}`
}

export async function settingsPage (provider: Provider, context: SettingsPageContext): Promise<SettingsPageView> {
  const { address, match, language } = context
  const preferredIncoming = provider.incoming[0]
  return {
    email: address.address,
    providerName: provider.name,
    howMatched: HOW_MATCHED[match.matchedBy](match, provider.name),
    language,
    imap: serversOf(provider.incoming, 'imap', address),
    pop3: serversOf(provider.incoming, 'pop3', address),
    smtp: serversOf(provider.outgoing, 'smtp', address),
    enable: provider.enable === undefined
      ? undefined
      : { instructions: pickText(provider.enable.instructions, language), url: provider.enable.url },
    documentation: provider.documentation.map(({ url, descriptions }) => ({ url, ...(pickText(descriptions, language) ?? { text: url, lang: undefined }) })),
    webmail: provider.webmail?.loginPage === undefined ? undefined : fillUrlPlaceholders(provider.webmail.loginPage, address),
    signsInWithOAuth2: preferredIncoming?.auth[0] === 'oauth2',
    appleProfile: !hasProfile(provider)
      ? undefined
      : { url: context.appleProfileUrl, qrCode: await qrCodeImage(context.appleProfileUrl) },
  }
}
