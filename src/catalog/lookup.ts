/**
 * Which provider serves a domain. Lookup is a chain of resolvers tried in order; the first answer wins: the
 * catalog's own exact-then-wildcard match, then, when enabled, the domain's MX hosts (../dns/mx-domain-resolver.ts).
 * A domain the catalog knows never reaches a later step. The routes only ever call `lookup()`.
 *
 * The catalog is held here and replaced atomically on reload: each lookup takes one snapshot when it starts, so
 * a request in flight finishes against the catalog it began with.
 */
import type { Catalog, DomainMatch } from './catalog.ts'

/** Where a resolver says why it found nothing: the request's logger. */
export interface LookupLog {
  info (details: Record<string, unknown>, message: string): void
}

export interface DomainResolver {
  readonly name: string
  resolve (domain: string, catalog: Catalog, log?: LookupLog): DomainMatch | undefined | Promise<DomainMatch | undefined>
}

/** Exact domains, then `*.parent` wildcards, from the provider files. */
export const catalogResolver: DomainResolver = {
  name: 'catalog',
  resolve: (domain, catalog) => catalog.match(domain),
}

export class ProviderLookup {
  #catalog: Catalog
  readonly #resolvers: readonly DomainResolver[]

  constructor (catalog: Catalog, resolvers: readonly DomainResolver[] = [catalogResolver]) {
    this.#catalog = catalog
    this.#resolvers = resolvers
  }

  /** The catalog new requests will use. */
  get catalog (): Catalog {
    return this.#catalog
  }

  /** Swaps in a fully validated catalog; lookups already running keep the one they started with. */
  replace (catalog: Catalog): void {
    this.#catalog = catalog
  }

  /** Resolves a normalised domain (see `normalizeDomain`). Synchronous resolvers cost no extra tick. */
  lookup (domain: string, log?: LookupLog): DomainMatch | undefined | Promise<DomainMatch | undefined> {
    const catalog = this.#catalog
    for (let i = 0; i < this.#resolvers.length; i++) {
      const answer = this.#resolvers[i]!.resolve(domain, catalog, log)
      if (answer instanceof Promise) return this.#continueAsync(answer, domain, catalog, i + 1, log)
      if (answer !== undefined) return answer
    }
    return undefined
  }

  async #continueAsync (pending: Promise<DomainMatch | undefined>, domain: string, catalog: Catalog, next: number, log: LookupLog | undefined): Promise<DomainMatch | undefined> {
    const answer = await pending
    if (answer !== undefined) return answer
    for (let i = next; i < this.#resolvers.length; i++) {
      const later = await this.#resolvers[i]!.resolve(domain, catalog, log)
      if (later !== undefined) return later
    }
    return undefined
  }
}
