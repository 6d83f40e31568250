/**
 * Mozilla autoconfig XML (config-v1.1, the format of Thunderbird's ISPDB) → provider YAML.
 *
 * The reading follows Thunderbird's own reader (comm-central readFromXML.sys.mjs) where the spec is silent, and
 * tolerates what real files contain (see the ISPDB survey in the project's reference notes, §6): comments, CRLF,
 * no XML declaration, `enable`/`webMail`/`oAuth2` at the root, the legacy `<instruction url>`, non-spec
 * attributes, placeholders in hostnames, and server types the model does not describe (exchange, ews, owa,
 * graph). Every fix and every value that is not carried over is a note `file:line: kind: what and why`; the notes
 * are also written at the top of the produced file. A produced file always passes `check`: it is parsed back
 * with the same loader before it is returned.
 *
 * Spec: https://wiki.mozilla.org/Thunderbird:Autoconfiguration:ConfigFileFormat
 */
import { basename, extname } from 'node:path'
import { parseProviderFile } from '../catalog/load.ts'
import { providerSchema, toAsciiHostname } from '../model/provider.ts'
import { CommentTrail, ImportLog, quote, type ImportNote } from './import-log.ts'
import { importServer } from './import-server.ts'
import { importDav, importDocumentation, importEnable, importOAuth2, importWebmail, type Section } from './import-sections.ts'
import { providerYaml } from './provider-yaml.ts'
import { attributeOf, readXml, textOf, XmlReadError, type XmlDocument, type XmlElement } from './read-xml.ts'
import { checkAttributes, describe, firstOnly, leafText, walkChildren, type Handler } from './walk.ts'

export interface ImportSource {
  /** The path as given; notes name it. */
  file: string
  text: string
}

export interface ImportedProvider {
  source: string
  /** The provider id, unique in the batch. */
  id: string
  /** Name of the YAML file to write: the source's name with `.yaml`. */
  fileName: string
  /** The provider as written (before defaults are applied). */
  provider: Record<string, unknown>
  yaml: string
  notes: ImportNote[]
}

export type ImportOutcome =
  | { ok: true, value: ImportedProvider }
  | { ok: false, source: string, notes: ImportNote[] }

const ID_RE = /^[a-z0-9][a-z0-9._-]*$/
const MAX_NAME = 60
const MAX_SHORT_NAME = 20

function stem (file: string): string {
  return basename(file, extname(file))
}

/** The provider file an autoconfig file is imported into: its name, lower-cased, with `.yaml`. */
export function yamlFileName (file: string): string {
  return `${stem(file).toLowerCase()}.yaml`
}

/** The id a file name gives (the loader's default id): lower-cased, with anything outside the id alphabet as `-`. */
export function idFromFileName (file: string): string {
  return stem(file).toLowerCase().replace(/[^a-z0-9._-]/g, '-').replace(/^[^a-z0-9]+/, '') || 'provider'
}

function emailProviderOf (doc: XmlDocument): XmlElement | undefined {
  return doc.root.children.find((child): child is XmlElement => child.kind === 'element' && child.name === 'emailProvider')
}

/** `<emailProvider id>` as a provider id, when it is one (Thunderbird lower-cases it). */
function idFromAttribute (doc: XmlDocument): string | undefined {
  const element = emailProviderOf(doc)
  const id = element === undefined ? undefined : attributeOf(element, 'id')?.trim().toLowerCase()
  return id !== undefined && ID_RE.test(id) ? id : undefined
}

interface Draft {
  id?: string
  name?: string
  shortName?: string
  domains: string[]
  mx: string[]
  incoming: Array<Record<string, unknown>>
  outgoing: Array<Record<string, unknown>>
  enable?: Record<string, unknown>
  documentation: Array<Record<string, unknown>>
  webmail?: Record<string, unknown>
  oauth2?: Record<string, unknown>
  addressBook?: Record<string, unknown>
  calendar?: Record<string, unknown>
}

function dropped (log: ImportLog, why: string): Handler {
  return (element) => {
    const content = textOf(element)
    log.dropped(element.line, `${describe(element)}${content === '' ? '' : ` (${quote(content)})`}: ${why}`)
    return undefined
  }
}

