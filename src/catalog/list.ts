/**
 * Which files of a providers directory are provider files. Apart from the loader (load.ts), so that listing a
 * directory, the first step of a load, needs neither YAML parser nor zod: the loading threads start before this
 * thread has loaded either (load-off-thread.ts).
 */
import { statSync } from 'node:fs'
import { readdir } from 'node:fs/promises'
import { extname, join } from 'node:path'
import type { Problem } from './report.ts'

export const PROVIDER_FILE_EXTENSIONS = new Set(['.yaml', '.yml'])

/** Lists the provider files of a directory, sorted so results do not depend on the file system's order. */
export async function listProviderFiles (dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true })
  return entries
    .filter((entry) => !entry.name.startsWith('.') && PROVIDER_FILE_EXTENSIONS.has(extname(entry.name)))
    // A Kubernetes ConfigMap volume holds symlinks (`gmail.yaml` → `..data/gmail.yaml`), so links to files count.
    .filter((entry) => entry.isFile() || (entry.isSymbolicLink() && isFileBehindLink(join(dir, entry.name))))
    .map((entry) => join(dir, entry.name))
    .sort()
}

function isFileBehindLink (path: string): boolean {
  try {
    return statSync(path).isFile()
  } catch {
    return false // a dangling link, e.g. mid-swap
  }
}

/** The provider files of a directory, or why there are none to load. */
export type Listing = { ok: true, files: string[] } | { ok: false, problems: Problem[] }

export async function listProviderDirectory (dir: string): Promise<Listing> {
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
  return { ok: true, files }
}
