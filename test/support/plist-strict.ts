/**
 * A strict reader for configuration profiles, standing in for `plutil -lint` plus Apple's schema: the XML must be a
 * well-formed Apple plist (declaration, Apple's DOCTYPE, `<plist version="1.0">`, one root element) that the `plist`
 * library reads back, and every payload must hold only the keys Apple defines for its `PayloadType`, each with its
 * type, the required ones present, no empty values, integers written as `<integer>`.
 *
 * The schema tables are written out from Apple's own, github.com/apple/device-management `mdm/profiles/TopLevel.yaml`,
 * `CommonPayloadKeys.yaml`, `com.apple.mail.managed.yaml`, `com.apple.caldav.account.yaml` and
 * `com.apple.carddav.account.yaml` (summarised in ../shared/reference/apple-mobileconfig.md), never from the renderer.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser'
import { parse, type PlistValue } from 'plist'

export type PlistDict = { [key: string]: PlistValue }

/** Apple's value types (`<string>`, `<integer>`, `<real>`, `<boolean>`, `<date>`, `<data>`, `<array>`, `<dictionary>`). */
type KeyType = 'string' | 'integer' | 'real' | 'boolean' | 'date' | 'data' | 'array' | 'dict'

interface KeySpec {
  type: KeyType
  required?: true
  /** Apple's `rangelist`: the only values allowed. */
  values?: ReadonlyArray<string | number>
  /** Apple's `format`, or ours where Apple's text says what the value is. */
  format?: RegExp
}

type Schema = Readonly<Record<string, KeySpec>>

export const UUID_FORMAT = /^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/i
/** com.apple.mail.managed.yaml's `format` for the certificate UUIDs. */
const APPLE_UUID_FORMAT = /^[0-9A-Za-z]{8}-[0-9A-Za-z]{4}-[0-9A-Za-z]{4}-[0-9A-Za-z]{4}-[0-9A-Za-z]{12}$/

export const EMAIL_ACCOUNT_TYPES = ['EmailTypeIMAP', 'EmailTypePOP'] as const
export const EMAIL_AUTH_VALUES = ['EmailAuthNone', 'EmailAuthPassword', 'EmailAuthCRAMMD5', 'EmailAuthNTLM', 'EmailAuthHTTPMD5'] as const

/** CommonPayloadKeys.yaml: every payload inside `PayloadContent`. */
const COMMON: Schema = {
  PayloadIdentifier: { type: 'string', required: true },
  PayloadUUID: { type: 'string', required: true, format: UUID_FORMAT },
  PayloadType: { type: 'string', required: true },
  PayloadVersion: { type: 'integer', required: true, values: [1] },
  PayloadDescription: { type: 'string' },
  PayloadDisplayName: { type: 'string' },
  PayloadOrganization: { type: 'string' },
}

/** TopLevel.yaml. */
const TOP_LEVEL: Schema = {
  PayloadIdentifier: { type: 'string', required: true },
  PayloadUUID: { type: 'string', required: true, format: UUID_FORMAT },
  PayloadType: { type: 'string', required: true, values: ['Configuration'] },
  PayloadVersion: { type: 'integer', required: true, values: [1] },
  IsEncrypted: { type: 'boolean' },
  PayloadContent: { type: 'array', required: true },
  EncryptedPayloadContent: { type: 'data' },
  PayloadDescription: { type: 'string' },
  PayloadDisplayName: { type: 'string' },
  HasRemovalPasscode: { type: 'boolean' },
  PayloadOrganization: { type: 'string' },
  PayloadRemovalDisallowed: { type: 'boolean' },
  PayloadScope: { type: 'string', values: ['System', 'User'] },
  RemovalDate: { type: 'date' },
  DurationUntilRemoval: { type: 'real' },
  PayloadExpirationDate: { type: 'date' },
  TargetDeviceType: { type: 'integer', values: [0, 1, 2, 3, 4, 5] },
  ConsentText: { type: 'dict' },
}

