/**
 * Reads and validates every provider file in a directory. All files are checked before anything is returned:
 * the result is either a complete catalog or the full list of problems (`file:line:col path: message`), never a
 * half-loaded catalog.
 *
 * Two YAML parsers, one answer. Start-up must stay quick with tens of thousands of domains, and `yaml`'s Document
 * API, which keeps every node's position for error messages, costs about ten times what js-yaml's plain load
 * does. So each file is first read by js-yaml with the YAML 1.2 core schema (the schema `yaml` uses too) and
 * checked by zod; a file that fails either, or uses what the two could read differently (anchors and aliases,
 * whose expansion only `yaml` bounds, and `%` directives, which can switch `yaml` to YAML 1.1), is read by `yaml`,
 * which then decides and reports positions. Positions for cross-file clashes are found by re-reading just the
 * files concerned, so no parse tree is kept per file. Before js-yaml, a reader of the plain subset of YAML that
 * provider files are written in (yaml-subset.ts) takes the files it fully understands, reading them as js-yaml
 * would in a fraction of the time.
 */
import { readFileSync } from 'node:fs'
import { basename, extname } from 'node:path'
import { CORE_SCHEMA, load as loadYaml } from 'js-yaml'
import type { Document, LineCounter } from 'yaml'
import { providerSchema, type Provider } from '../model/provider.ts'
import { Catalog, type Clash } from './catalog.ts'
import { listProviderDirectory } from './list.ts'
import { problemsFromIssues, type Problem } from './report.ts'
import { yamlPackage } from './yaml-package.ts'
import { readYamlSubset } from './yaml-subset.ts'

export type LoadResult =
  | { ok: true, catalog: Catalog, files: string[] }
  | { ok: false, problems: Problem[] }

export interface ParsedFile {
  file: string
  text: string
  provider: Provider
}

type ParseResult = { ok: true, value: ParsedFile } | { ok: false, problems: Problem[] }

/** A file read carefully, with its tree and line index for positions (what `check --strict` reports against). */
export interface CarefullyParsedFile extends ParsedFile {
  doc: Document
  lines: LineCounter
}

/** An anchor (`&a`) or alias (`*a`) token; a false match (`a *b* c` in a text) only costs the careful path. */
const ANCHOR_OR_ALIAS = /(?:^|[\s[{,])[&*][^\s[\]{},]/m
/** A `%YAML` or `%TAG` directive line. */
const DIRECTIVE = /^%/m

function idOf (file: string, provider: { id?: string | undefined }): string {
  return provider.id ?? basename(file, extname(file)).toLowerCase()
}

/** The quick path: a valid provider, or undefined when the careful path must decide (see the file comment). */
export function parseQuickly (file: string, text: string): ParsedFile | undefined {
  if (ANCHOR_OR_ALIAS.test(text) || DIRECTIVE.test(text)) return undefined
  let data: unknown = readYamlSubset(text)
  if (data === undefined) {
    try {
      data = loadYaml(text, { schema: CORE_SCHEMA, filename: file })
    } catch {
      return undefined
    }
  }
  const parsed = providerSchema.safeParse(data)
  if (!parsed.success) return undefined
  return { file, text, provider: { ...parsed.data, id: idOf(file, parsed.data) } }
}

/** Parses and validates one provider file's text. */
export function parseProviderFile (file: string, text: string): ParseResult {
  const quick = parseQuickly(file, text)
  if (quick !== undefined) return { ok: true, value: quick }
  return parseCarefully(file, text)
}

/** The careful path: `yaml`'s Document API, with positions for every problem. */
export function parseCarefully (file: string, text: string): { ok: true, value: CarefullyParsedFile } | { ok: false, problems: Problem[] } {
  const { LineCounter, parseDocument } = yamlPackage()
  const lines = new LineCounter()
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true })
  if (doc.errors.length > 0) {
    return {
      ok: false,
      problems: doc.errors.map((error) => {
        const { line, col } = lines.linePos(error.pos[0])
        return { file, line, col, path: '', message: `YAML syntax: ${error.message.split('\n')[0] ?? error.code}` }
      }),
    }
  }
  if (doc.contents === null) return { ok: false, problems: [{ file, line: 1, col: 1, path: '', message: 'the file is empty; expected a provider (name, domains, incoming, outgoing)' }] }
  let data: unknown
  try {
    data = doc.toJS({ maxAliasCount: 100 })
  } catch (error) {
    // `yaml` refuses to expand aliases past the count (a "billion laughs" file) by throwing.
    return { ok: false, problems: [{ file, line: 1, col: 1, path: '', message: `YAML: ${(error as Error).message}` }] }
  }
  const parsed = providerSchema.safeParse(data, { reportInput: true })
  if (!parsed.success) return { ok: false, problems: problemsFromIssues(file, doc, lines, parsed.error.issues) }
  return { ok: true, value: { file, text, doc, lines, provider: { ...parsed.data, id: idOf(file, parsed.data) } } }
}

/** Where paths are in a file: its tree with positions. */
type Positions = (path: (string | number)[]) => { line: number, col: number }

/**
 * Where paths are in a file, read again for just this (clashes are rare; keeping every tree would cost memory).
 * A file on disk comes without its text (see `CheckedFile`) and is read again; if it has gone meanwhile, its
 * clashes are placed at its start.
 */
