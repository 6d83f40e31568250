/**
 * Autoconfig documents ready to send: rendered, encoded and tagged once per provider, then reused for every
 * request. The document keeps its placeholders (the client fills them in), so only a wildcard match, which lists
 * the asked-for domain, differs between requests; those are cached per domain up to a bound.
 * Entries hang off the provider object, so a reloaded catalog starts afresh and the old entries are collected.
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

export function preparedAutoconfig (match: DomainMatch): PreparedDocument {
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