/** com.apple.mail.managed.yaml. */
const MAIL: Schema = {
  ...COMMON,
  EmailAccountDescription: { type: 'string' },
  EmailAccountName: { type: 'string' },
  EmailAccountType: { type: 'string', required: true, values: EMAIL_ACCOUNT_TYPES },
  EmailAddress: { type: 'string' },
  IncomingMailServerAuthentication: { type: 'string', required: true, values: EMAIL_AUTH_VALUES },
  IncomingMailServerHostName: { type: 'string', required: true },
  IncomingMailServerPortNumber: { type: 'integer' },
  IncomingMailServerUseSSL: { type: 'boolean' },
  IncomingMailServerUsername: { type: 'string' },
  IncomingPassword: { type: 'string' },
  OutgoingPassword: { type: 'string' },
  OutgoingPasswordSameAsIncomingPassword: { type: 'boolean' },
  OutgoingMailServerAuthentication: { type: 'string', required: true, values: EMAIL_AUTH_VALUES },
  OutgoingMailServerHostName: { type: 'string', required: true },
  OutgoingMailServerPortNumber: { type: 'integer' },
  OutgoingMailServerUseSSL: { type: 'boolean' },
  OutgoingMailServerUsername: { type: 'string' },
  PreventMove: { type: 'boolean' },
  PreventAppSheet: { type: 'boolean' },
  SMIMEEnabled: { type: 'boolean' },
  SMIMESigningEnabled: { type: 'boolean' },
  SMIMESigningCertificateUUID: { type: 'string', format: APPLE_UUID_FORMAT },
  SMIMEEncryptionEnabled: { type: 'boolean' },
  SMIMEEncryptionCertificateUUID: { type: 'string', format: APPLE_UUID_FORMAT },
  SMIMEEnablePerMessageSwitch: { type: 'boolean' },
  disableMailRecentsSyncing: { type: 'boolean' },
  allowMailDrop: { type: 'boolean' },
  IncomingMailServerIMAPPathPrefix: { type: 'string' },
  SMIMESigningUserOverrideable: { type: 'boolean' },
  SMIMESigningCertificateUUIDUserOverrideable: { type: 'boolean' },
  SMIMEEncryptByDefault: { type: 'boolean' },
  SMIMEEncryptByDefaultUserOverrideable: { type: 'boolean' },
  SMIMEEncryptionCertificateUUIDUserOverrideable: { type: 'boolean' },
  SMIMEEnableEncryptionPerMessageSwitch: { type: 'boolean' },
  VPNUUID: { type: 'string' },
}

/** com.apple.caldav.account.yaml. */
const CALDAV: Schema = {
  ...COMMON,
  CalDAVAccountDescription: { type: 'string' },
  CalDAVHostName: { type: 'string', required: true },
  CalDAVUsername: { type: 'string' },
  CalDAVPassword: { type: 'string' },
  CalDAVPrincipalURL: { type: 'string' },
  CalDAVUseSSL: { type: 'boolean' },
  CalDAVPort: { type: 'integer' },
  VPNUUID: { type: 'string' },
}

/** com.apple.carddav.account.yaml. */
const CARDDAV: Schema = {
  ...COMMON,
  CardDAVAccountDescription: { type: 'string' },
  CardDAVHostName: { type: 'string', required: true },
  CardDAVUsername: { type: 'string' },
  CardDAVPassword: { type: 'string' },
  CardDAVPrincipalURL: { type: 'string' },
  CardDAVUseSSL: { type: 'boolean' },
  CardDAVPort: { type: 'integer' },
  CommunicationServiceRules: { type: 'dict' },
  VPNUUID: { type: 'string' },
}

/** The payloads a mail profile may hold, by `PayloadType`. */
export const PAYLOAD_SCHEMAS: Readonly<Record<string, Schema>> = {
  'com.apple.mail.managed': MAIL,
  'com.apple.caldav.account': CALDAV,
  'com.apple.carddav.account': CARDDAV,
}

export const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>'
export const APPLE_DOCTYPE = '<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">'

/** An element of the document as written: its tag (so `<real>` and `<integer>` stay apart) and its content. */
interface Node {
  tag: string
  /** The raw text content (entity references of the five XML names decoded). */
  text: string
  /** A `<dict>`'s entries in document order (duplicates kept), an `<array>`'s items with key undefined. */
  children: Array<{ key: string | undefined, node: Node }>
}

const TAG_TYPE: Readonly<Record<string, KeyType>> = {
  string: 'string',
  integer: 'integer',
  real: 'real',
  true: 'boolean',
  false: 'boolean',
  date: 'date',
  data: 'data',
  array: 'array',
  dict: 'dict',
}

type Ordered = Array<Record<string, unknown>>

const orderedParser = new XMLParser({ preserveOrder: true, trimValues: false, parseTagValue: false, ignoreAttributes: false, processEntities: true, htmlEntities: false })

function elementOf (item: Record<string, unknown>): { tag: string, content: Ordered } | undefined {
  const tag = Object.keys(item).find((name) => name !== ':@' && name !== '#text')
  return tag === undefined ? undefined : { tag, content: item[tag] as Ordered }
}

function textOf (content: Ordered): string {
  return content.map((item) => typeof item['#text'] === 'string' ? item['#text'] : '').join('')
}