/** Reads the document into a draft provider, reporting as it goes. */
function convert (doc: XmlDocument, log: ImportLog, comments: CommentTrail): Draft {
  const draft: Draft = { domains: [], mx: [], incoming: [], outgoing: [], documentation: [] }
  const context = { log, comments }

  /** A section handler: stores the section under `key` and places its inner comments. */
  const section = (key: keyof Draft, read: (element: XmlElement) => Section | undefined, list = false): Handler => (element) => {
    const result = read(element)
    if (result === undefined) return undefined
    const path = list ? [key, (draft[key] as unknown[]).length] : [key]
    if (list) (draft[key] as unknown[]).push(result.value)
    else (draft as unknown as Record<string, unknown>)[key] = result.value
    comments.adopt(result.comments, path)
    return path
  }

  // config-v1.1 puts <enable> inside <emailProvider>; draft-00 of the IETF spec and two ISPDB files put it at the
  // root. Either place is read, once.
  const enable = firstOnly(log, section('enable', (element) => importEnable(element, log)), 'only one <enable> is kept')
  const rootEnable: Handler = (element) => {
    const landed = enable(element)
    if (landed !== undefined) log.fixed(element.line, '<enable> at the root moved into <emailProvider>, where config-v1.1 places it')
    return landed
  }

  const server = (direction: 'incoming' | 'outgoing'): Handler => (element) => {
    const fallback = draft.incoming[0]?.username as string | undefined
    const result = importServer(element, direction, log, fallback)
    if (result === undefined) return undefined
    const path = [direction, draft[direction].length]
    draft[direction].push(result.server)
    comments.adopt(result.comments, path)
    return path
  }

  const emailProvider: Handler = (element) => {
    checkAttributes(element, ['id'], log)
    walkChildren(element, {
      domain: (child) => {
        const purpose = attributeOf(child, 'purpose')
        const text = leafText(child, log, ['purpose'])
        const ascii = toAsciiHostname(text)
        if (ascii === undefined || !ascii.includes('.')) {
          log.dropped(child.line, `<domain> ${quote(text)} is not a domain name (Thunderbird skips it too)`)
          return undefined
        }
        // The 1.2 draft's purpose="mx" marks the domain of the provider's MX hosts, which Thunderbird looks up by
        // the MX host minus its first label or its base domain: every MX host under it.
        if (purpose === 'mx') {
          const pattern = `*.${ascii}`
          if (draft.mx.includes(pattern)) {
            log.fixed(child.line, `<domain purpose="mx"> ${ascii} is listed twice; kept once`)
            return undefined
          }
          log.fixed(child.line, `<domain purpose="mx"> ${ascii} written as mx ${pattern}, the MX hosts under it`)
          draft.mx.push(pattern)
          return ['mx', draft.mx.length - 1]
        }
        if (purpose !== undefined) log.dropped(child.line, `purpose=${quote(purpose)} on <domain>: only purpose="mx" (1.2 draft) has a meaning, so the domain is kept without it`)
        if (draft.domains.includes(ascii)) {
          log.fixed(child.line, `<domain> ${ascii} is listed twice; kept once`)
          return undefined
        }
        if (ascii !== text) log.fixed(child.line, `<domain> ${quote(text)} written as ${ascii}, the form lookups compare`)
        draft.domains.push(ascii)
        return ['domains', draft.domains.length - 1]
      },
      displayName: firstOnly(log, (child) => {
        const text = leafText(child, log)
        if (text === '') {
          log.dropped(child.line, 'empty <displayName>')
          return undefined
        }
        draft.name = text.length > MAX_NAME ? text.slice(0, MAX_NAME) : text
        if (text.length > MAX_NAME) log.fixed(child.line, `<displayName> is longer than ${MAX_NAME} characters (the 1.2 draft's limit); cut to ${quote(draft.name)}`)
        return ['name']
      }),
      displayShortName: firstOnly(log, (child) => {
        const text = leafText(child, log)
        if (text === '') {
          log.dropped(child.line, 'empty <displayShortName>')
          return undefined
        }
        if (text.length > MAX_SHORT_NAME) {
          const same = text === textOf(element.children.find((c): c is XmlElement => c.kind === 'element' && c.name === 'displayName') ?? element)
          log.dropped(child.line, `<displayShortName> ${quote(text)} is longer than ${MAX_SHORT_NAME} characters (the 1.2 draft's limit) and cannot be shortened without inventing a name${same ? '; it repeats <displayName>, which clients show instead' : ''}`)
          return undefined
        }
        draft.shortName = text
        return ['shortName']
      }),
      incomingServer: server('incoming'),
      outgoingServer: server('outgoing'),
      documentation: section('documentation', (child) => importDocumentation(child, log), true),
      instruction: section('documentation', (child) => {
        const result = importDocumentation(child, log)
        if (result !== undefined) log.fixed(child.line, '<instruction url> is the older name of <documentation>; written as documentation')
        return result
      }, true),
      enable,
      identity: dropped(log, 'an empty placeholder of the old spec; no client reads it'),
      inputField: dropped(log, 'asks the user for an extra %KEY% value, which no client substitutes; the model has no such field'),
    }, context)
    return []
  }

  checkAttributes(doc.root, ['version'], log)
  const version = attributeOf(doc.root, 'version')
  if (version !== '1.1') log.fixed(doc.root.line, `${version === undefined ? 'no version attribute' : `version="${version}"`}: written as version="1.1", the format this file is served in`)
  walkChildren(doc.root, {
    emailProvider: firstOnly(log, emailProvider, 'Thunderbird reads only the first <emailProvider>; the ISPDB has exactly one per file'),
    webMail: firstOnly(log, section('webmail', (element) => importWebmail(element, log))),
    oAuth2: firstOnly(log, section('oauth2', (element) => importOAuth2(element, log))),
    enable: rootEnable,
    addressBook: firstOnly(log, section('addressBook', (element) => importDav(element, 'carddav', log))),
    calendar: firstOnly(log, section('calendar', (element) => importDav(element, 'caldav', log))),
    fileShare: dropped(log, 'WebDAV file shares are not part of the provider model'),
    inputField: dropped(log, 'asks the user for an extra %KEY% value, which no client substitutes; the model has no such field'),
    clientConfigUpdate: dropped(log, 'no client re-fetches from it; the server that serves a provider is its update source'),
  }, context)
  return draft
}

