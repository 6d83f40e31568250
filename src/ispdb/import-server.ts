/**
 * `<incomingServer>` and `<outgoingServer>` → a provider server. Reads values the way Thunderbird's
 * readFromXML.sys.mjs does (first `hostname`/`port`/`username` wins, the first supported `socketType` wins,
 * `authentication` values are alternatives in order of preference) and reports the rest.
 */
import {
  incomingServer, outgoingServer, PLACEHOLDERS, SECURITIES,
  type AuthMethod, type IncomingType, type Security,
} from '../model/provider.ts'
import { AUTHENTICATION, SOCKET_TYPE } from '../render/autoconfig.ts'
import { CommentTrail, describeIssue, ImportLog, quote } from './import-log.ts'
import { attributeOf, type XmlElement } from './read-xml.ts'
import { checkAttributes, describe, firstOnly, leafText, walkChildren, type Handler } from './walk.ts'

export type Direction = 'incoming' | 'outgoing'

/** config-v1.1 `<socketType>` → our security; the inverse of the renderer's table, so the two cannot drift. */
const SECURITY_BY_SOCKET_TYPE = new Map<string, Security>(SECURITIES.map((security) => [SOCKET_TYPE[security], security]))

/** config-v1.1 `<authentication>` → our method: the renderer's spellings plus the aliases Thunderbird accepts. */
const AUTH_BY_NAME = new Map<string, { method: AuthMethod, why?: string }>([
  ...Object.entries(AUTHENTICATION).map(([method, name]) => [name, { method: method as AuthMethod }] as const),
  ['plain', { method: 'password-cleartext', why: '"plain" is the deprecated name of password-cleartext (Thunderbird 3.0)' }],
  ['secure', { method: 'password-encrypted', why: '"secure" is the deprecated name of password-encrypted (Thunderbird 3.0)' }],
  ['SMTP-after-POP', { method: 'smtp-after-pop', why: 'the spec spells it SMTP-after-POP, but Thunderbird matches only smtp-after-pop' }],
])

const OUTGOING_ONLY_AUTH = new Set<AuthMethod>(['none', 'client-ip-address', 'smtp-after-pop'])

/** Server types Thunderbird knows but the provider model does not describe, and why each is left out. */
const UNSERVED_TYPES: Record<string, string> = {
  exchange: 'the legacy combined Exchange entry (owaURL/ewsURL) for Exchange add-ons',
  ews: 'an Exchange Web Services endpoint (a URL, not a mail protocol server)',
  owa: 'an Outlook Web Access endpoint (a URL, not a mail protocol server)',
  graph: 'a Microsoft Graph endpoint (a URL, not a mail protocol server)',
  activesync: 'an Exchange ActiveSync endpoint (a URL, not a mail protocol server)',
  jmap: 'a JMAP endpoint (a URL, not a mail protocol server)',
  nntp: 'a news server, not a mailbox',
}

const INCOMING_TYPES_ACCEPTED: readonly IncomingType[] = ['imap', 'pop3']

/** Restores a broken or mis-cased placeholder (`%EMAILADDRESS` → `%EMAILADDRESS%`); reports each repair. */
export function repairPlaceholders (value: string, line: number, what: string, log: ImportLog): string {
  const known = new Set<string>(PLACEHOLDERS)
  return value.replace(/%([A-Za-z]+)(%?)/g, (token, name: string, closing: string) => {
    const proper = `%${name.toUpperCase()}%`
    if (!known.has(proper) || token === proper) return token
    log.fixed(line, `${what} ${quote(value)}: placeholder ${token} ${closing === '' ? 'lacks its closing "%"' : 'is mis-cased'}; written as ${proper} (clients replace only the exact name and would send the text literally)`)
    return proper
  })
}

function parsePort (text: string): number | undefined {
  if (!/^\d{1,5}$/.test(text)) return undefined
  const port = Number(text)
  return port >= 1 && port <= 65535 ? port : undefined
}