function toNode (tag: string, content: Ordered, problems: string[], where: string): Node {
  const node: Node = { tag, text: textOf(content), children: [] }
  const elements = content.map(elementOf).filter((element) => element !== undefined)
  if (tag === 'dict') {
    for (let i = 0; i < elements.length; i += 2) {
      const keyElement = elements[i]!
      const valueElement = elements[i + 1]
      if (keyElement.tag !== 'key') {
        problems.push(`${where}: <${keyElement.tag}> where a <key> belongs`)
        continue
      }
      const key = textOf(keyElement.content)
      if (valueElement === undefined || valueElement.tag === 'key') {
        problems.push(`${where}.${key}: a key without a value`)
        i -= valueElement === undefined ? 0 : 1
        continue
      }
      node.children.push({ key, node: toNode(valueElement.tag, valueElement.content, problems, `${where}.${key}`) })
    }
  } else if (tag === 'array') {
    elements.forEach((element, index) => node.children.push({ key: undefined, node: toNode(element.tag, element.content, problems, `${where}[${index}]`) }))
  } else if (elements.length > 0) {
    problems.push(`${where}: <${tag}> holds elements`)
  }
  return node
}

/** Checks on the text as written, which a parsed value no longer shows. */
function rawProblems (xml: string): string[] {
  const problems: string[] = []
  if (!xml.startsWith(`${XML_DECLARATION}\n`)) problems.push('does not start with the XML declaration <?xml version="1.0" encoding="UTF-8"?>')
  if (!xml.includes(`${APPLE_DOCTYPE}\n<plist version="1.0">`)) problems.push('no Apple plist DOCTYPE followed by <plist version="1.0">')
  // Controls, lone surrogates and U+FFFE/U+FFFF: what XML 1.0's Char production excludes.
  if (/[^\t\n\r\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u.test(xml)) problems.push('holds a character XML 1.0 cannot carry (control, lone surrogate, U+FFFE/U+FFFF)')
  const entity = /&(?!(?:amp|lt|gt|quot|apos|#[0-9]+|#x[0-9A-Fa-f]+);)/.exec(xml)
  if (entity !== null) problems.push(`unescaped "&" at offset ${entity.index}`)
  if (/<real[\s/>]/.test(xml)) problems.push('a <real>: every number in these payloads is an <integer>')
  for (const tag of ['integer', 'real', 'string', 'key', 'date', 'data']) {
    if (new RegExp(`<${tag}\\s*/>|<${tag}>\\s*</${tag}>`).test(xml)) problems.push(`an empty <${tag}>`)
  }
  const validation = XMLValidator.validate(xml)
  if (validation !== true) problems.push(`not well-formed XML: ${validation.err.msg} (line ${validation.err.line})`)
  return problems
}

function typeOf (value: PlistValue): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'array'
  if (value instanceof Date) return 'date'
  if (value instanceof Uint8Array) return 'data'
  return typeof value
}

/** The problems of one dictionary against its schema; `value` is what the plist library read for it. */
function dictProblems (node: Node, value: PlistDict, schema: Schema, where: string): string[] {
  const problems: string[] = []
  const seen = new Set<string>()
  for (const { key, node: child } of node.children) {
    const at = `${where}.${key}`
    if (key === undefined) continue
    if (seen.has(key)) problems.push(`${at}: the key appears twice`)
    seen.add(key)
    const spec = schema[key]
    if (spec === undefined) {
      problems.push(`${at}: not a key Apple's schema defines here`)
      continue
    }
    const written = TAG_TYPE[child.tag]
    if (written !== spec.type) {
      problems.push(`${at}: must be ${spec.type}, is <${child.tag}>`)
      continue
    }
    const read = value[key]
    if (read === undefined) {
      problems.push(`${at}: the plist library did not read it`)
      continue
    }
    if (spec.type === 'integer') {
      if (!/^[+-]?[0-9]+$/.test(child.text)) problems.push(`${at}: <integer>${child.text}</integer> is not an integer`)
      if (typeof read !== 'number' || !Number.isInteger(read)) problems.push(`${at}: read as ${String(read)}, not an integer`)
    }
    if (spec.type === 'string') {
      if (typeof read !== 'string') problems.push(`${at}: read as ${typeOf(read)}, not a string`)
      else if (read.trim() === '') problems.push(`${at}: empty string`)
    }
    if (spec.values !== undefined && !spec.values.includes(read as string | number)) {
      problems.push(`${at}: ${JSON.stringify(read)} is not one of ${spec.values.join(', ')}`)
    }
    if (spec.format !== undefined && (typeof read !== 'string' || !spec.format.test(read))) {
      problems.push(`${at}: ${JSON.stringify(read)} does not match ${String(spec.format)}`)
    }
  }
  for (const [key, spec] of Object.entries(schema)) {
    if (spec.required === true && !seen.has(key)) problems.push(`${where}: required key ${key} is missing`)
  }
  return problems
}

function isDict (value: PlistValue | undefined): value is PlistDict {
  return typeOf(value ?? null) === 'object'
}

/**
 * The `plist` library's reading. Its XML parser (xmldom) reports to `console.error` instead of throwing for some
 * faults (an undefined entity such as `&nbsp;`): those reports are collected here, not printed, and its warnings
 * (a U+FFFD in the text, which a profile may well hold) are dropped.
 */
function readPlist (xml: string): ({ value: PlistValue } | { failure: string }) & { errors: string[] } {
  const errors: string[] = []
  const original = console.error
  console.error = (...args: unknown[]) => {
    const message = String(args[0])
    const error = /^\[xmldom error\]\t(.*)$/s.exec(message)
    if (error !== null) errors.push(error[1]!.trim())
  }
  try {
    return { value: parse(xml), errors }
  } catch (error) {
    return { failure: (error as Error).message.split('\n')[0]!, errors }
  } finally {
    console.error = original
  }
}

/**
 * Everything `plutil -lint` and Apple's schema would object to in a profile, one line each; empty when there is
 * nothing. Never throws.
 */
export function strictProfileProblems (xml: string): string[] {
  const problems = rawProblems(xml)
  const read = readPlist(xml)
  problems.push(...read.errors.map((message) => `the plist library reports: ${message}`))
  if ('failure' in read) return [...problems, `the plist library cannot read it: ${read.failure}`]
  const { value } = read
  let ordered: Ordered
  try {
    ordered = orderedParser.parse(xml) as Ordered
  } catch (error) {
    return [...problems, `not well-formed XML: ${(error as Error).message.split('\n')[0]}`]
  }
  const plist = ordered.map(elementOf).find((element) => element?.tag === 'plist')
  if (plist === undefined) return [...problems, 'no <plist> element']
  const version = ordered.find((item) => 'plist' in item)?.[':@'] as Record<string, string> | undefined
  if (version?.['@_version'] !== '1.0') problems.push('<plist> has no version="1.0"')
  const roots = plist.content.map(elementOf).filter((element) => element !== undefined)
  if (roots.length !== 1 || roots[0]!.tag !== 'dict' || !isDict(value)) return [...problems, 'the <plist> must hold exactly one <dict>']

  const top = toNode('dict', roots[0]!.content, problems, 'profile')
  problems.push(...dictProblems(top, value, TOP_LEVEL, 'profile'))
  const topIdentifier = value.PayloadIdentifier
  const identifiers = new Set<unknown>([topIdentifier])
  const uuids = new Set<unknown>([value.PayloadUUID])
  const content = top.children.find((child) => child.key === 'PayloadContent')?.node
  const payloads = Array.isArray(value.PayloadContent) ? value.PayloadContent : []
  if (content?.tag === 'array') {
    content.children.forEach(({ node }, index) => {
      const payload = payloads[index]
      const where = `PayloadContent[${index}]`
      if (node.tag !== 'dict' || !isDict(payload)) {
        problems.push(`${where}: must be a dict, is <${node.tag}>`)
        return
      }
      const type = payload.PayloadType
      const schema = typeof type === 'string' ? PAYLOAD_SCHEMAS[type] : undefined
      if (schema === undefined) {
        problems.push(`${where}: PayloadType ${JSON.stringify(type)} is not a payload this checker knows`)
        problems.push(...dictProblems(node, payload, COMMON, where))
      } else {
        problems.push(...dictProblems(node, payload, schema, `${where} (${String(type)})`))
      }
      const identifier = payload.PayloadIdentifier
      if (identifiers.has(identifier)) problems.push(`${where}: PayloadIdentifier ${JSON.stringify(identifier)} is not unique in the profile`)
      identifiers.add(identifier)
      if (typeof identifier !== 'string' || typeof topIdentifier !== 'string' || !identifier.startsWith(`${topIdentifier}.`)) {
        problems.push(`${where}: PayloadIdentifier ${JSON.stringify(identifier)} does not start with the profile's ${JSON.stringify(topIdentifier)}`)
      }
      if (uuids.has(payload.PayloadUUID)) problems.push(`${where}: PayloadUUID ${JSON.stringify(payload.PayloadUUID)} is not unique in the profile`)
      uuids.add(payload.PayloadUUID)
    })
    if (content.children.length === 0) problems.push('PayloadContent is empty')
  }
  return problems
}

/** The profile as the `plist` library reads it; throws unless it is a dictionary. */
export function parseProfile (xml: string): PlistDict {
  const read = readPlist(xml)
  if ('failure' in read) throw new Error(read.failure)
  const { value } = read
  if (!isDict(value)) throw new Error('a profile is a <dict>')
  return value
}

/** The payloads of a parsed profile. */
export function payloadsOf (profile: PlistDict): PlistDict[] {
  const content = profile.PayloadContent
  if (!Array.isArray(content) || !content.every(isDict)) throw new Error('PayloadContent must be an array of dicts')
  return content
}
