/**
 * Microsoft autodiscover "POX" answers for IMAP/POP3/SMTP accounts, the format Outlook (classic and Mac),
 * eM Client, many Android apps and Thunderbird's Exchange fallback read.
 *
 * How clients use it: Outlook POSTs a request naming the address to `https://<domain>/autodiscover/autodiscover.xml`,
 * then `https://autodiscover.<domain>/…`, then follows an http redirect or the `_autodiscover._tcp` SRV record
 * (MS-OXDISCO §3.1.5). From the answer's single `Account` it takes one `Protocol` per server, in order. Unlike
 * Mozilla autoconfig, the client substitutes nothing: `LoginName` and hosts are filled in here from the address
 * asked about. Thunderbird reads the same answer (ExchangeAutoDiscover.sys.mjs) but ignores the SSL/TLS
 * distinction and guesses implicit TLS or STARTTLS from the port, so ports must match the security mode.
 *
 * Spec: [MS-OXDSCLI] Autodiscover Publishing and Lookup Protocol, §2.2.4 (response) and §3.2.5 (server rules),
 * https://learn.microsoft.com/en-us/openspecs/exchange_server_protocols/ms-oxdscli/41e9fa78-733b-4eea-9545-046580854ec5 ;
 * the POX element reference, https://learn.microsoft.com/en-us/exchange/client-developer/web-service-reference/pox-autodiscover-response-for-exchange .
 * Defaults matter: an omitted `SPA` means "on" and an omitted `SSL` means "on", so every element is written.
 */
import { OUTLOOK_RESPONSE_SCHEMAS, RESPONSE_NAMESPACE, type OutlookSchema } from './autodiscover-schemas.ts'
import type { EmailAddress } from '../model/email-address.ts'
import { fillPlaceholders } from '../model/placeholders.ts'
import type { AuthMethod, IncomingServer, OutgoingServer, Provider, Security, ServerType } from '../model/provider.ts'
import { ATTR, buildXml, type XmlNode } from './xml.ts'

type OnOff = 'on' | 'off'

/** `Type` (type-pox): `POP3`, never `POP`, which Outlook does not recognise. */
export const PROTOCOL_TYPE = {
  imap: 'IMAP',
  pop3: 'POP3',
  smtp: 'SMTP',
} as const satisfies Record<ServerType, string>

/**
 * `SSL` ([MS-OXDSCLI] §2.2.4.1.1.2.6.44, https://learn.microsoft.com/en-us/openspecs/exchange_server_protocols/ms-oxdscli/a02659dd-76df-4633-ae19-a84da35112f7):
 * "on" means the connection is encrypted, either way; only a plain connection is "off". Absent means "on".
 */
export const SSL = {
  tls: 'on',
  starttls: 'on',
  plain: 'off',
} as const satisfies Record<Security, OnOff>

/**
 * `Encryption` ([MS-OXDSCLI] v20210817, which says it overrides `SSL` when present): `SSL` is implicit TLS from
 * the first byte (Outlook's "SSL/TLS"), `TLS` is the STARTTLS upgrade, `None` is plain. Writing `TLS` for
 * port 993 or 465 makes Outlook wait for a STARTTLS greeting that never comes (stalwartlabs/stalwart#3248).
 */
export const ENCRYPTION = {
  tls: 'SSL',
  starttls: 'TLS',
  plain: 'None',
} as const satisfies Record<Security, string>

/**
 * `SPA` (spa-pox, Secure Password Authentication): "on" makes Outlook use NTLM/Kerberos, so it is "on" only
 * for a server that offers NTLM or GSSAPI. Absent means "on", which breaks password logins; hence always written.
 */
export const SPA = {
  'password-cleartext': 'off',
  'password-encrypted': 'off',
  oauth2: 'off',
  ntlm: 'on',
  gssapi: 'on',
  'client-ip-address': 'off',
  'tls-client-cert': 'off',
  'smtp-after-pop': 'off',
  none: 'off',
} as const satisfies Record<AuthMethod, OnOff>

/**
 * `AuthRequired` (authrequired-pox): whether the server wants credentials. Methods that admit a client
 * without a login (by network, by an earlier POP3 login, or not at all) do not require them.
 */
export const AUTH_REQUIRED = {
  'password-cleartext': 'on',
  'password-encrypted': 'on',
  oauth2: 'on',
  ntlm: 'on',
  gssapi: 'on',
  'tls-client-cert': 'on',
  'client-ip-address': 'off',
  'smtp-after-pop': 'off',
  none: 'off',
} as const satisfies Record<AuthMethod, OnOff>

export interface AutodiscoverContext {
  /** The address the client asked about; fills `%EMAILADDRESS%`, `%EMAILLOCALPART%`, `%EMAILDOMAIN%`. */
  address: EmailAddress
  /** The Outlook response schema the client asked for. */
  schema: OutlookSchema
}

