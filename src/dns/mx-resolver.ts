/**
 * A domain's MX records, asked of DNS with Node's `Resolver` (c-ares; https://nodejs.org/api/dns.html#class-dnspromisesresolver)
 * and kept for a while, so that a slow or dead DNS server delays only the requests that need it:
 *
 * - every query gives up after the timeout (c-ares' own `timeout` with one try per server, and a timer that
 *   answers `timeout` to the waiting request even while c-ares is still trying the next server);
 * - concurrent requests for one domain share one query;
 * - at most `maxInFlight` queries are outstanding; beyond that a domain is answered `busy` at once, without a
 *   query, and nothing is kept, so the next request for it tries again;
 * - answers are kept in an `MxAnswerCache`, failures too, each kind for its own lifetime. Node's resolver does
 *   not report the TTL of MX records, so the lifetimes are fixed (`MxLifetimes`) rather than taken from DNS.
 *
 * The counts by outcome are kept here (`stats`) and exported as metrics by the HTTP layer.
 */
import type { Resolver } from 'node:dns/promises'
import { byPreference, type MxRecord } from '../catalog/mx-match.ts'
import { toAsciiHostname } from '../model/provider.ts'
import { MemoryMxCache, type MxAnswer, type MxAnswerCache } from './mx-cache.ts'
import { dnsResolver } from './resolver.ts'

/** What a lookup came to: an answer of DNS, or `busy` when the cap on queries in flight was reached. */
export const MX_OUTCOMES = ['found', 'nxdomain', 'no_mx', 'failed', 'timeout', 'busy'] as const
export type MxOutcome = typeof MX_OUTCOMES[number]
export type MxLookup = MxAnswer | { readonly outcome: 'busy' }

/** How long each kind of answer is kept, in milliseconds. */
export interface MxLifetimes {
  /** MX records found. */
  found: number
  /** NXDOMAIN, no MX, a null MX: a domain may gain its MX soon after it is set up, so not for long. */
  negative: number
  /** No answer (SERVFAIL, refused, timeout): short, but long enough that a burst does not each wait again. */
  failure: number
}

export const DEFAULT_MX_LIFETIMES: MxLifetimes = { found: 300_000, negative: 60_000, failure: 10_000 }
export const DEFAULT_MX_TIMEOUT_MS = 2000
export const DEFAULT_MAX_IN_FLIGHT = 64
/** Domains whose answer the default cache keeps (each a few hundred bytes). */
export const DEFAULT_MX_CACHE_SIZE = 10_000

export interface MxResolverOptions {
  /** DNS servers as `Resolver.setServers` takes them; the system's when absent. */
  servers?: readonly string[] | undefined
  timeoutMs?: number
  maxInFlight?: number
  lifetimes?: Partial<MxLifetimes>
  cache?: MxAnswerCache
}

export interface MxStats {
  /** Queries sent to DNS by outcome, and lookups refused (`busy`) without one. */
  readonly lookups: Record<MxOutcome, number>
  /** Lookups answered from the cache. */
  cacheHits: number
  /** Lookups that joined a query already running for the same domain. */
  coalesced: number
}

/** Node's error codes (https://nodejs.org/api/dns.html#error-codes) for the answers that are not failures. */
const OUTCOME_OF_ERROR: Record<string, 'nxdomain' | 'no_mx' | 'timeout'> = {
  ENOTFOUND: 'nxdomain',
  ENODATA: 'no_mx',
  ETIMEOUT: 'timeout',
}

/**
 * Host names as the catalog compares them, in order of preference (so matching need not sort them on every request);
 * a null MX (RFC 7505, `MX 0 .`) and unusable names are left out.
 */
function usable (records: readonly MxRecord[]): readonly MxRecord[] {
  const hosts: MxRecord[] = []
  for (const { exchange, priority } of records) {
    const host = exchange === '' || exchange === '.' ? undefined : toAsciiHostname(exchange)
    if (host !== undefined) hosts.push({ exchange: host, priority })
  }
  return byPreference(hosts)
}

export class MxResolver {
  readonly stats: MxStats = { lookups: Object.fromEntries(MX_OUTCOMES.map((o) => [o, 0])) as Record<MxOutcome, number>, cacheHits: 0, coalesced: 0 }
  readonly #resolver: Resolver
  readonly #timeoutMs: number
  readonly #maxInFlight: number
  readonly #lifetimes: MxLifetimes
  readonly #cache: MxAnswerCache
  readonly #pending = new Map<string, Promise<MxLookup>>()
  #inFlight = 0

  constructor (options: MxResolverOptions = {}) {
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_MX_TIMEOUT_MS
    this.#maxInFlight = options.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT
    this.#lifetimes = { ...DEFAULT_MX_LIFETIMES, ...options.lifetimes }
    this.#cache = options.cache ?? new MemoryMxCache(DEFAULT_MX_CACHE_SIZE)
    this.#resolver = dnsResolver({ servers: options.servers, timeoutMs: this.#timeoutMs })
  }

  /** Queries to DNS outstanding now (a query the timer gave up on counts until c-ares ends it). */
  get inFlight (): number {
    return this.#inFlight
  }

  /** The MX records of a normalised domain; synchronous when an in-process cache has them. */
  resolve (domain: string): MxLookup | Promise<MxLookup> {
    const pending = this.#pending.get(domain)
    if (pending !== undefined) {
      this.stats.coalesced++
      return pending
    }
    const cached = this.#cache.get(domain)
    // A shared cache that cannot answer costs a query, never the lookup.
    if (cached instanceof Promise) return this.#share(domain, cached.then((answer) => answer === undefined ? this.#query(domain) : this.#hit(answer), () => this.#query(domain)))
    if (cached !== undefined) return this.#hit(cached)
    return this.#share(domain, this.#query(domain))
  }

  #hit (answer: MxAnswer): MxAnswer {
    this.stats.cacheHits++
    return answer
  }

  #share (domain: string, lookup: Promise<MxLookup>): Promise<MxLookup> {
    this.#pending.set(domain, lookup)
    const done = () => { this.#pending.delete(domain) }
    lookup.then(done, done)
    return lookup
  }

  async #query (domain: string): Promise<MxLookup> {
    if (this.#inFlight >= this.#maxInFlight) {
      this.stats.lookups.busy++
      return { outcome: 'busy' }
    }
    this.#inFlight++
    const query = this.#ask(domain).finally(() => { this.#inFlight-- })
    let timer: NodeJS.Timeout | undefined
    const late = new Promise<MxAnswer>((resolve) => { timer = setTimeout(() => resolve({ outcome: 'timeout' }), this.#timeoutMs) })
    const answer = await Promise.race([query, late])
    clearTimeout(timer)
    this.stats.lookups[answer.outcome]++
    const lifetime = answer.outcome === 'found'
      ? this.#lifetimes.found
      : answer.outcome === 'nxdomain' || answer.outcome === 'no_mx' ? this.#lifetimes.negative : this.#lifetimes.failure
    try {
      await this.#cache.set(domain, answer, lifetime)
    } catch {
      // A shared cache that is down costs another query next time, never this answer.
    }
    return answer
  }

  async #ask (domain: string): Promise<MxAnswer> {
    try {
      const records = usable(await this.#resolver.resolveMx(domain))
      return records.length === 0 ? { outcome: 'no_mx' } : { outcome: 'found', records }
    } catch (error) {
      return { outcome: OUTCOME_OF_ERROR[(error as NodeJS.ErrnoException).code ?? ''] ?? 'failed' }
    }
  }
}
