/**
 * The fast path's Outlook autodiscover POST (see fast-path.ts, `BodyRoute`), the same as routes/autodiscover.ts
 * sends for any body: the settings (or redirect) document for the address, an Error 600/601 document for a request
 * that cannot be served, and the 404 Error document for a domain no provider serves, each as that route's error
 * handler writes it (`autodiscoverErrorAnswer`). Bodies over the route's limit, chunked or empty ones never get
 * here: the fast path leaves them to the route.
 */
import type { DomainMatch } from '../../catalog/catalog.ts'
import type { ProviderLookup } from '../../catalog/lookup.ts'
import { AppError, ERRORS } from '../../errors.ts'
import { parseAutodiscoverRequest } from '../../parse/autodiscover-request.ts'
import { autodiscoverAnswerer, preparedAutodiscover } from '../prepared-autodiscover.ts'
import { AUTODISCOVER_BODY_LIMIT, autodiscoverErrorAnswer, NO_STORE } from '../routes/autodiscover.ts'
import { XML_CONTENT_TYPE } from '../routes/autoconfig.ts'
import { AnswersByDomain } from './answers-by-domain.ts'
import type { BodyRoute, DirectAnswer } from './fast-path.ts'
import { headerLines } from './header-lines.ts'

const DOCUMENT_LINES = headerLines('cache-control', NO_STORE, 'content-type', XML_CONTENT_TYPE)

function documentAnswer (status: number, body: string): DirectAnswer {
  return {
    status,
    kind: 'autodiscover',
    lines: DOCUMENT_LINES,
    headers: ['content-length', String(Buffer.byteLength(body))],
    body,
  }
}

/** As the route's error handler answers `error` (an AppError the route throws, or a failure of the route). */
function errorAnswer (error: AppError | undefined): DirectAnswer {
  const code = error?.code ?? 'INTERNAL_ERROR'
  const answer = autodiscoverErrorAnswer(code, error?.message ?? ERRORS.INTERNAL_ERROR.title)
  return {
    ...documentAnswer(answer.status, answer.body),
    ...(answer.outcome === undefined ? {} : { outcome: answer.outcome }),
    // The route's handler logs an internal error itself; the fast path logs the failure that leads here.
    ...(error === undefined ? {} : { debugLine: { fields: { code, autodiscoverErrorId: answer.id }, message: 'autodiscover error answer' } }),
  }
}

/** The route's 404 Error document for a domain no provider serves. */
function unknownDomainAnswer (domain: string): DirectAnswer {
  return errorAnswer(new AppError('UNKNOWN_DOMAIN', `No provider serves ${domain}`, { domain }))
}

export function autodiscoverBodyRoute (lookup: ProviderLookup): BodyRoute {
  // By domain, what answers it: one lookup from the asked domain to the provider's templates, as for the
  // autoconfig GET (answers-by-domain.ts says why).
  const answerers = new AnswersByDomain(lookup, (match) => autodiscoverAnswerer(match.provider))
  return {
    maxBytes: AUTODISCOVER_BODY_LIMIT,
    autodiscoverLimit: true,
    answer: (body) => {
      const parsed = parseAutodiscoverRequest(body)
      if (!parsed.ok) return errorAnswer(new AppError(parsed.code, parsed.detail))
      const { address, schema } = parsed.request
      const answerer = answerers.get(address.domain)
      if (answerer === null) return unknownDomainAnswer(address.domain)
      if (answerer !== undefined) return documentAnswer(200, answerer(address, schema))
      // The lookup has to wait (an asynchronous resolver): answered once it resolves.
      const answerFor = (match: DomainMatch | undefined): DirectAnswer => match === undefined
        ? unknownDomainAnswer(address.domain)
        : documentAnswer(200, preparedAutodiscover(match.provider, address, schema))
      const found = lookup.lookup(address.domain)
      return found instanceof Promise ? found.then(answerFor) : answerFor(found)
    },
    failed: () => errorAnswer(undefined),
  }
}