/** What the answer does: give settings, or send the client elsewhere (action-pox). */
export type AutodiscoverAction =
  | { action: 'settings' }
  | { action: 'redirectUrl', url: string }
  | { action: 'redirectAddr', address: string }

function anyOn (methods: readonly AuthMethod[], table: Record<AuthMethod, OnOff>): OnOff {
  return methods.some((method) => table[method] === 'on') ? 'on' : 'off'
}

function protocolNode (server: IncomingServer | OutgoingServer, address: EmailAddress): XmlNode {
  return {
    Type: PROTOCOL_TYPE[server.type],
    Server: fillPlaceholders(server.host, address),
    Port: server.port,
    // domainrequired-pox: "on" would ask the user for a Windows domain (NTLM style); mail logins have none.
    DomainRequired: 'off',
    // loginname-pox: the user name to log in with; Thunderbird uses it verbatim.
    LoginName: fillPlaceholders(server.username, address),
    SPA: anyOn(server.auth, SPA),
    SSL: SSL[server.security],
    Encryption: ENCRYPTION[server.security],
    AuthRequired: anyOn(server.auth, AUTH_REQUIRED),
  }
}

function smtpNode (server: OutgoingServer, provider: Provider, address: EmailAddress): XmlNode {
  const node = protocolNode(server, address)
  // usepopauth-pox: "on" lets Outlook reuse the incoming server's credentials, which is right when the SMTP
  // login is the same; a different login name is given in LoginName with UsePOPAuth "off".
  const sameLogin = provider.incoming[0]?.username === server.username
  node.UsePOPAuth = node.AuthRequired === 'on' && sameLogin ? 'on' : 'off'
  // smtplast-pox: "on" makes Outlook download mail before sending, which SMTP-after-POP servers need.
  node.SMTPLast = server.auth.includes('smtp-after-pop') ? 'on' : 'off'
  return node
}

function document (schema: OutlookSchema, response: XmlNode): string {
  return buildXml({
    Autodiscover: {
      [`${ATTR}xmlns`]: RESPONSE_NAMESPACE,
      Response: { [`${ATTR}xmlns`]: OUTLOOK_RESPONSE_SCHEMAS[schema], ...response },
    },
  })
}

/**
 * What to answer for `address`. `redirectUrl` hands Outlook to another autodiscover server (a domain on
 * Exchange Online); `redirectAddr` restarts autodiscover for another address, unless that is the address
 * already asked about, which would loop. When a provider sets both, the server redirect wins.
 */
export function autodiscoverAction (provider: Provider, address: EmailAddress): AutodiscoverAction {
  const options = provider.autodiscover
  if (options?.redirectUrl !== undefined) return { action: 'redirectUrl', url: options.redirectUrl }
  if (options?.redirectAddr !== undefined) {
    const target = fillPlaceholders(options.redirectAddr, address)
    if (target.toLowerCase() !== address.address.toLowerCase()) return { action: 'redirectAddr', address: target }
  }
  return { action: 'settings' }
}

/** The settings answer: the user, then one `Account` with a `Protocol` per server, incoming first. */
export function renderAutodiscoverSettings (provider: Provider, context: AutodiscoverContext): string {
  const { address } = context
  return document(context.schema, {
    // user-pox: DisplayName is the user's name, which a server does not know; the address is what Outlook
    // shows until the user types a name. AutoDiscoverSMTPAddress is the address the settings are for.
    User: { DisplayName: address.address, AutoDiscoverSMTPAddress: address.address },
    Account: {
      AccountType: 'email',
      Action: 'settings',
      Protocol: [
        ...provider.incoming.map((server) => protocolNode(server, address)),
        ...provider.outgoing.map((server) => smtpNode(server, provider, address)),
      ],
    },
  })
}

/** A redirect answer (redirecturl-pox, redirectaddr-pox): the client starts over with the new URL or address. */
export function renderAutodiscoverRedirect (redirect: Exclude<AutodiscoverAction, { action: 'settings' }>, schema: OutlookSchema): string {
  return document(schema, {
    Account: redirect.action === 'redirectUrl'
      ? { AccountType: 'email', Action: 'redirectUrl', RedirectUrl: redirect.url }
      : { AccountType: 'email', Action: 'redirectAddr', RedirectAddr: redirect.address },
  })
}

/** The whole answer for a request: settings or a redirect, as `autodiscoverAction` decides. */
export function renderAutodiscover (provider: Provider, context: AutodiscoverContext): string {
  const action = autodiscoverAction(provider, context.address)
  return action.action === 'settings' ? renderAutodiscoverSettings(provider, context) : renderAutodiscoverRedirect(action, context.schema)
}
