/**
 * Per-provider work the API does once, not per request. Entries hang off the provider object (and, for the
 * domains a catalog remembers, off its match objects), so a reloaded catalog starts afresh and the old entries are
 * collected.
 *
 * A lookup is serialized in two halves, each through its part of `lookupSchema`: the members that are the same
 * for every address (documentation, enable instructions, OAuth2: most of the bytes) once per provider, the rest
 * per request; the two JSON objects are then joined into one.
 */
import type { FastifyReply } from 'fastify'
import type { DomainMatch } from '../../catalog/catalog.ts'
import type { Provider } from '../../model/provider.ts'
import { FIXED_LOOKUP_MEMBERS, prepareLookup, type LookupContext, type PreparedLookup } from '../../render/api.ts'
import { derivedEtag, etagOf } from '../etag.ts'
import { LookupTemplate } from './lookup-template.ts'
import { compileSerializer, outputJsonSchema } from '../serializer.ts'
import { VERSION } from '../../version.ts'
import { lookupSchema } from './schemas.ts'

export const JSON_CONTENT_TYPE = 'application/json; charset=utf-8'

export interface PreparedJson {
  body: string
  etag: string
}

/** A lookup body with its length in UTF-8 bytes. */
export interface LookupJson extends PreparedJson {
  bytes: number
}

interface PreparedLookupJson extends Pick<PreparedLookup, 'render'> {
  /** `fixed`, serialized, without its opening brace: what follows the per-address members in a body. */
  fixedMembers: string
  /** Its length in UTF-8 bytes. */
  fixedMembersBytes: number
  /** Stands for everything a lookup body is made from except the request's own values (see `lookupJson`). */
  tag: string
  /** By how the domain matched (`exact gmail.com`, `wildcard *.example.org`): the patterns come from the file, so few. */
  matches: Map<string, PerMatch>
}

interface PerMatch {
  /** The per-address template; null: none works, and such lookups are serialized whole. */
  template: LookupTemplate | null
  /** The links' base the tag was last made for, and that tag (see `lookupJson`). */
  taggedBase: string | undefined
  etag: string
}

const fixedSchema = lookupSchema.pick(FIXED_LOOKUP_MEMBERS)
const perAddressSchema = lookupSchema.omit(FIXED_LOOKUP_MEMBERS)
const serializeFixed = compileSerializer(fixedSchema)
const serializePerAddress = compileSerializer(perAddressSchema)
/** The code's part in every lookup body: the release and the exact output format. */
const LOOKUP_FORMAT = `${VERSION}\0${JSON.stringify(outputJsonSchema(perAddressSchema))}`

const lookups = new WeakMap<Provider, PreparedLookupJson>()
const documents = new WeakMap<Provider, PreparedJson>()

function preparedLookup (provider: Provider): PreparedLookupJson {
  let prepared = lookups.get(provider)
  if (prepared === undefined) {
    const { fixed, render } = prepareLookup(provider)
    const fixedJson = serializeFixed(fixed)
    const fixedMembers = fixedJson.slice(1)
    lookups.set(provider, prepared = { render, fixedMembers, fixedMembersBytes: Buffer.byteLength(fixedMembers), tag: etagOf(`${LOOKUP_FORMAT}\0${fixedJson}\0${JSON.stringify(provider)}`), matches: new Map() })
  }
  return prepared
}

/**
 * By match object, for the domains the catalog remembers (it hands out the same match again, catalog.ts): one
 * small table instead of the per-provider table and then the provider's own, which with 10,000 providers are too
 * large to stay in the CPU's caches. Entries go with their match objects.
 */
const byMatch = new WeakMap<DomainMatch, { prepared: PreparedLookupJson, perMatch: PerMatch }>()

function preparedForMatch (match: DomainMatch): { prepared: PreparedLookupJson, perMatch: PerMatch } {
  let found = byMatch.get(match)
  if (found === undefined) {
    const prepared = preparedLookup(match.provider)
    const key = `${match.matchedBy} ${match.pattern}`
    let perMatch = prepared.matches.get(key)
    if (perMatch === undefined) {
      const template = LookupTemplate.compile(({ address, links }) => serializePerAddress(prepared.render({ address, match, links }))) ?? null
      prepared.matches.set(key, perMatch = { template, taggedBase: undefined, etag: '' })
    }
    byMatch.set(match, found = { prepared, perMatch })
  }
  return found
}

/**
 * The lookup for one address: `{…per address…}` and `{…fixed…}` joined into one object.
 *
 * The ETag is made from what the body is made of except the address: the provider and the code (the provider's
 * tag), how the domain matched and the links' base URL. The address is part of the URL, and a strong tag only has
 * to tell apart the versions of one resource (RFC 9110 §8.8.3), so lookups of two addresses of one provider may share
 * a tag, as the autoconfig documents of two addresses share one. Hashing the address in as well took about a tenth
 * of the lookup's throughput (README, "Performance"). The tag is kept for the last base asked with: with
 * PUBLIC_BASE_URL set, or one Host, that is every request's.
 */
export function lookupJson (context: LookupContext & { match: DomainMatch }, baseUrl: string): LookupJson {
  const { match } = context
  const { prepared: { render, fixedMembers, fixedMembersBytes, tag }, perMatch } = preparedForMatch(match)
  if (perMatch.taggedBase !== baseUrl) {
    perMatch.etag = derivedEtag(tag, match.matchedBy, match.pattern, baseUrl)
    perMatch.taggedBase = baseUrl
  }
  // Both are non-empty objects (`email` and `documentation` are required), so the join is `{a…,b…}`.
  if (perMatch.template === null) {
    const body = `${serializePerAddress(render(context)).slice(0, -1)},${fixedMembers}`
    return { body, etag: perMatch.etag, bytes: Buffer.byteLength(body) }
  }
  const perAddress = perMatch.template.fillOpen(context)
  return { body: `${perAddress.text},${fixedMembers}`, etag: perMatch.etag, bytes: perAddress.bytes + 1 + fixedMembersBytes }
}

/** The provider's document, serialized once by `serialize` (the route's response serializer). */
export function preparedProviderDocument (provider: Provider, serialize: (provider: Provider) => string): PreparedJson {
  let doc = documents.get(provider)
  if (doc === undefined) {
    const body = serialize(provider)
    documents.set(provider, doc = { body, etag: etagOf(body) })
  }
  return doc
}

/** Sends JSON that was serialized through the route's schema ahead of `send` (which would serialize again). */
export function sendJson (reply: FastifyReply, body: string, cacheControl: string, etag?: string): FastifyReply {
  if (etag !== undefined) reply.header('etag', etag)
  return reply.header('cache-control', cacheControl).type(JSON_CONTENT_TYPE).send(body)
}
