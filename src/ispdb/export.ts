/**
 * The catalog as static files, laid out as the ISPDB serves them (thunderbird/autoconfig tools/convert.py writes
 * `v1.1/<domain>` for every `<domain>` of every file): one file per domain, with exactly the bytes our own
 * `/v1.1/<domain>` route sends, from the same renderer. A static host or CDN can then answer
 * Thunderbird's `mailnews.auto_config_url` lookups.
 *
 * Two things a static host cannot do: answer for every subdomain (wildcard domains are left out and reported),
 * and guess a Content-Type for a name without an extension. Thunderbird parses a config only when the type
 * starts with `text/xml` or `application/xml` (FetchHTTP.sys.mjs), so `v1.1/.htaccess` sets it for Apache; other
 * servers need the one-line setting shown in the README.
 */
import type { Catalog } from '../catalog/catalog.ts'
import { renderAutoconfig } from '../render/autoconfig.ts'
import { XML_CONTENT_TYPE } from '../render/xml.ts'

export const EXPORT_DIR = 'v1.1'

export interface ExportedFile {
  /** Path below the output directory, e.g. `v1.1/gmail.com`. */
  path: string
  body: Buffer
}

export interface CatalogExport {
  /** One document per domain, then `v1.1/.htaccess`. */
  files: ExportedFile[]
  /** How many of the files are domain documents. */
  domains: number
  /** Wildcard domains (`*.example.com`), which no static file can stand for. */
  skipped: string[]
}

/** Apache reads this from the directory; `ForceType` is in the core, so it needs no module. */
export const HTACCESS = `# Thunderbird reads a config only if its Content-Type starts with text/xml or application/xml,
# and these files have no extension to guess one from.
ForceType "${XML_CONTENT_TYPE}"
`

/** Every exact domain of every provider, in name order, with the document our route serves for it. */
export function exportCatalog (catalog: Catalog): CatalogExport {
  const files: ExportedFile[] = []
  const skipped: string[] = []
  for (const provider of catalog.providers.values()) {
    for (const domain of provider.domains) {
      if (domain.startsWith('*.')) {
        skipped.push(domain)
        continue
      }
      files.push({ path: `${EXPORT_DIR}/${domain}`, body: Buffer.from(renderAutoconfig(provider, {}), 'utf8') })
    }
  }
  files.sort((a, b) => a.path.localeCompare(b.path))
  const domains = files.length
  files.push({ path: `${EXPORT_DIR}/.htaccess`, body: Buffer.from(HTACCESS) })
  return { files, domains, skipped: skipped.sort() }
}
