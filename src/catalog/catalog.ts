/**
 * The catalog: an immutable index of validated providers by id and by domain. It is built whole or not at all,
 * so a request only ever sees a complete set; reloads build a new catalog and swap it in (see lookup.ts).
 * It also owns the service's one cache of finished answers (`answer`), which is replaced with it, so no answer
 * outlives the provider files it was made from.
 */
import { LRUCache } from 'lru-cache'
import type { Provider } from '../model/provider.ts'

/**
 * How a domain found its provider: listed (`exact`), under a `*.parent` entry (`wildcard`), or by its MX record
 * (`mx`, resolved outside the catalog: see ../dns/mx-domain-resolver.ts).
 */
export const MATCH_KINDS = ['exact', 'wildcard', 'mx'] as const
export type MatchKind = typeof MATCH_KINDS[number]

/** Which provider serves a domain, and how it matched. */
export interface DomainMatch {
  readonly provider: Provider
  /** The normalised domain that was asked about. */
  readonly domain: string
  readonly matchedBy: MatchKind
  /**
   * The provider's entry that matched: a `domains` entry (`example.com` or `*.example.com`), or for an MX match
   * the `mx` entry (`*.mail.protection.outlook.com`) or the `domains` entry the MX host's domain matched.
   */
  readonly pattern: string
  /** For an MX match: the domain's MX host that matched. */
  readonly mxHost?: string
}

/** A provider found by an MX host, and the `mx` entry that matched it. */
export interface MxHostMatch {
  readonly provider: Provider
  readonly pattern: string
}

/** A finished answer: its bytes and their strong entity tag. */
export interface CachedAnswer {
  readonly body: Buffer
  readonly etag: string
}

/** Finished answers a catalog keeps; the least recently asked go first (wildcard domains are unbounded in number). */
const CACHED_ANSWERS = 20_000

/**
 * A later claim on an id or a domain than the provider that keeps it (`owner`, the first in the list to claim it;
 * the claiming provider itself when a domain is listed twice). `domainIndex` is the place in `provider.domains`.
 */
export type Clash =
  | { kind: 'id', provider: Provider, owner: Provider }
  | { kind: 'domain', provider: Provider, domainIndex: number, owner: Provider }
  | { kind: 'mx', provider: Provider, mxIndex: number, owner: Provider }

export type Indexed = { ok: true, catalog: Catalog } | { ok: false, clashes: Clash[] }

export class Catalog {
  readonly providers: ReadonlyMap<string, Provider>
  readonly domainCount: number
  readonly #exact = new Map<string, Provider>()
  /** Keyed by the suffix after `*.`. */
  readonly #wildcard = new Map<string, Provider>()
  /** MX hosts from the providers' `mx` entries, exact and by the suffix after `*.`. */
  readonly #mxExact = new Map<string, Provider>()
  readonly #mxSuffix = new Map<string, Provider>()
  readonly #answers = new LRUCache<string, CachedAnswer>({ max: CACHED_ANSWERS })

  /** Indexes providers in list order, or names every clash between them (a catalog is made only without any). */
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
        const owner = claim(pattern, provider, this.#exact, this.#wildcard)
        if (owner !== undefined) onClash({ kind: 'domain', provider, domainIndex, owner })
      })
      provider.mx?.forEach((pattern, mxIndex) => {
        const owner = claim(pattern, provider, this.#mxExact, this.#mxSuffix)
        if (owner !== undefined) onClash({ kind: 'mx', provider, mxIndex, owner })
      })
    }
    this.providers = byId
    this.domainCount = this.#exact.size + this.#wildcard.size
  }

  /** The provider serving a normalised domain: exact match first, then the nearest `*.parent` wildcard. */
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

  /** The provider whose `mx` names a host: the exact entry first, then the nearest `*.suffix`. */
  matchMxHost (host: string): MxHostMatch | undefined {
    const exact = this.#mxExact.get(host)
    if (exact !== undefined) return { provider: exact, pattern: host }
    for (let dot = host.indexOf('.'); dot !== -1; dot = host.indexOf('.', dot + 1)) {
      const suffix = host.slice(dot + 1)
      const provider = this.#mxSuffix.get(suffix)
      if (provider !== undefined) return { provider, pattern: `*.${suffix}` }
    }
    return undefined
  }

  /**
   * The finished answer under `key` (which must name everything the answer is made from, e.g. the format, the
   * provider and the domain), made by `make` when not kept yet.
   */
  answer (key: string, make: () => CachedAnswer): CachedAnswer {
    let answer = this.#answers.get(key)
    if (answer === undefined) this.#answers.set(key, answer = make())
    return answer
  }
}

/**
 * Files `pattern` (`host` or `*.suffix`) under `provider` in the exact or the suffix index; returns the provider
 * that had claimed it already, which keeps it.
 */
function claim (pattern: string, provider: Provider, exact: Map<string, Provider>, suffixes: Map<string, Provider>): Provider | undefined {
  const suffix = pattern.startsWith('*.')
  const map = suffix ? suffixes : exact
  const key = suffix ? pattern.slice(2) : pattern
  const owner = map.get(key)
  if (owner === undefined) map.set(key, provider)
  return owner
}

function throwClash (clash: Clash): never {
  const what = clash.kind === 'id'
    ? `id "${clash.provider.id}"`
    : clash.kind === 'domain' ? `domain "${clash.provider.domains[clash.domainIndex]}"` : `mx "${clash.provider.mx![clash.mxIndex]}"`
  throw new Error(`${what} of provider ${clash.provider.id} is already claimed by provider ${clash.owner.id}`)
}