function parseBoolean (element: XmlElement, log: ImportLog): boolean | undefined {
  const text = leafText(element, log)
  if (/^(true|false)$/i.test(text)) {
    if (text !== text.toLowerCase()) log.fixed(element.line, `<${element.name}> ${quote(text)} read as ${text.toLowerCase()}`)
    return text.toLowerCase() === 'true'
  }
  log.dropped(element.line, `<${element.name}> ${quote(text)} is not true or false`)
  return undefined
}

function parseCount (element: XmlElement, text: string, min: number, log: ImportLog): number | undefined {
  if (/^\d+$/.test(text) && Number(text) >= min) return Number(text)
  log.dropped(element.line, `<${element.name}> ${quote(text)} is not a whole number of at least ${min}`)
  return undefined
}

function readPop3 (element: XmlElement, log: ImportLog, comments: CommentTrail): Record<string, unknown> {
  checkAttributes(element, [], log)
  const options: Record<string, unknown> = {}
  const context = { log, comments }
  const bool = (key: string): Handler => firstOnly(log, (child) => {
    const value = parseBoolean(child, log)
    if (value === undefined) return undefined
    options[key] = value
    return [key]
  })
  walkChildren(element, {
    leaveMessagesOnServer: bool('leaveMessagesOnServer'),
    downloadOnBiff: bool('downloadOnBiff'),
    daysToLeaveMessagesOnServer: firstOnly(log, (child) => {
      const days = parseCount(child, leafText(child, log), 0, log)
      if (days === undefined) return undefined
      options.daysToLeaveMessagesOnServer = days
      return ['daysToLeaveMessagesOnServer']
    }),
    // config-v1.1: <checkInterval minutes="15"/>, for servers that refuse more frequent checks.
    checkInterval: firstOnly(log, (child) => {
      leafText(child, log, ['minutes'])
      const minutes = parseCount(child, attributeOf(child, 'minutes') ?? '', 1, log)
      if (minutes === undefined) return undefined
      options.checkIntervalMinutes = minutes
      return ['checkIntervalMinutes']
    }),
  }, context)
  return options
}

function serverType (element: XmlElement, direction: Direction, log: ImportLog): string | undefined {
  checkAttributes(element, ['type'], log)
  const written = attributeOf(element, 'type')?.trim()
  if (direction === 'outgoing') {
    if (written === undefined) {
      log.fixed(element.line, '<outgoingServer> without type: read as type="smtp", the only outgoing type')
      return 'smtp'
    }
    if (written.toLowerCase() === 'smtp') {
      if (written !== 'smtp') log.fixed(element.line, `type="${written}" read as "smtp"`)
      return 'smtp'
    }
    log.dropped(element.line, `<outgoingServer type="${written}">: outgoing servers are SMTP; this one was not carried over`)
    return undefined
  }
  if (written === undefined) {
    log.dropped(element.line, '<incomingServer> without type: Thunderbird skips it, and so does the import')
    return undefined
  }
  const lower = written.toLowerCase()
  if ((INCOMING_TYPES_ACCEPTED as readonly string[]).includes(lower)) {
    if (written !== lower) log.fixed(element.line, `type="${written}" read as "${lower}" (Thunderbird matches the lower-case name only)`)
    return lower
  }
  const why = UNSERVED_TYPES[lower] ?? 'not a server type of the autoconfig format'
  log.dropped(element.line, `${describe(element)}: ${why}; the provider model describes IMAP, POP3 and SMTP servers only, so this server (and its contents) was not carried over`)
  return undefined
}

function notCarriedOver (element: XmlElement, why: string, comments: CommentTrail, log: ImportLog): undefined {
  log.dropped(element.line, `${describe(element)} not carried over: ${why}`)
  for (const comment of comments.placed) log.dropped(element.line, `comment ${quote(comment.text)} inside that server`)
  return undefined
}