function providerObject (draft: Draft): Record<string, unknown> {
  const entries: Array<[string, unknown]> = [
    ['id', draft.id],
    ['name', draft.name],
    ['shortName', draft.shortName],
    ['domains', draft.domains],
    ['mx', draft.mx.length === 0 ? undefined : draft.mx],
    ['incoming', draft.incoming],
    ['outgoing', draft.outgoing],
    ['enable', draft.enable],
    ['documentation', draft.documentation.length === 0 ? undefined : draft.documentation],
    ['webmail', draft.webmail],
    ['oauth2', draft.oauth2],
    ['addressBook', draft.addressBook],
    ['calendar', draft.calendar],
  ]
  return Object.fromEntries(entries.filter(([, value]) => value !== undefined))
}

function header (source: string, notes: readonly ImportNote[]): string[] {
  const name = basename(source)
  if (notes.length === 0) return [`Imported from ${name} (Mozilla autoconfig); every value was carried over unchanged.`]
  return [
    `Imported from ${name} (Mozilla autoconfig). What the import changed (lines of ${name}):`,
    ...notes.map((note) => `  line ${note.line}: ${note.kind}: ${note.message}`),
  ]
}

function failure (source: string, line: number, message: string, log = new ImportLog(), col?: number): ImportOutcome {
  log.error(line, message, col)
  return { ok: false, source, notes: log.sorted() }
}

