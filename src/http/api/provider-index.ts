/**
 * The provider list behind `GET /api/v1/providers`: sorted by id, filtered, cut into pages.
 *
 * Pages use a cursor, not an offset: the cursor names the last id served, so a page after a reload that added or
 * removed providers neither repeats nor skips the ones still there. It is opaque to clients (base64url) so its
 * form can change; a cursor that does not decode to an id is the client's error (INVALID_CURSOR), never a 5xx.
 *
 * The index is built once per catalog (a reload builds a new catalog, and with it a new index).
 */
import { domainToUnicode } from 'node:url'
import type { Catalog } from '../../catalog/catalog.ts'
import type { Provider } from '../../model/provider.ts'
import { providerSummary } from '../../render/api.ts'
import type { ApiProviderPage, ApiProviderSummary } from '../../render/api-schema.ts'

export const DEFAULT_PAGE_SIZE = 20
export const MAX_PAGE_SIZE = 100
/** Longest `q` accepted; longer text matches nothing a person would type and only costs time. */
export const MAX_QUERY_LENGTH = 100

const ID_RE = /^[a-z0-9][a-z0-9._-]*$/

export function encodeCursor (lastId: string): string {
  return Buffer.from(lastId, 'utf8').toString('base64url')
}

/** The id a cursor stands for; undefined when it is not a cursor this server made. */
export function decodeCursor (cursor: string): string | undefined {
  const id = Buffer.from(cursor, 'base64url').toString('utf8')
  return ID_RE.test(id) && encodeCursor(id) === cursor ? id : undefined
}

interface Entry {
  summary: ApiProviderSummary
  /** Lower-cased id, names and domains (A-labels and Unicode), one per line, for `q`. */
  haystack: string
}

export interface PageQuery {
  /** Only this provider (the one serving the `domain` filter); null when that domain has none. */
  providerId?: string | null
  /** Case-insensitive text that must occur in the id, a name or a domain. */
  q?: string
  /** Ids after this one (from the cursor). */
  after?: string
  limit: number
}

function compareIds (a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

export class ProviderIndex {
  readonly #entries: readonly Entry[]

  constructor (providers: Iterable<Provider>) {
    this.#entries = [...providers]
      .sort((a, b) => compareIds(a.id, b.id))
      .map((provider) => ({
        summary: providerSummary(provider),
        haystack: [
          provider.id, provider.name, provider.shortName ?? '',
          ...provider.domains, ...provider.domains.map((domain) => domainToUnicode(domain)),
        ].join('\n').toLowerCase(),
      }))
  }

  /** First index whose id sorts after `id` (binary search: pages cost the same anywhere in a large catalog). */
  #startAfter (id: string): number {
    let low = 0
    let high = this.#entries.length
    while (low < high) {
      const mid = (low + high) >>> 1
      if (compareIds(this.#entries[mid]!.summary.id, id) <= 0) low = mid + 1
      else high = mid
    }
    return low
  }

  page (query: PageQuery): ApiProviderPage {
    if (query.providerId === null) return { items: [] }
    const needle = query.q?.trim().toLowerCase()
    const items: ApiProviderSummary[] = []
    for (let i = query.after === undefined ? 0 : this.#startAfter(query.after); i < this.#entries.length; i++) {
      const entry = this.#entries[i]!
      if (query.providerId !== undefined && entry.summary.id !== query.providerId) continue
      if (needle !== undefined && needle !== '' && !entry.haystack.includes(needle)) continue
      if (items.length === query.limit) return { items, nextCursor: encodeCursor(items[items.length - 1]!.id) }
      items.push(entry.summary)
    }
    return { items }
  }
}

const indexes = new WeakMap<Catalog, ProviderIndex>()

/** The index of a catalog, built on first use. */
export function providerIndex (catalog: Catalog): ProviderIndex {
  let index = indexes.get(catalog)
  if (index === undefined) indexes.set(catalog, index = new ProviderIndex(catalog.providers.values()))
  return index
}
