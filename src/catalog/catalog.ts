/**
 * The catalog: an immutable index of validated providers by id and by domain. It is built whole or not at all,
 * so a request only ever sees a complete set; reloads build a new catalog and swap it in (see store.ts).
 */
import { BoundedMemo } from '../bounded-memo.ts'
import type { Provider } from '../model/provider.ts'

/** How a domain found its provider. A resolver that asks DNS (MX) will add its own kind here. */
export const MATCH_KINDS = ['exact', 'wildcard'] as const
export type MatchKind = typeof MATCH_KINDS[number]

/** Shared: a catalog hands out the same match for a domain again (see `match`), so nobody may change one. */
export interface DomainMatch {
  readonly provider: Provider
  /** The normalised domain that was asked about. */
  readonly domain: string
  readonly matchedBy: MatchKind
  /** The provider's `domains` entry that matched (`example.com` or `*.example.com`). */
  readonly pattern: string
}

/** Domains whose match a catalog remembers; past this it starts afresh (bounded-memo.ts). */
const REMEMBERED_MATCHES = 4096

export class Catalog {
  readonly providers: ReadonlyMap<string, Provider>
  readonly domainCount: number
  readonly #exact = new Map<string, Provider>()
  /** Keyed by the suffix after `*.`. */
  readonly #wildcard = new Map<string, Provider>()
  readonly #matches = new BoundedMemo(REMEMBERED_MATCHES, (domain: string) => this.#matchNow(domain))

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

  /**
   * The provider serving a normalised domain, and how it matched. Remembered for the domains asked most (the
   * catalog never changes, so an answer never goes stale): the maps of a hoster's catalog (50,000 domains) are
   * too large to stay in the CPU's caches, and with 10,000 providers, finding a domain there and then its prepared
   * document (prepared-autoconfig.ts, keyed by the match this returns) cost some microseconds a request more than
   * with the bundled set. Asked again, a remembered domain returns the very same match object.
   */
  match (domain: string): DomainMatch | undefined {
    return this.#matches.get(domain)
  }

  /** Exact match first (O(1)); then the nearest `*.parent` wildcard, walking up one label at a time. */
  #matchNow (domain: string): DomainMatch | undefined {
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
