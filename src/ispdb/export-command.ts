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
  await mkdir(target, { recursive: true })
  const wanted = new Set(files.map((file) => file.path.slice(EXPORT_DIR.length + 1)))
  for (const entry of await readdir(target, { withFileTypes: true })) {
    if (!entry.isFile() || wanted.has(entry.name)) continue
    await rm(join(target, entry.name))
    out.write(`removed ${join(target, entry.name)}: no provider serves ${entry.name} any more\n`)
  }
  await Promise.all(files.map((file) => writeFile(join(options.out, file.path), file.body)))
  for (const domain of skipped) out.write(`skipped ${domain}: a static host cannot answer for every subdomain; only the server can\n`)
  out.write(`exported ${domains} domain(s) of ${loaded.catalog.providers.size} provider(s) to ${target}; serve them with Content-Type application/xml (see the README)\n`)
  return 0
}
