/**
 * Where the settings page's templates (`views/`) and static files (`public/`) are: beside this module, so they
 * resolve from `import.meta.url` the same way from src/page-files.ts (src/views) and from a flat bundle in dist/
 * (dist/views, copied there by scripts/build.ts), as config.ts finds `../providers`.
 */
import { fileURLToPath } from 'node:url'

export const VIEWS_DIR = fileURLToPath(new URL('./views', import.meta.url))
export const PUBLIC_DIR = fileURLToPath(new URL('./public', import.meta.url))
