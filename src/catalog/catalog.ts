/**
 * The catalog: an immutable index of validated providers by id and by domain. It is built whole or not at all,
 * so a request only ever sees a complete set; reloads build a new catalog and swap it in (see lookup.ts).
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

/**
 * A later claim on an id or a domain than the provider that keeps it (`owner`, the first in the list to claim it;
 * the claiming provider itself when a domain is listed twice). `domainIndex` is the place in `provider.domains`.
 */
export type Clash =
  | { kind: 'id', provider: Provider, owner: Provider }
  | { kind: 'domain', provider: Provider, domainIndex: number, owner: Provider }

export type Indexed = { ok: true, catalog: Catalog } | { ok: false, clashes: Clash[] }

export class Catalog {
  readonly providers: ReadonlyMap<string, Provider>
  readonly domainCount: number
  readonly #exact = new Map<string, Provider>()
  /** Keyed by the suffix after `*.`. */
  readonly #wildcard = new Map<string, Provider>()
  readonly #matches = new BoundedMemo(REMEMBERED_MATCHES, (domain: string) => this.#matchNow(domain))

  /**
   * Indexes providers in list order, or names every clash between them (a catalog is made only without any).
   * Checking for clashes is building the index: a hoster's catalog has 50,000 domains, and with one pass over them
   * instead of two, joining a 10,000-file start-up's checks took 38–61 ms instead of 80–137 (six starts each).
   */
  static index (providers: readonly Provider[]): Indexed {
    const clashes: Clash[] = []
    const catalog = new Catalog(providers, (clash) => clashes.push(clash))
    return clashes.length === 0 ? { ok: true, catalog } : { ok: false, clashes }
  }

  /** Every clash goes to `onClash` (the first claim is kept); without it, a clash throws. */
  constructor (providers: readonly Provider[], onClash: (clash: Clash) => void = throwClash) {
    const byId = new Map<string, Provider>()
    for (const provider of providers) {
      const owner = byId.get(provider.id)
      if (owner === undefined) byId.set(provider.id, provider)
      else onClash({ kind: 'id', provider, owner })
      provider.domains.forEach((pattern, domainIndex) => {
        const wildcard = pattern.startsWith('*.')
        const map = wildcard ? this.#wildcard : this.#exact
        const key = wildcard ? pattern.slice(2) : pattern
        const claimed = map.get(key)
        if (claimed === undefined) map.set(key, provider)
        else onClash({ kind: 'domain', provider, domainIndex, owner: claimed })
      })
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

function throwClash (clash: Clash): never {
  const what = clash.kind === 'id' ? `id "${clash.provider.id}"` : `domain "${clash.provider.domains[clash.domainIndex]}"`
  throw new Error(`${what} of provider ${clash.provider.id} is already claimed by provider ${clash.owner.id}`)
}
