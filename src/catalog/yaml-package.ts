/**
 * The `yaml` package, loaded when first needed. Only files that take the careful path (see load.ts) and clashes
 * between files need it; loading it costs some 50 ms of every thread that loads providers, and with thousands of
 * files that is a worker per core, most of which never use it. (Its `node` export is CommonJS, so `require`
 * and `import` elsewhere share one copy.)
 */
import { createRequire } from 'node:module'

type Yaml = typeof import('yaml')

let loaded: Yaml | undefined

export function yamlPackage (): Yaml {
  return (loaded ??= createRequire(import.meta.url)('yaml') as Yaml)
}
