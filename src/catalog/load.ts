/**
 * Reads and validates every provider file in a directory. All files are checked before anything is returned:
 * the result is either a complete catalog or the full list of problems (`file:line:col path: message`), never a
 * half-loaded catalog. Each file is read by the `yaml` package's Document API with a `LineCounter`
 * (https://eemeli.org/yaml/#line-counter), YAML 1.2 core schema, so every problem, a zod issue as much as a syntax
 * error, is placed where the author must edit. Positions for cross-file clashes are found by re-reading just the
 * files concerned, so no parse tree is kept per file.
 */
import { readFileSync } from 'node:fs'
import { basename, extname } from 'node:path'
import { LineCounter, parseDocument, type Document } from 'yaml'
import { providerSchema, type Provider } from '../model/provider.ts'
import { Catalog, type Clash } from './catalog.ts'
import { listProviderDirectory } from './list.ts'
import { problemsFromIssues, type Problem } from './report.ts'

export type LoadResult =
  | { ok: true, catalog: Catalog, files: string[] }
  | { ok: false, problems: Problem[] }

/** A valid provider file, with its tree and line index for positions (what `check --strict` reports against). */
export interface ParsedFile {
  file: string
  text: string
  provider: Provider
  doc: Document
  lines: LineCounter
}

export type ParseResult = { ok: true, value: ParsedFile } | { ok: false, problems: Problem[] }

/** Aliases a file may expand: a "billion laughs" file is refused, not expanded. */
const MAX_ALIAS_COUNT = 100

function idOf (file: string, provider: { id?: string | undefined }): string {
  return provider.id ?? basename(file, extname(file)).toLowerCase()
}

/** A provider file's YAML tree and the line index that places its nodes. */
function readDocument (text: string): { doc: Document, lines: LineCounter } {
  const lines = new LineCounter()
  return { doc: parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true }), lines }
}

/** Parses and validates one provider file's text, placing every problem. */
export function parseProviderFile (file: string, text: string): ParseResult {
  const { doc, lines } = readDocument(text)
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
    data = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT })
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
  const { doc, lines } = readDocument(checked.text ?? readAgain(checked.file))
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
    const [key, index, entry] = clash.kind === 'domain'
      ? ['domains', clash.domainIndex, clash.provider.domains[clash.domainIndex]] as const
      : ['mx', clash.mxIndex, clash.provider.mx![clash.mxIndex]] as const
    const message = owner === file ? `"${entry}" is listed twice` : `"${entry}" is already claimed by ${owner.file}`
    return { file: file.file, ...positionOf(file, [key, index]), path: `${key}.${index}`, message }
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
 * Reads and checks each listed provider file on its own. Synchronously: for thousands of small files this is
 * several times quicker than asynchronous reads (each of which is four thread-pool round trips), and validating
 * them blocks the thread for longer anyway. No text is kept: a clash between files is placed by reading the file
 * again (`positionOf`), and 10,000 texts held to the end cost the loading thread time in garbage collection.
 */
export function checkProviderFiles (files: readonly string[]): FileChecks {
  return checkSources(files.map((file) => ({ file, text: () => readFileSync(file, 'utf8') })))
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