export interface ImportedServer {
  server: Record<string, unknown>
  /** Comments inside the server, relative to it. */
  comments: CommentTrail
}

/**
 * Converts one server element. `fallbackUsername` is the username of the first incoming server, used for an
 * outgoing server that logs in but names no username (Thunderbird would send the text "undefined").
 */
export function importServer (element: XmlElement, direction: Direction, log: ImportLog, fallbackUsername: string | undefined): ImportedServer | undefined {
  const type = serverType(element, direction, log)
  if (type === undefined) return undefined
  // A server that is not carried over takes its notes with it: they are collected apart and kept either way,
  // but comments are only placed when the server lands.
  const comments = new CommentTrail()
  const context = { log, comments }
  const hostnames: string[] = []
  let port: number | undefined
  let portText: string | undefined
  const securities: Array<{ security: Security, line: number }> = []
  let username: string | undefined
  const auth: AuthMethod[] = []
  let sawAuthentication = false
  let pop3: Record<string, unknown> | undefined
  let restriction: string | undefined
  let unusable: string | undefined

  const handlers: Record<string, Handler> = {
    hostname: firstOnly(log, (child) => {
      hostnames.push(leafText(child, log))
      return ['host']
    }),
    port: firstOnly(log, (child) => {
      portText = leafText(child, log)
      port = parsePort(portText)
      return ['port']
    }),
    socketType: (child) => {
      const text = leafText(child, log)
      const exact = SECURITY_BY_SOCKET_TYPE.get(text)
      const loose = exact ?? [...SECURITY_BY_SOCKET_TYPE].find(([name]) => name.toLowerCase() === text.toLowerCase())?.[1]
      if (loose === undefined) {
        log.dropped(child.line, `<socketType> ${quote(text)} is not SSL, STARTTLS or plain`)
        return undefined
      }
      if (exact === undefined) log.fixed(child.line, `<socketType> ${quote(text)} read as ${SOCKET_TYPE[loose]} (Thunderbird matches the exact spelling only)`)
      securities.push({ security: loose, line: child.line })
      return securities.length === 1 ? ['security'] : undefined
    },
    username: firstOnly(log, (child) => {
      username = repairPlaceholders(leafText(child, log), child.line, '<username>', log)
      return ['username']
    }),
    authentication: (child) => {
      sawAuthentication = true
      const text = leafText(child, log)
      const known = AUTH_BY_NAME.get(text) ?? [...AUTH_BY_NAME].find(([name]) => name.toLowerCase() === text.toLowerCase())?.[1]
      if (known === undefined) {
        log.dropped(child.line, `<authentication> ${quote(text)} is not an authentication method of the autoconfig format`)
        return undefined
      }
      if (known.why !== undefined) log.fixed(child.line, `<authentication> ${quote(text)} read as ${AUTHENTICATION[known.method]}: ${known.why}`)
      else if (AUTHENTICATION[known.method] !== text) log.fixed(child.line, `<authentication> ${quote(text)} read as ${AUTHENTICATION[known.method]} (Thunderbird matches the exact spelling only)`)
      if (direction === 'incoming' && OUTGOING_ONLY_AUTH.has(known.method)) {
        log.dropped(child.line, `<authentication> ${text} on an incoming server: it means "no login", which only an outgoing server can offer`)
        return undefined
      }
      if (auth.includes(known.method)) {
        log.dropped(child.line, `<authentication> ${text} is listed twice; kept once`)
        return undefined
      }
      auth.push(known.method)
      return ['auth']
    },
    password: (child) => {
      log.dropped(child.line, '<password>: a password has no place in a configuration served to everyone')
      return undefined
    },
    pop3: firstOnly(log, (child) => {
      if (type !== 'pop3') {
        log.dropped(child.line, `<pop3> options on a ${type} server have no effect`)
        return undefined
      }
      const nested = new CommentTrail()
      pop3 = readPop3(child, log, nested)
      comments.adopt(nested, ['pop3'])
      return ['pop3']
    }),
    restriction: firstOnly(log, (child) => {
      const text = leafText(child, log)
      if (direction === 'outgoing' && text.toLowerCase() === 'client-ip-address') {
        restriction = 'client-ip-address'
        return ['restriction']
      }
      log.dropped(child.line, `<restriction> ${quote(text)}: only client-IP-address on an outgoing server is defined`)
      return undefined
    }),
    addThisServer: (child) => {
      log.dropped(child.line, `<addThisServer> ${quote(leafText(child, log))}: Thunderbird ignores it since 2024 (comm-central f9189fceaf), and the spec left it "to client/user"`)
      return undefined
    },
    useGlobalPreferredServer: (child) => {
      const value = leafText(child, log)
      const why = value === 'false'
        ? 'false is what Thunderbird assumes anyway'
        : 'whether a client uses its default outgoing server is the user\'s choice, not the provider\'s; the model has no such field'
      log.dropped(child.line, `<useGlobalPreferredServer> ${quote(value)}: ${why}`)
      return undefined
    },
  }
  for (const name of ['url', 'owaURL', 'ewsURL', 'easURL']) {
    handlers[name] = (child) => {
      log.dropped(child.line, `<${name}> ${quote(leafText(child, log))} on a ${type} server: only Exchange-type servers use it`)
      return undefined
    }
  }
  walkChildren(element, handlers, context)

  const host = hostnames[0]
  if (host === undefined || host === '') unusable = 'it has no <hostname>'
  else if (securities.length === 0) unusable = 'it has no usable <socketType> (Thunderbird skips such a server)'
  else if (sawAuthentication && auth.length === 0) unusable = 'none of its <authentication> methods is usable here (Thunderbird skips such a server)'
  else if (portText !== undefined && port === undefined) unusable = `its <port> ${quote(portText)} is not a number from 1 to 65535`
  else if (portText === undefined && direction === 'outgoing') unusable = 'it has no <port>, which Thunderbird requires on an outgoing server'
  if (unusable !== undefined) return notCarriedOver(element, unusable, comments, log)
  const [first, ...alternatives] = securities
  for (const other of alternatives) {
    log.dropped(other.line, `alternative <socketType> ${SOCKET_TYPE[other.security]}: Thunderbird uses the first supported one (${SOCKET_TYPE[first!.security]}), and a server here has one security mode; list another server to offer both`)
  }
  if (!sawAuthentication) {
    auth.push('password-cleartext')
    log.fixed(element.line, `${describe(element)} has no <authentication>: password-cleartext assumed`)
  }
  if (username === undefined) {
    const logsIn = auth.some((method) => !OUTGOING_ONLY_AUTH.has(method))
    username = logsIn ? fallbackUsername ?? '%EMAILADDRESS%' : '%EMAILADDRESS%'
    log.fixed(element.line, logsIn
      ? `${describe(element)} logs in but has no <username> (Thunderbird would send the text "undefined"); using ${username}, the login of the first incoming server`
      : `${describe(element)} has no <username>; none is needed without login, and the model's default ${username} is written (clients do not use it)`)
  }
  if (portText === undefined) {
    log.fixed(element.line, `${describe(element)} has no <port>: the standard port for ${type} with ${SOCKET_TYPE[first!.security]} is used`)
  }

  const server: Record<string, unknown> = {
    ...(direction === 'incoming' ? { type } : {}),
    host,
    ...(port === undefined ? {} : { port }),
    security: first!.security,
    auth,
    username,
    ...(pop3 === undefined || Object.keys(pop3).length === 0 ? {} : { pop3 }),
    ...(restriction === undefined ? {} : { restriction }),
  }
  const checked = (direction === 'incoming' ? incomingServer : outgoingServer).safeParse(server, { reportInput: true })
  if (!checked.success) {
    const reasons = checked.error.issues.map(describeIssue).join('; ')
    return notCarriedOver(element, reasons, comments, log)
  }
  return { server, comments }
}
