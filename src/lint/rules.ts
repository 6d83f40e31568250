/**
 * The `check --strict` rules: what ISPDB reviewers look for in a provider's settings (thunderbird/autoconfig
 * issue #5: all configs must have SSL or STARTTLS, hostnames must belong to the provider, settings must match
 * the provider's documentation and work when tested), as warnings with permanent codes. A provider file accepts
 * a warning under `acceptedWarnings` with the reason; the rules themselves never read that key.
 */
import { DEFAULT_PORTS, type AuthMethod, type MailServer, type Provider, type ServerType } from '../model/provider.ts'
import type { WarningCode } from './codes.ts'

export interface Finding {
  code: WarningCode
  /** Where in the provider file, as keys and indexes (`incoming.0.port`). */
  path: Array<string | number>
  message: string
}

export interface Rule {
  code: WarningCode
  /** One line for the documentation table. */
  summary: string
  check (provider: Provider): Array<Omit<Finding, 'code'>>
}

/** Methods that involve no login name: the server admits by network, by an earlier POP3 login, or not at all. */
const NO_LOGIN = new Set<AuthMethod>(['none', 'client-ip-address', 'smtp-after-pop', 'tls-client-cert'])
/** Outgoing methods that only work from inside the provider's own network. */
const NETWORK_ONLY = new Set<AuthMethod>(['none', 'client-ip-address'])

/** Ports that speak TLS from the first byte (RFC 8314 §7.3) and ports that start in plain text. */
const IMPLICIT_TLS_PORTS = new Set([993, 995, 465])
const PLAIN_START_PORTS = new Set([143, 110, 587, 25])

/** The registered ports of each protocol (IMAP RFC 9051, POP3 RFC 1939, SMTP RFC 5321/6409/8314). */
const PROTOCOL_PORTS: Record<ServerType, readonly number[]> = {
  imap: [DEFAULT_PORTS.imap.starttls, DEFAULT_PORTS.imap.tls],
  pop3: [DEFAULT_PORTS.pop3.starttls, DEFAULT_PORTS.pop3.tls],
  smtp: [25, DEFAULT_PORTS.smtp.tls, DEFAULT_PORTS.smtp.starttls],
}
const PROTOCOL_NAMES: Record<ServerType, string> = { imap: 'IMAP', pop3: 'POP3', smtp: 'SMTP' }

interface Located { server: MailServer, path: Array<string | number> }

function servers (provider: Provider): Located[] {
  return [
    ...provider.incoming.map((server, index) => ({ server, path: ['incoming', index] })),
    ...provider.outgoing.map((server, index) => ({ server, path: ['outgoing', index] })),
  ]
}

function label (server: MailServer): string {
  return `${PROTOCOL_NAMES[server.type]} server ${server.host}:${server.port}`
}

function logsIn (server: MailServer): boolean {
  return server.auth.some((method) => !NO_LOGIN.has(method))
}

function isIpAddress (host: string): boolean {
  return /^[0-9.]+$/.test(host) || host.includes(':')
}

/** True when `host` is one of the domains or a name under one of them (`*.example.com` covers both forms). */
function withinDomains (host: string, domains: readonly string[]): boolean {
  return domains.some((pattern) => {
    const domain = pattern.startsWith('*.') ? pattern.slice(2) : pattern
    return host === domain || host.endsWith(`.${domain}`)
  })
}

function listDomains (domains: readonly string[]): string {
  return domains.length <= 3 ? domains.join(', ') : `${domains.slice(0, 3).join(', ')} and ${domains.length - 3} more`
}

