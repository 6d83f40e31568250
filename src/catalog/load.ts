/**
 * Reads and validates every provider file in a directory. All files are checked before anything is returned:
 * the result is either a complete catalog or the full list of problems (`file:line:col path: message`), never a
 * half-loaded catalog.
 */
import { readdir, readFile } from 'node:fs/promises'
import { basename, extname, join } from 'node:path'
import { LineCounter, parseDocument, type Document } from 'yaml'
import { providerSchema, type Provider } from '../model/provider.ts'
import { Catalog } from './catalog.ts'
import { problemsFromIssues, type Problem } from './report.ts'

export const PROVIDER_FILE_EXTENSIONS = new Set(['.yaml', '.yml'])

export type LoadResult =
  | { ok: true, catalog: Catalog, files: string[] }
  | { ok: false, problems: Problem[] }

interface ParsedFile {
  file: string
  provider: Provider
  doc: Document
  lines: LineCounter
}

type ParseResult = { ok: true, value: ParsedFile } | { ok: false, problems: Problem[] }

/** Parses and validates one provider file's text. */
export function parseProviderFile (file: string, text: string): ParseResult {
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
  const parsed = providerSchema.safeParse(doc.toJS({ maxAliasCount: 100 }), { reportInput: true })
  if (!parsed.success) return { ok: false, problems: problemsFromIssues(file, doc, lines, parsed.error.issues) }
  const id = parsed.data.id ?? basename(file, extname(file)).toLowerCase()
  return { ok: true, value: { file, doc, lines, provider: { ...parsed.data, id } } }
}

function positionOf (parsed: ParsedFile, path: (string | number)[]): { line: number, col: number } {
  const node = parsed.doc.getIn(path, true) as { range?: [number, number, number] } | undefined
  return parsed.lines.linePos(node?.range?.[0] ?? 0)
}

/** Checks that span files: one id per provider, one provider per domain. Names both files of a clash. */
function crossFileProblems (files: readonly ParsedFile[]): Problem[] {
  const problems: Problem[] = []
  const ids = new Map<string, ParsedFile>()
  const domains = new Map<string, ParsedFile>()
  for (const parsed of files) {
    const { provider } = parsed
    const firstWithId = ids.get(provider.id)
    if (firstWithId !== undefined) {
      problems.push({ file: parsed.file, ...positionOf(parsed, ['id']), path: 'id', message: `id "${provider.id}" is already used by ${firstWithId.file}` })
    } else {
      ids.set(provider.id, parsed)
    }
    provider.domains.forEach((domain, index) => {
      const owner = domains.get(domain)
      if (owner === parsed) {
        problems.push({ file: parsed.file, ...positionOf(parsed, ['domains', index]), path: `domains.${index}`, message: `"${domain}" is listed twice` })
      } else if (owner !== undefined) {
        problems.push({ file: parsed.file, ...positionOf(parsed, ['domains', index]), path: `domains.${index}`, message: `"${domain}" is already claimed by ${owner.file}` })
      } else {
        domains.set(domain, parsed)
      }
    })
  }
  return problems
}

/** Lists the provider files of a directory, sorted so results do not depend on the file system's order. */
export async function listProviderFiles (dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true })
  return entries
    .filter((entry) => entry.isFile() && PROVIDER_FILE_EXTENSIONS.has(extname(entry.name)))
    .map((entry) => join(dir, entry.name))
    .sort()
}

/** Loads a whole providers directory: a complete catalog, or every problem found. */
export async function loadProviders (dir: string): Promise<LoadResult> {
  let files: string[]
  try {
    files = await listProviderFiles(dir)
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'directory does not exist' : (error as Error).message
    return { ok: false, problems: [{ file: dir, line: 1, col: 1, path: '', message: `cannot read providers: ${reason}` }] }
  }
  if (files.length === 0) {
    return { ok: false, problems: [{ file: dir, line: 1, col: 1, path: '', message: 'no provider files (*.yaml) found' }] }
  }
  const texts = await Promise.all(files.map(async (file) => ({ file, text: await readFile(file, 'utf8') })))
  return buildCatalog(texts)
}

/** Validates already-read provider files and builds the catalog from them. */
export function buildCatalog (sources: ReadonlyArray<{ file: string, text: string }>): LoadResult {
  const problems: Problem[] = []
  const parsed: ParsedFile[] = []
  for (const { file, text } of sources) {
    const result = parseProviderFile(file, text)
    if (result.ok) parsed.push(result.value)
    else problems.push(...result.problems)
  }
  problems.push(...crossFileProblems(parsed))
  if (problems.length > 0) return { ok: false, problems }
  return { ok: true, catalog: new Catalog(parsed.map((p) => p.provider)), files: sources.map((s) => s.file) }
}
