/**
 * `mail-autoconfig import <file-or-dir> [--out dir] [--force]`: the file-system side of the import. Reads one
 * autoconfig file or every `*.xml` in a directory, prints every note, and writes `<out>/<name>.yaml` only when the
 * whole result (with the provider files already in `<out>`) passes `check`: a domain another file in `<out>`
 * claims is reported and nothing is written.
 */
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises'
import { extname, join } from 'node:path'
import { listProviderFiles } from '../catalog/list.ts'
import { buildCatalog, parseProviderFile } from '../catalog/load.ts'
import { formatProblem } from '../catalog/report.ts'
import { formatNote } from './import-log.ts'
import { importAutoconfigFiles, yamlFileName, type ImportedProvider, type ImportSource } from './import.ts'

export interface ImportOptions {
  input: string
  out: string
  /** Replace provider files that already exist in `out`. */
  force: boolean
}

async function readSources (input: string): Promise<{ sources: ImportSource[], skipped: string[] }> {
  if (!(await stat(input)).isDirectory()) return { sources: [{ file: input, text: await readFile(input, 'utf8') }], skipped: [] }
  const entries = (await readdir(input, { withFileTypes: true })).filter((entry) => entry.isFile()).map((entry) => entry.name).sort()
  const xml = entries.filter((name) => extname(name).toLowerCase() === '.xml')
  const sources = await Promise.all(xml.map(async (name) => ({ file: join(input, name), text: await readFile(join(input, name), 'utf8') })))
  return { sources, skipped: entries.filter((name) => !xml.includes(name)) }
}

async function existingProviders (out: string) {
  try {
    const files = await listProviderFiles(out)
    return Promise.all(files.map(async (file) => ({ file, text: await readFile(file, 'utf8') })))
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return []
    throw error
  }
}

export async function runImport (options: ImportOptions, out: NodeJS.WritableStream, err: NodeJS.WritableStream): Promise<number> {
  let read: Awaited<ReturnType<typeof readSources>>
  try {
    read = await readSources(options.input)
  } catch (error) {
    err.write(`cannot read ${options.input}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : (error as Error).message}\n`)
    return 1
  }
  if (read.skipped.length > 0) out.write(`${options.input}: skipped ${read.skipped.length} file(s) not named *.xml: ${read.skipped.join(', ')}\n`)
  if (read.sources.length === 0) {
    err.write(`${options.input}: no *.xml files to import\n`)
    return 1
  }

  const existing = await existingProviders(options.out)
  const existingFiles = new Set(existing.map((file) => file.file))
  let failed = 0
  const sources = read.sources.filter((source) => {
    const target = join(options.out, yamlFileName(source.file))
    if (options.force || !existingFiles.has(target)) return true
    failed++
    err.write(`${source.file}: ${target} exists; pass --force to replace it\n`)
    return false
  })
  const targets = new Set(sources.map((source) => join(options.out, yamlFileName(source.file))))
  const kept = existing.filter((file) => !targets.has(file.file))
  const takenIds = new Set(kept.flatMap(({ file, text }) => {
    const parsed = parseProviderFile(file, text)
    return parsed.ok ? [parsed.value.provider.id] : []
  }))

  const imported: ImportedProvider[] = []
  for (const outcome of importAutoconfigFiles(sources, takenIds)) {
    const notes = outcome.ok ? outcome.value.notes : outcome.notes
    for (const note of notes) (note.kind === 'error' ? err : out).write(`${formatNote(outcome.ok ? outcome.value.source : outcome.source, note)}\n`)
    if (outcome.ok) {
      imported.push(outcome.value)
    } else {
      failed++
      err.write(`${outcome.source}: not imported\n`)
    }
  }

  const combined = buildCatalog([...kept, ...imported.map((p) => ({ file: join(options.out, p.fileName), text: p.yaml }))])
  if (!combined.ok) {
    for (const problem of combined.problems) err.write(`${formatProblem(problem)}\n`)
    err.write(`the imported files would not pass check together with ${options.out}; nothing written\n`)
    return 1
  }
  await mkdir(options.out, { recursive: true })
  await Promise.all(imported.map((p) => writeFile(join(options.out, p.fileName), p.yaml)))
  const notes = imported.flatMap((p) => p.notes)
  const count = (kind: string) => notes.filter((note) => note.kind === kind).length
  out.write(`imported ${imported.length} of ${read.sources.length} file(s) into ${options.out}: ${count('fixed')} fix(es), ${count('dropped')} value(s) not carried over; each file lists its notes at the top\n`)
  return failed === 0 ? 0 : 1
}
