/**
 * A direct route's prepared answers by normalised domain, for the catalog they were made from.
 *
 * Why: with a hoster's catalog, requests name many domains in turn, and by the time a domain is asked again the
 * objects between its name and its answer (the catalog's remembered match, the prepared document, the answers made
 * from it, each found in a table of its own) have left the CPU's caches. Sampled under load (`perf record`, large
 * catalog, 100 domains asked in turn), that walk cost the autoconfig GET some 2.4 µs a request more than with the
 * bundled set's three domains. Kept here, a domain's answers are one lookup away.
 *
 * Only synchronous answers are kept: the lookup chain's synchronous answers come from the catalog alone
 * (catalog/lookup.ts), so they hold until the catalog is replaced, and then every answer is dropped. An answer that
 * has to wait (an asynchronous resolver) is left to the route. Kept in a BoundedMemo like the catalog's own matches:
 * past `capacity` domains it starts afresh.
 */
import { BoundedMemo } from '../../bounded-memo.ts'
import type { Catalog, DomainMatch } from '../../catalog/catalog.ts'
import type { ProviderLookup } from '../../catalog/lookup.ts'

/** Domains remembered per catalog, as many as the catalog itself remembers matches for. */
const REMEMBERED_DOMAINS = 4096

export class AnswersByDomain<T> {
  readonly #lookup: ProviderLookup
  readonly #prepare: (match: DomainMatch) => T
  readonly #capacity: number
  #catalog: Catalog
  /** For `#catalog`; `null`: no provider serves the domain; undefined (not remembered): the lookup has to wait. */
  #answers: BoundedMemo<T | null | undefined>

  constructor (lookup: ProviderLookup, prepare: (match: DomainMatch) => T, capacity: number = REMEMBERED_DOMAINS) {
    this.#lookup = lookup
    this.#prepare = prepare
    this.#capacity = capacity
    this.#catalog = lookup.catalog
    this.#answers = this.#newMemo()
  }

  /**
   * The answers for a normalised domain (see `normalizeDomain`): `null` when no provider serves it, undefined when
   * the lookup has to wait, which the caller leaves to its route.
   */
  get (domain: string): T | null | undefined {
    const catalog = this.#lookup.catalog
    if (catalog !== this.#catalog) {
      this.#catalog = catalog
      this.#answers = this.#newMemo()
    }
    return this.#answers.get(domain)
  }

  #newMemo (): BoundedMemo<T | null | undefined> {
    return new BoundedMemo(this.#capacity, (domain) => this.#answerNow(domain), (answers) => answers !== undefined)
  }

  #answerNow (domain: string): T | null | undefined {
    const match = this.#lookup.lookup(domain)
    if (match instanceof Promise) return undefined
    return match === undefined ? null : this.#prepare(match)
  }

  /** Domains remembered now. */
  get size (): number {
    return this.#answers.size
  }
}