export const RULES: readonly Rule[] = [
  {
    code: 'plain-connection',
    summary: 'A server without TLS (`security: plain`): passwords and mail cross the network readable.',
    check: (provider) => servers(provider).flatMap(({ server, path }) => server.security !== 'plain'
      ? []
      : [{ path: [...path, 'security'], message: `${label(server)} has no TLS: ${logsIn(server) ? 'the password and the mail' : 'the mail'} cross the network readable; offer tls or starttls (ISPDB reviewers require one of them)` }]),
  },
  {
    code: 'oauth2-only',
    summary: 'OAuth2 is a server\'s only method: only clients with an OAuth2 registration for that host can log in.',
    check: (provider) => servers(provider).flatMap(({ server, path }) => server.auth.length !== 1 || server.auth[0] !== 'oauth2'
      ? []
      : [{ path: [...path, 'auth'], message: `${label(server)} offers only OAuth2: a client logs in only if it ships an OAuth2 registration for this host (Thunderbird has a fixed list); list a password method after it if the server takes one` }]),
  },
  {
    code: 'no-outgoing-server',
    summary: 'No outgoing server a user can send through from any network (every one is limited to the provider\'s network).',
    check: (provider) => provider.outgoing.some((server) => server.restriction === undefined && !server.auth.every((method) => NETWORK_ONLY.has(method)))
      ? []
      : [{ path: ['outgoing'], message: 'every outgoing server accepts mail only from the provider\'s own network (restriction: client-ip-address, or no login); users elsewhere cannot send. Add an authenticated submission server (port 465 or 587)' }],
  },
  {
    code: 'username-template',
    summary: 'A login name that cannot work: the same for every user, or built from `%REALNAME%`.',
    check: (provider) => servers(provider).flatMap(({ server, path }) => {
      if (!logsIn(server)) return []
      const { username } = server
      let problem: string | undefined
      if (username.includes('%REALNAME%')) problem = 'uses %REALNAME%, the name the user typed for display, which is never a login'
      else if (!username.includes('%EMAILADDRESS%') && !username.includes('%EMAILLOCALPART%')) {
        problem = username.includes('%EMAILDOMAIN%')
          ? 'names the domain but not the mailbox, so every user of a domain would log in alike'
          : 'has no placeholder, so every user would log in with the same name'
      }
      return problem === undefined ? [] : [{ path: [...path, 'username'], message: `${label(server)}: username "${username}" ${problem}; use %EMAILADDRESS% or %EMAILLOCALPART%` }]
    }),
  },
  {
    code: 'port-security-mismatch',
    summary: 'A port that contradicts the security mode: 993/995/465 without implicit TLS, 143/110/587/25 with it.',
    check: (provider) => servers(provider).flatMap(({ server, path }) => {
      if (server.security === 'tls' && PLAIN_START_PORTS.has(server.port)) {
        return [{ path: [...path, 'port'], message: `${label(server)}: port ${server.port} starts in plain text (STARTTLS or none), but security is tls (TLS from the first byte); the handshake fails` }]
      }
      if (server.security !== 'tls' && IMPLICIT_TLS_PORTS.has(server.port)) {
        return [{ path: [...path, 'port'], message: `${label(server)}: port ${server.port} speaks TLS from the first byte, but security is ${server.security}; the connection fails` }]
      }
      return []
    }),
  },
  {
    code: 'port-protocol-mismatch',
    summary: 'A server on another protocol\'s registered port (IMAP on 587, POP3 on 993, …).',
    check: (provider) => servers(provider).flatMap(({ server, path }) => {
      const owner = (Object.keys(PROTOCOL_PORTS) as ServerType[]).find((type) => type !== server.type && PROTOCOL_PORTS[type].includes(server.port))
      return owner === undefined
        ? []
        : [{ path: [...path, 'port'], message: `${label(server)}: port ${server.port} is ${PROTOCOL_NAMES[owner]}'s, not ${PROTOCOL_NAMES[server.type]}'s (${PROTOCOL_PORTS[server.type].join(' or ')})` }]
    }),
  },
  {
    code: 'foreign-hostname',
    summary: 'A server hostname outside the provider\'s own domains, which users cannot tell belongs to the provider.',
    check: (provider) => servers(provider).flatMap(({ server, path }) => {
      // A placeholder host (mail.%EMAILDOMAIN%) is the user's own domain, which the provider serves.
      if (server.host.includes('%') || withinDomains(server.host, provider.domains)) return []
      const what = isIpAddress(server.host) ? 'an IP address, not a name under' : 'outside'
      return [{ path: [...path, 'host'], message: `${label(server)}: ${server.host} is ${what} this provider's domains (${listDomains(provider.domains)}); ISPDB reviewers ask for proof that such a server belongs to the provider` }]
    }),
  },
]

/** Every finding of every rule, in rule order. */
export function lintProvider (provider: Provider): Finding[] {
  return RULES.flatMap((rule) => rule.check(provider).map((finding) => ({ code: rule.code, ...finding })))
}
