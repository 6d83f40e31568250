/**
 * Mozilla autoconfig (`<clientConfig version="1.1">`), the format Thunderbird, Thunderbird for Android (K-9),
 * Evolution, KMail, FairEmail and eM Client read.
 *
 * How clients use it: Thunderbird GETs `https://autoconfig.<domain>/mail/config-v1.1.xml?emailaddress=…`, then
 * `https://<domain>/.well-known/autoconfig/mail/config-v1.1.xml`, then the ISPDB (`…/v1.1/<domain>`), and takes
 * the first 2xx answer whose Content-Type starts with `text/xml` or `application/xml`. It uses the first usable
 * `incomingServer` and `outgoingServer` (repeated servers are alternatives in order of preference) and the first
 * `authentication` it supports; placeholders such as `%EMAILADDRESS%` are substituted by the client, so the
 * document does not depend on the address and is rendered once per provider.
 *
 * Spec: https://wiki.mozilla.org/Thunderbird:Autoconfiguration:ConfigFileFormat (v1.1) and its successor
 * https://datatracker.ietf.org/doc/draft-ietf-mailmaint-autoconfig/ (v1.2). Thunderbird's reader:
 * comm-central mail/components/accountcreation/modules/readFromXML.sys.mjs.
 */
import { mxDomainOf, type AuthMethod, type IncomingServer, type LocalizedText, type OutgoingServer, type Provider, type Security } from '../model/provider.ts'
import { ATTR, buildXml, type XmlNode, type XmlValue } from './xml.ts'

/** `<socketType>`: "SSL" is implicit TLS, "STARTTLS" the mandatory upgrade, "plain" none (config-v1.1). */
export const SOCKET_TYPE = {
  tls: 'SSL',
  starttls: 'STARTTLS',
  plain: 'plain',
} as const satisfies Record<Security, string>

/** `<authentication>` values, spelled as Thunderbird's readFromXML matches them (case-sensitive). */
export const AUTHENTICATION = {
  'password-cleartext': 'password-cleartext',
  'password-encrypted': 'password-encrypted',
  oauth2: 'OAuth2',
  ntlm: 'NTLM',
  gssapi: 'GSSAPI',
  'client-ip-address': 'client-IP-address',
  'tls-client-cert': 'TLS-client-cert',
  'smtp-after-pop': 'smtp-after-pop',
  none: 'none',
} as const satisfies Record<AuthMethod, string>

/** `<addressBook>`/`<calendar>` authentication (config-v1.1 wording). */
export const DAV_AUTHENTICATION = {
  'http-basic': 'http-basic',
  'http-digest': 'http-digest',
  oauth2: 'OAuth2',
} as const satisfies Record<NonNullable<Provider['calendar']>['auth'][number], string>

export interface AutoconfigContext {
  /** The domain asked about; listed first if the provider's own list does not name it (a wildcard match). */
  domain?: string
}

function localized (items: readonly LocalizedText[]): XmlNode[] {
  return items.map((item) => ({ [`${ATTR}lang`]: item.lang, '#text': item.text }))
}

function serverNode (server: IncomingServer | OutgoingServer): XmlNode {
  return {
    [`${ATTR}type`]: server.type,
    hostname: server.host,
    port: server.port,
    socketType: SOCKET_TYPE[server.security],
    username: server.username,
    authentication: server.auth.map((method) => AUTHENTICATION[method]),
  }
}

function incomingNode (server: IncomingServer): XmlNode {
  const node = serverNode(server)
  const pop3 = server.pop3
  if (pop3 !== undefined) {
    node.pop3 = {
      leaveMessagesOnServer: pop3.leaveMessagesOnServer?.toString(),
      downloadOnBiff: pop3.downloadOnBiff?.toString(),
      daysToLeaveMessagesOnServer: pop3.daysToLeaveMessagesOnServer,
      checkInterval: pop3.checkIntervalMinutes === undefined ? undefined : { [`${ATTR}minutes`]: pop3.checkIntervalMinutes },
    }
  }
  return node
}

