/**
 * The fast path's autoconfig answer (see fast-path.ts), the same as routes/autoconfig.ts sends for an address or
 * Host header naming a domain: the prepared document with its ETag, a 304 when the client already has it, or the
 * 404 for a domain no provider serves. Everything else (a malformed address, `emailaddress` given twice, a lookup
 * that has to wait) is left to that route.
 */
import type { ProviderLookup } from '../../catalog/lookup.ts'
import { ifNoneMatchHits } from '../etag.ts'
import { preparedAutoconfig, type PreparedDocument } from '../prepared-autoconfig.ts'
import { askedDomain, AUTOCONFIG_CACHE_CONTROL, XML_CONTENT_TYPE } from '../routes/autoconfig.ts'
import { AnswersByDomain } from './answers-by-domain.ts'
import type { ClientView } from './client.ts'
import type { DirectAnswer, DirectRoute } from './fast-path.ts'
import { headerLines } from './header-lines.ts'
import { queryValue } from './query-value.ts'
import { unknownDomainAnswers } from './unknown-domain.ts'

interface PreparedAnswers { etag: string, ok: DirectAnswer, notModified: DirectAnswer }

/**
 * A document's two answers, made once: a document's ETag and length never change. Domains served by one document
 * share them.
 */
const answersByDocument = new WeakMap<PreparedDocument, PreparedAnswers>()

function answersFor (doc: PreparedDocument): PreparedAnswers {
  let answers = answersByDocument.get(doc)
  if (answers === undefined) {
    const { body, etag } = doc
    answers = {
      etag,
      ok: {
        status: 200,
        kind: 'autoconfig',
        lines: headerLines('etag', etag, 'cache-control', AUTOCONFIG_CACHE_CONTROL, 'content-type', XML_CONTENT_TYPE),
        headers: ['content-length', String(body.length)],
        body,
      },
      notModified: {
        status: 304,
        kind: 'autoconfig',
        lines: headerLines('etag', etag, 'cache-control', AUTOCONFIG_CACHE_CONTROL),
        headers: [],
      },
    }
    answersByDocument.set(doc, answers)
  }
  return answers
}

export function autoconfigDirectRoute (lookup: ProviderLookup, client: ClientView): DirectRoute {
  const answersByDomain = new AnswersByDomain(lookup, (match) => answersFor(preparedAutoconfig(match)))
  const notFound = unknownDomainAnswers('autoconfig')
  return (req, query) => {
    const emailaddress = queryValue(query, 'emailaddress')
    // Given twice it is an array, which the route's query schema refuses.
    if (emailaddress !== undefined && typeof emailaddress !== 'string') return undefined
    const asked = askedDomain(emailaddress, client.host(req))
    if (!('domain' in asked)) return undefined
    const answers = answersByDomain.get(asked.domain)
    if (answers === undefined) return undefined
    if (answers === null) return notFound(asked.domain)
    return ifNoneMatchHits(req.headers['if-none-match'], answers.etag) ? answers.notModified : answers.ok
  }
}