function positionsIn (checked: CheckedFile): Positions {
  const text = checked.text ?? readAgain(checked.file)
  const { LineCounter, parseDocument } = yamlPackage()
  const lines = new LineCounter()
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true })
  return (path) => {
    const node = doc.getIn(path, true) as { range?: [number, number, number] } | undefined
    return lines.linePos(node?.range?.[0] ?? 0)
  }
}

function readAgain (file: string): string {
  try {
    return readFileSync(file, 'utf8')
  } catch {
    return ''
  }
}

/** The index's clashes as problems, each placed in the later file and naming the file that keeps the id or domain. */
function clashProblems (files: readonly CheckedFile[], clashes: readonly Clash[]): Problem[] {
  const fileOf = new Map(files.map((file) => [file.provider, file]))
  // Each file is read and parsed once however many of its entries clash (a copied file clashes in every domain).
  const trees = new Map<CheckedFile, Positions>()
  const positionOf = (file: CheckedFile, path: (string | number)[]) => {
    let positions = trees.get(file)
    if (positions === undefined) trees.set(file, positions = positionsIn(file))
    return positions(path)
  }
  return clashes.map((clash) => {
    const file = fileOf.get(clash.provider)!
    const owner = fileOf.get(clash.owner)!
    if (clash.kind === 'id') {
      return { file: file.file, ...positionOf(file, ['id']), path: 'id', message: `id "${clash.provider.id}" is already used by ${owner.file}` }
    }
    const domain = clash.provider.domains[clash.domainIndex]
    const message = owner === file ? `"${domain}" is listed twice` : `"${domain}" is already claimed by ${owner.file}`
    return { file: file.file, ...positionOf(file, ['domains', clash.domainIndex]), path: `domains.${clash.domainIndex}`, message }
  })
}

/**
 * A file that passed its own checks. Its text is kept only when it was not read from disk (`buildCatalog`), for
 * the positions of clashes between files (`positionOf`); a file on disk is read again for them.
 */
export interface CheckedFile {
  file: string
  provider: Provider
  text?: string
}

/** Files read and checked one by one (the part that can be split among threads); see `combineFileChecks`. */
export interface FileChecks {
  parsed: CheckedFile[]
  problems: Problem[]
}

/**
 * `readFileSync(file, 'utf8')` turns the string into an options object on every call (fs getOptions copies a
 * default object): reading the benchmark's 10,000 files took 139–175 ms that way in a fresh process and 107–124 ms
 * with this object, in eight alternating runs each.
 */
const AS_UTF8 = { encoding: 'utf8' } as const

/**
 * Reads and checks each listed provider file on its own. Synchronously: for thousands of small files this is
 * several times quicker than asynchronous reads (each of which is four thread-pool round trips), and validating
 * them blocks the thread for longer anyway. No text is kept: a clash between files is placed by reading the file
 * again (`positionOf`), and 10,000 texts held to the end cost the loading thread time in garbage collection.
 */
export function checkProviderFiles (files: readonly string[]): FileChecks {
  return checkSources(files.map((file) => ({ file, text: () => readFileSync(file, AS_UTF8) })))
}

/** Reads and validates listed provider files: each on its own, then the checks that span files. */
export function readProviderFiles (files: readonly string[]): LoadResult {
  return combineFileChecks([checkProviderFiles(files)])
}

/** Loads a whole providers directory: a complete catalog, or every problem found. */
export async function loadProviders (dir: string): Promise<LoadResult> {
  const listing = await listProviderDirectory(dir)
  return listing.ok ? readProviderFiles(listing.files) : listing
}

/** Validates already-read provider files and builds the catalog from them. */
export function buildCatalog (sources: ReadonlyArray<{ file: string, text: string }>): LoadResult {
  return combineFileChecks([checkSources(sources)])
}

/**
 * A file's text, or a function that reads it from disk when its turn comes. Only a given text is kept with the
 * result (see `CheckedFile`).
 */
type Source = { file: string, text: string | (() => string) }

function checkSources (sources: readonly Source[]): FileChecks {
  const problems: Problem[] = []
  const parsed: CheckedFile[] = []
  for (const { file, text: textOrRead } of sources) {
    const text = typeof textOrRead === 'string' ? textOrRead : textOrRead()
    const result = parseProviderFile(file, text)
    // Only what the catalog needs is kept: a parse tree per file would cost memory with thousands of files.
    if (!result.ok) problems.push(...result.problems)
    else if (typeof textOrRead === 'string') parsed.push({ file, text, provider: result.value.provider })
    else parsed.push({ file, provider: result.value.provider })
  }
  return { parsed, problems }
}

/**
 * The checks of consecutive runs of files, in listing order, joined, and the catalog indexed from them, which checks
 * what spans files (one id per provider, one provider per domain): a complete catalog, or every problem found.
 */
export function combineFileChecks (runs: readonly FileChecks[]): LoadResult {
  const parsed = runs.flatMap((run) => run.parsed)
  const problems = runs.flatMap((run) => run.problems)
  const indexed = Catalog.index(parsed.map((file) => file.provider))
  if (!indexed.ok) return { ok: false, problems: [...problems, ...clashProblems(parsed, indexed.clashes)] }
  if (problems.length > 0) return { ok: false, problems }
  return { ok: true, catalog: indexed.catalog, files: parsed.map((file) => file.file) }
}
