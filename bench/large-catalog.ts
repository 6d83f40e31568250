/**
 * Writes a large provider catalog for the benchmark: 10,000 providers with 50,000 domains (five each), in the
 * same YAML format as providers/, so start-up, memory and request cost can be measured at hoster scale.
 * Run alone: `tsx bench/large-catalog.ts <dir>`.
 */
import { realpathSync } from 'node:fs'
import { copyFile, mkdir, writeFile } from 'node:fs/promises'
import { basename, join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { listProviderFiles } from '../src/catalog/list.ts'

export const LARGE_PROVIDERS = 10_000
export const DOMAINS_PER_PROVIDER = 5

/** The i-th generated domain of provider p; the benchmark asks for these. */
export function largeCatalogDomain (provider: number, index: number): string {
  return `mail${index}.hoster${provider}.example`
}

/** The YAML of generated provider p, as written into the catalog. */
export function largeProviderYaml (p: number): string {
  const domains = Array.from({ length: DOMAINS_PER_PROVIDER }, (_, i) => `  - ${largeCatalogDomain(p, i)}`).join('\n')
  return `name: Hoster ${p}
shortName: H${p}
domains:
${domains}
incoming:
  - type: imap
    host: imap.hoster${p}.example
    port: 993
    security: tls
    auth: [password-cleartext]
  - type: pop3
    host: pop.hoster${p}.example
    port: 995
    security: tls
    auth: [password-cleartext]
outgoing:
  - host: smtp.hoster${p}.example
    port: 465
    security: tls
    auth: [password-cleartext]
  - host: smtp.hoster${p}.example
    port: 587
    security: starttls
    auth: [password-cleartext]
`
}

export async function writeLargeCatalog (dir: string, providers = LARGE_PROVIDERS): Promise<void> {
  await mkdir(dir, { recursive: true })
  const batch = 500
  for (let start = 0; start < providers; start += batch) {
    const writes = []
    for (let p = start; p < Math.min(providers, start + batch); p++) writes.push(writeFile(`${dir}/hoster${p}.yaml`, largeProviderYaml(p)))
    await Promise.all(writes)
  }
}

/**
 * Copies the bundled providers (the provider files of providers/, as the loader lists them) into `dir`, beside a generated catalog: the benchmark then asks
 * the large-catalog server the bundled set's own requests too, so catalog size can be compared on the same answers.
 */
export async function addBundledProviders (dir: string, bundledDir: string): Promise<void> {
  const files = await listProviderFiles(bundledDir)
  await Promise.all(files.map((file) => copyFile(file, join(dir, basename(file)))))
}

// Run as a script (not imported by the benchmark or a test).
if (process.argv[1] !== undefined && pathToFileURL(realpathSync(process.argv[1])).href === import.meta.url) {
  const dir = process.argv[2]
  if (dir === undefined) {
    process.stderr.write('usage: tsx bench/large-catalog.ts <dir>\n')
    process.exitCode = 2
  } else {
    await writeLargeCatalog(dir)
    process.stdout.write(`${LARGE_PROVIDERS} providers, ${LARGE_PROVIDERS * DOMAINS_PER_PROVIDER} domains in ${dir}\n`)
  }
}
