/**
 * `mail-autoconfig export [providers-dir] [--out dir]`: validates the providers exactly as `check` does, then
 * writes `<out>/v1.1/<domain>` for each domain. Files left in `<out>/v1.1/` from an earlier export whose domain
 * is gone are removed (and listed), so a synced static host never keeps serving a domain that was dropped.
 */
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { loadProviders } from '../catalog/load.ts'
import { formatProblem } from '../catalog/report.ts'
import { EXPORT_DIR, exportCatalog } from './export.ts'

/** What the usual file-system errors mean for someone choosing `--out`. */
const EXPORT_ERRORS: Record<string, string> = {
  ENOTDIR: 'a part of the path is a file, not a directory',
  EEXIST: 'a file is in the way',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EROFS: 'the file system is read-only',
  ENOSPC: 'the disk is full',
}

export interface ExportOptions {
  providersDir: string
  out: string
}

export async function runExport (options: ExportOptions, out: NodeJS.WritableStream, err: NodeJS.WritableStream): Promise<number> {
  const loaded = await loadProviders(options.providersDir)
  if (!loaded.ok) {
    for (const problem of loaded.problems) err.write(`${formatProblem(problem)}\n`)
    err.write(`${loaded.problems.length} problem(s) in ${options.providersDir}; nothing exported\n`)
    return 1
  }
  const { files, domains, skipped } = exportCatalog(loaded.catalog)
  const target = join(options.out, EXPORT_DIR)
  try {
    await mkdir(target, { recursive: true })
    const wanted = new Set(files.map((file) => file.path.slice(EXPORT_DIR.length + 1)))
    for (const entry of await readdir(target, { withFileTypes: true })) {
      if (!entry.isFile() || wanted.has(entry.name)) continue
      await rm(join(target, entry.name))
      out.write(`removed ${join(target, entry.name)}: no provider serves ${entry.name} any more\n`)
    }
    await Promise.all(files.map((file) => writeFile(join(options.out, file.path), file.body)))
  } catch (error) {
    // One line naming the path (an --out that is a file, not writable, on a full disk), not a stack.
    const { code, path } = error as NodeJS.ErrnoException
    err.write(`cannot write the export to ${path ?? options.out}: ${EXPORT_ERRORS[code ?? ''] ?? (error as Error).message}; nothing more exported\n`)
    return 1
  }
  for (const domain of skipped) out.write(`skipped ${domain}: a static host cannot answer for every subdomain; only the server can\n`)
  out.write(`exported ${domains} domain(s) of ${loaded.catalog.providers.size} provider(s) to ${target}; serve them with Content-Type application/xml (see providers/README.md)\n`)
  return 0
}