function importDocument (source: ImportSource, doc: XmlDocument, id: string): ImportOutcome {
  const log = new ImportLog()
  for (const note of doc.notes) log.fixed(note.line, note.message)
  if (doc.root.name !== 'clientConfig') return failure(source.file, doc.root.line, `the root element is <${doc.root.name}>, not <clientConfig>: not a Mozilla autoconfig file`, log)
  const element = emailProviderOf(doc)
  if (element === undefined) return failure(source.file, doc.root.line, 'no <emailProvider>: there is no provider to import', log)

  const comments = new CommentTrail()
  const draft = convert(doc, log, comments)
  comments.add([], 'after', doc.outerComments)

  const written = attributeOf(element, 'id')
  if (written === undefined || written.trim() === '') {
    log.fixed(element.line, `<emailProvider> has no id (Thunderbird rejects such a file); the id is "${id}", from the file name`)
  } else if (written !== id) {
    const why = written.trim().toLowerCase() === id
      ? 'written in lower case, as Thunderbird reads it'
      : `ids must be unique in a catalog${idFromAttribute(doc) === undefined ? ' and made of a-z, 0-9, ".", "_", "-"' : ` and "${written.trim().toLowerCase()}" is already taken`}, so the file name gives the id`
    log.fixed(element.line, `<emailProvider id="${written}">: the provider id is "${id}": ${why}`)
  }
  if (draft.name === undefined) {
    draft.name = (written?.trim() || id).slice(0, MAX_NAME)
    log.fixed(element.line, `no <displayName>: the name is "${draft.name}", from the id, as Thunderbird does`)
  }
  if (draft.domains.length === 0) log.error(element.line, 'no usable <domain>: nothing could be looked up (Thunderbird rejects such a file too)')
  if (draft.incoming.length === 0) log.error(element.line, 'no incoming server left that the model describes (IMAP or POP3)')
  if (draft.outgoing.length === 0) log.error(element.line, 'no outgoing (SMTP) server left; Thunderbird rejects a file without one too')
  if (log.failed) return { ok: false, source: source.file, notes: log.sorted() }

  const fileName = yamlFileName(source.file)
  if (idFromFileName(fileName) !== id) draft.id = id
  const provider = providerObject(draft)
  const valid = providerSchema.safeParse(provider)
  if (!valid.success) {
    for (const issue of valid.error.issues) log.error(element.line, `${issue.path.join('.')}: ${issue.message}`)
    return { ok: false, source: source.file, notes: log.sorted() }
  }
  const notes = log.sorted()
  const yaml = providerYaml(provider, { header: header(source.file, notes), comments: comments.placed })
  const reparsed = parseProviderFile(fileName, yaml)
  if (!reparsed.ok) {
    // The produced file must pass `check`; if it does not, that is a bug here, reported rather than written.
    for (const problem of reparsed.problems) log.error(element.line, `the produced file does not load: ${problem.path} ${problem.message}`)
    return { ok: false, source: source.file, notes: log.sorted() }
  }
  return { ok: true, value: { source: source.file, id, fileName, provider, yaml, notes } }
}

function read (source: ImportSource): XmlDocument | ImportOutcome {
  try {
    return readXml(source.text)
  } catch (error) {
    if (error instanceof XmlReadError) return failure(source.file, error.line, error.message, new ImportLog(), error.col)
    throw error
  }
}

/**
 * Imports files as one batch. Ids come from `<emailProvider id>` (lower-cased) when it is a valid id not yet
 * taken, else from the file name; files whose id equals their file name claim theirs first, so the five ISPDB
 * files that all say `zoho.com` leave that id to zoho.com.xml. `takenIds` are ids already in use (for example by
 * provider files in the output directory).
 */
export function importAutoconfigFiles (sources: readonly ImportSource[], takenIds: ReadonlySet<string> = new Set()): ImportOutcome[] {
  const docs = sources.map(read)
  const taken = new Set(takenIds)
  const ids = new Map<number, string>()
  const order = sources.map((source, index) => index)
  const preferred = (index: number) => {
    const doc = docs[index]!
    return 'root' in doc ? idFromAttribute(doc) ?? idFromFileName(sources[index]!.file) : undefined
  }
  order.sort((a, b) => Number(preferred(b) === idFromFileName(sources[b]!.file)) - Number(preferred(a) === idFromFileName(sources[a]!.file)))
  for (const index of order) {
    const wanted = preferred(index)
    if (wanted === undefined) continue
    let id = taken.has(wanted) ? idFromFileName(sources[index]!.file) : wanted
    for (let n = 2; taken.has(id); n++) id = `${idFromFileName(sources[index]!.file)}-${n}`
    taken.add(id)
    ids.set(index, id)
  }
  return sources.map((source, index) => {
    const doc = docs[index]!
    return 'root' in doc ? importDocument(source, doc, ids.get(index)!) : doc
  })
}

/** Imports one file on its own. */
export function importAutoconfig (source: ImportSource, takenIds?: ReadonlySet<string>): ImportOutcome {
  return importAutoconfigFiles([source], takenIds)[0]!
}
