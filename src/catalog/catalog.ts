/**
 * The catalog: an immutable index of validated providers by id and by domain. It is built whole or not at all,
 * so a request only ever sees a complete set; reloads build a new catalog and swap it in (see store.ts).
 */
import type { Provider } from '../model/provider.ts'

/** How a domain found its provider. A resolver that asks DNS (MX) will add its own kind here. */
export const MATCH_KINDS = ['exact', 'wildcard'] as const
export type MatchKind = typeof MATCH_KINDS[number]

export interface DomainMatch {
  provider: Provider
  /** The normalised domain that was asked about. */
  domain: string
  matchedBy: MatchKind
  /** The provider's `domains` entry that matched (`example.com` or `*.example.com`). */
  pattern: string
}

export class Catalog {
  readonly providers: ReadonlyMap<string, Provider>
  readonly domainCount: number
  readonly #exact = new Map<string, Provider>()
  /** Keyed by the suffix after `*.`. */
  readonly #wildcard = new Map<string, Provider>()

  /** The caller guarantees ids and domains are unique (the loader reports clashes with positions). */
  constructor (providers: readonly Provider[]) {
    const byId = new Map<string, Provider>()
    for (const provider of providers) {
      byId.set(provider.id, provider)
      for (const pattern of provider.domains) {
        if (pattern.startsWith('*.')) this.#wildcard.set(pattern.slice(2), provider)
        else this.#exact.set(pattern, provider)
      }
    }
    this.providers = byId
    this.domainCount = this.#exact.size + this.#wildcard.size
  }

  /** Exact match first (O(1)); then the nearest `*.parent` wildcard, walking up one label at a time. */
  match (domain: string): DomainMatch | undefined {
    const exact = this.#exact.get(domain)
    if (exact !== undefined) return { provider: exact, domain, matchedBy: 'exact', pattern: domain }
    for (let dot = domain.indexOf('.'); dot !== -1; dot = domain.indexOf('.', dot + 1)) {
      const suffix = domain.slice(dot + 1)
      const provider = this.#wildcard.get(suffix)
      if (provider !== undefined) return { provider, domain, matchedBy: 'wildcard', pattern: `*.${suffix}` }
    }
    return undefined
  }
}