function outgoingNode (server: OutgoingServer): XmlNode {
  const node = serverNode(server)
  // config-v1.1: <restriction>client-IP-address</restriction>, "server only usable from the ISP's network".
  if (server.restriction !== undefined) node.restriction = AUTHENTICATION[server.restriction]
  return node
}

function locator (field: { id?: string | undefined, name?: string | undefined } | undefined): XmlNode | undefined {
  return field === undefined ? undefined : { [`${ATTR}id`]: field.id, [`${ATTR}name`]: field.name }
}

function davNode (type: 'carddav' | 'caldav', service: Provider['calendar']): XmlNode | undefined {
  if (service === undefined) return undefined
  return {
    [`${ATTR}type`]: type,
    username: service.username,
    authentication: service.auth.map((method) => DAV_AUTHENTICATION[method]),
    serverURL: service.url,
  }
}

/**
 * The `<domain>` list: the exact domains (the asked-for one first when it is not among them), then each MX domain
 * once as `<domain purpose="mx">` (autoconfig 1.2 draft; clients that do not know `purpose` read it as one more
 * domain, which is what it is for an ISPDB lookup by MX).
 */
function domainList (provider: Provider, context: AutoconfigContext): XmlValue[] {
  const exact = provider.domains.filter((d) => !d.startsWith('*.'))
  const asked = context.domain
  const listed: XmlValue[] = asked !== undefined && !exact.includes(asked) ? [asked, ...exact] : exact
  const mxDomains = new Set((provider.mx ?? []).map(mxDomainOf).filter((d) => d.includes('.') && !exact.includes(d)))
  return [...listed, ...[...mxDomains].map((d) => ({ [`${ATTR}purpose`]: 'mx', '#text': d }))]
}

/** Renders a provider as a config-v1.1 document. Pure: the same input always gives the same bytes. */
export function renderAutoconfig (provider: Provider, context: AutoconfigContext = {}): string {
  const { enable, webmail, oauth2 } = provider
  return buildXml({
    clientConfig: {
      [`${ATTR}version`]: '1.1',
      emailProvider: {
        [`${ATTR}id`]: provider.id,
        domain: domainList(provider, context),
        displayName: provider.name,
        displayShortName: provider.shortName,
        incomingServer: provider.incoming.map(incomingNode),
        outgoingServer: provider.outgoing.map(outgoingNode),
        documentation: provider.documentation.map((doc) => ({ [`${ATTR}url`]: doc.url, descr: localized(doc.descriptions) })),
        enable: enable === undefined ? undefined : { [`${ATTR}visiturl`]: enable.url, instruction: localized(enable.instructions) },
      },
      webMail: webmail === undefined
        ? undefined
        : {
            loginPage: webmail.loginPage === undefined ? undefined : { [`${ATTR}url`]: webmail.loginPage },
            loginPageInfo: webmail.loginPageInfo === undefined
              ? undefined
              : {
                  [`${ATTR}url`]: webmail.loginPageInfo.url,
                  // Not in config-v1.1; the ISPDB uses it (t-online.de) for logins that pass a central sign-in page.
                  [`${ATTR}waitForRedirectionURLPrefix`]: webmail.loginPageInfo.waitForRedirectionUrlPrefix,
                  username: webmail.loginPageInfo.username,
                  usernameField: locator(webmail.loginPageInfo.usernameField),
                  passwordField: locator(webmail.loginPageInfo.passwordField),
                  loginButton: locator(webmail.loginPageInfo.loginButton),
                },
          },
      oAuth2: oauth2 === undefined
        ? undefined
        : { issuer: oauth2.issuer, scope: oauth2.scope, authURL: oauth2.authUrl, tokenURL: oauth2.tokenUrl },
      addressBook: davNode('carddav', provider.addressBook),
      calendar: davNode('caldav', provider.calendar),
    },
  })
}
