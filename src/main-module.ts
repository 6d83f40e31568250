/** True when the module with this URL is the script node was started with (also through an npm bin symlink). */
import { realpathSync } from 'node:fs'
import { pathToFileURL } from 'node:url'

export function isMainModule (moduleUrl: string): boolean {
  const script = process.argv[1]
  if (script === undefined) return false
  try {
    return pathToFileURL(realpathSync(script)).href === moduleUrl
  } catch {
    return false
  }
}
