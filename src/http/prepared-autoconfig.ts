/**
 * Autoconfig documents ready to send: rendered, encoded and tagged once per provider, then reused for every
 * request. The document keeps its placeholders (the client fills them in), so only a wildcard match, which lists
 * the asked-for domain, differs between requests; those are cached per domain up to a bound.
 * Entries hang off the provider object, so a reloaded catalog starts afresh and the old entries are collected.
 * The match objects a catalog remembers (at most 4,096 per catalog) also hold their document, which can keep a
 * wildcard domain's document past its provider's bound while the catalog remembers that domain.
 */
import type { DomainMatch } from '../catalog/catalog.ts'
import type { Provider } from '../model/provider.ts'
import { renderAutoconfig } from '../render/autoconfig.ts'
import { etagOf } from './etag.ts'
import { warmInBatches } from './warm-in-batches.ts'

export interface PreparedDocument {
  body: Buffer
  etag: string
}

/** Wildcard documents kept per provider; past this, documents are rendered per request. */
const MAX_WILDCARD_ENTRIES = 1024

const exactDocuments = new WeakMap<Provider, PreparedDocument>()
const wildcardDocuments = new WeakMap<Provider, Map<string, PreparedDocument>>()

function prepare (provider: Provider, domain?: string): PreparedDocument {
  const body = Buffer.from(renderAutoconfig(provider, domain === undefined ? {} : { domain }), 'utf8')
  return { body, etag: etagOf(body) }
}

/**
 * By match: the catalog hands out one match object per remembered domain (catalog.ts, `match`), so a request for a
 * popular domain finds its document in this small table instead of the tables over every provider. Entries go with
 * their match objects. With 10,000 providers this gained 16 % of the autoconfig GET (paired rounds, with the
 * catalog's own memo), the tables over every provider being too large to stay in the CPU's caches.
 */
const documentsByMatch = new WeakMap<DomainMatch, PreparedDocument>()

export function preparedAutoconfig (match: DomainMatch): PreparedDocument {
  let doc = documentsByMatch.get(match)
  if (doc === undefined) documentsByMatch.set(match, doc = preparedForProvider(match))
  return doc
}

function preparedForProvider (match: DomainMatch): PreparedDocument {
  const { provider } = match
  if (match.matchedBy === 'exact') {
    let doc = exactDocuments.get(provider)
    if (doc === undefined) exactDocuments.set(provider, doc = prepare(provider))
    return doc
  }
  let perDomain = wildcardDocuments.get(provider)
  if (perDomain === undefined) wildcardDocuments.set(provider, perDomain = new Map())
  let doc = perDomain.get(match.domain)
  if (doc === undefined) {
    doc = prepare(provider, match.domain)
    if (perDomain.size < MAX_WILDCARD_ENTRIES) perDomain.set(match.domain, doc)
  }
  return doc
}

/** Renders every provider's exact-match document now, so the first requests after a (re)load pay nothing. */
export function warmAutoconfig (providers: Iterable<Provider>): void {
  for (const provider of providers) {
    if (!exactDocuments.has(provider)) exactDocuments.set(provider, prepare(provider))
  }
}

/** `warmAutoconfig` a batch at a time in the background (see warm-in-batches.ts). */
export function warmAutoconfigInBackground (providers: Iterable<Provider>, isCurrent: () => boolean = () => true): Promise<void> {
  return warmInBatches(providers, warmAutoconfig, isCurrent)
}

/** True once the provider's exact-match document is rendered. */
export function isAutoconfigWarm (provider: Provider): boolean {
  return exactDocuments.has(provider)
}
