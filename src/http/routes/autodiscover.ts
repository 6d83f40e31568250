/**
 * Outlook autodiscover: the POX XML endpoint and (autodiscover-json.ts) the v2 JSON endpoint, as one
 * encapsulated plugin. Its body parser and its error handler (Error documents instead of problem+json) stay
 * inside this scope; the rest of the app is untouched.
 *
 * Outlook POSTs to `https://<domain>/…`, `https://autodiscover.<domain>/…` or an `_autodiscover._tcp` SRV target
 * (MS-OXDISCO §3.1.5), so any Host is served, and clients vary the path's case (`/Autodiscover/Autodiscover.xml`,
 * `/AutoDiscover/AutoDiscover.xml`), which the app's case-insensitive router absorbs.
 *
 * Unknown domains get HTTP 404 (with an Error 500 document for people reading it), not an Error document with
 * 200: Outlook moves on to its next candidate URL (the SRV record, the http redirect, Office 365) when an
 * answer is not a 200 (MS-OXDISCO §3.1.5), and Thunderbird only reads 2xx answers; a 200 Error would end
 * Outlook's search at a server that has nothing to say. It also tells nothing about whether a mailbox exists.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify'
import { randomInt } from 'node:crypto'
import * as z from 'zod'
import { AppError, ERRORS, type ErrorCode } from '../../errors.ts'
import { parseAutodiscoverRequest } from '../../parse/autodiscover-request.ts'
import { renderAutodiscover } from '../../render/autodiscover.ts'
import { XML_CONTENT_TYPE } from '../../render/xml.ts'
import { renderAutodiscoverError, type AutodiscoverErrorCode } from '../../render/autodiscover-error.ts'
import { parsePublicBaseUrl } from '../reply/public-base-url.ts'
import { documentResponse, type HeaderDocs } from '../reply/responses.ts'
import { unknownDomainError } from '../reply/unknown-domain.ts'
import { autodiscoverJsonRoutes } from './autodiscover-json.ts'
import { AUTODISCOVER_XML_PATH } from '../paths.ts'

/** Requests are a few hundred bytes; Stalwart reads at most 8 KiB. Larger bodies get 413. */
export const AUTODISCOVER_BODY_LIMIT = 64 * 1024
/** Answers name the user's address and login; no cache should keep them. */
export const NO_STORE = 'no-store'

export interface AutodiscoverRoutesOptions {
  /** Public base URL of this service; see reply/public-base-url.ts. */
  publicBaseUrl?: string | undefined
}

const XML_MEDIA_TYPE = 'application/xml'
const requestDocument = z.string().meta({
  description: 'An Autodiscover request (outlook requestschema/2006): `Request/EMailAddress` and `Request/AcceptableResponseSchema`',
  examples: ['<Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006"><Request><EMailAddress>alice@example.com</EMailAddress><AcceptableResponseSchema>http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a</AcceptableResponseSchema></Request></Autodiscover>'],
})
const NO_STORE_HEADERS: HeaderDocs = { 'cache-control': { type: 'string', description: '`no-store`: the answer names the user' } }
const errorDocument = (description: string) => documentResponse(XML_MEDIA_TYPE, `An autodiscover Error document: ${description}`, NO_STORE_HEADERS)
const RATE_LIMITED_RESPONSE = errorDocument('too many requests from this client (`DebugData` RATE_LIMITED; see `Retry-After`)')

/** The MS-OXDSCLI ErrorCode each catalog error is reported with; client errors not listed are 600. */
const AUTODISCOVER_ERROR_CODES: Partial<Record<ErrorCode, AutodiscoverErrorCode>> = {
  AUTODISCOVER_INVALID_REQUEST: 600,
  AUTODISCOVER_UNSUPPORTED_SCHEMA: 601,
  UNKNOWN_DOMAIN: 500,
  INTERNAL_ERROR: 603,
}

function catalogCode (error: FastifyError): ErrorCode {
  if (error instanceof AppError) return error.code
  if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return 'BODY_TOO_LARGE'
  if (error.code === 'FST_ERR_RATE_LIMIT' || error.statusCode === 429) return 'RATE_LIMITED'
  const status = error.statusCode ?? 500
  return status >= 400 && status < 500 ? 'INVALID_REQUEST_BODY' : 'INTERNAL_ERROR'
}

function errorMessage (code: ErrorCode, error: FastifyError): string {
  if (error instanceof AppError) return error.message
  if (code === 'BODY_TOO_LARGE') return `The request body is larger than ${AUTODISCOVER_BODY_LIMIT / 1024} KiB; an autodiscover request is a few hundred bytes`
  return ERRORS[code].title
}

/** An autodiscover Error document and its HTTP status (from the catalog), as every error on these routes is answered. */
export interface AutodiscoverErrorAnswer {
  status: number
  body: string
  /** The document's `Id`, for the log line that goes with it. */
  id: number
  /** An Error 600/601 goes out with a 200, which would count as served; the metrics should see a bad request. */
  outcome: 'bad_request' | undefined
}

export function autodiscoverErrorAnswer (code: ErrorCode, message: string): AutodiscoverErrorAnswer {
  const id = randomInt(2 ** 32)
  const body = renderAutodiscoverError({
    errorCode: AUTODISCOVER_ERROR_CODES[code] ?? 600,
    message,
    debugData: code,
    time: new Date().toISOString().slice(11, 23),
    id,
  })
  const status = ERRORS[code].status
  return { status, body, id, outcome: status < 400 ? 'bad_request' : undefined }
}

/** Every error on these routes is an autodiscover Error document. */
function sendAutodiscoverError (error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  const code = catalogCode(error)
  const answer = autodiscoverErrorAnswer(code, errorMessage(code, error))
  if (code === 'INTERNAL_ERROR') request.log.error({ err: error, autodiscoverErrorId: answer.id }, 'autodiscover request failed')
  else request.log.debug({ code, autodiscoverErrorId: answer.id }, 'autodiscover error answer')
  if (answer.outcome !== undefined) reply.outcome = answer.outcome
  return reply.code(answer.status).header('cache-control', NO_STORE).type(XML_CONTENT_TYPE).send(answer.body)
}

async function poxRoutes (app: FastifyInstance, options: { publicBaseUrl: string | undefined }): Promise<void> {
  // Any Content-Type is accepted (automx2 refusing non-XML types is a known peer bug): the body is always read
  // as UTF-8 text and parsed as the request. The header is dropped first, so that a malformed one cannot make
  // Fastify refuse the request with 415 before the parser runs.
  app.removeAllContentTypeParsers()
  app.addContentTypeParser('*', { parseAs: 'string', bodyLimit: AUTODISCOVER_BODY_LIMIT }, (_request, body, done) => { done(null, body) })
  app.setErrorHandler(sendAutodiscoverError)
  // Callback style, and cleared rather than deleted: an async hook costs a promise and a microtask per request, and
  // `delete` turns the headers object into a slower dictionary. Fastify tests `=== undefined`, as for no header.
  const ignoreContentType = (request: FastifyRequest, _reply: FastifyReply, done: HookHandlerDoneFunction) => {
    request.headers['content-type'] = undefined
    done()
  }

  app.post(AUTODISCOVER_XML_PATH, {
    onRequest: ignoreContentType,
    schema: {
      tags: ['autodiscover'],
      summary: 'Outlook autodiscover (POX): IMAP/POP3/SMTP settings for the address in the request body',
      // For the OpenAPI document only: the Content-Type is dropped before parsing, so no media type here ever
      // selects a validator, and any body reaches parseAutodiscoverRequest.
      body: { content: Object.fromEntries(['text/xml', 'application/xml'].map((type) => [type, { schema: requestDocument }])) },
      description: 'Body: an Autodiscover request (outlook requestschema/2006) naming EMailAddress, any Content-Type, at most 64 KiB. ' +
        'Answers an outlook responseschema/2006a document; a malformed request gets an Error 600 document and an unservable ' +
        'AcceptableResponseSchema (mobilesync) Error 601, both with HTTP 200; an unknown domain is HTTP 404.',
      response: {
        200: documentResponse(XML_MEDIA_TYPE, 'The settings (Action settings, one Protocol per server), a redirect (Action redirectUrl or redirectAddr), ' +
          'or an Error document: ErrorCode 600 for a request that cannot be read or names no usable EMailAddress, 601 for an AcceptableResponseSchema not served here', NO_STORE_HEADERS),
        404: errorDocument('ErrorCode 500, no provider serves the address\'s domain (`DebugData` UNKNOWN_DOMAIN); Outlook moves on to its next candidate URL'),
        413: errorDocument('ErrorCode 600, the body is larger than 64 KiB (`DebugData` BODY_TOO_LARGE)'),
        429: RATE_LIMITED_RESPONSE,
      },
    },
  }, async (request, reply) => {
    const parsed = parseAutodiscoverRequest(request.body)
    if (!parsed.ok) throw new AppError(parsed.code, parsed.detail)
    const { address, schema } = parsed.request
    const match = await app.providers.lookup(address.domain, request.log)
    if (match === undefined) throw unknownDomainError(address.domain)
    return reply.header('cache-control', NO_STORE).type(XML_CONTENT_TYPE).send(renderAutodiscover(match.provider, { address, schema }))
  })

  app.get(AUTODISCOVER_XML_PATH, {
    schema: {
      tags: ['autodiscover'],
      summary: 'Outlook autodiscover over GET: a redirect to the public https URL when reached over http, else an Error 600 document',
      description: 'Outlook\'s http redirect method (MS-OXDISCO §3.1.5.4) GETs http://autodiscover.<domain>/autodiscover/autodiscover.xml ' +
        'looking only for a 302 to an https URL, which it then POSTs to after asking the user.',
      response: {
        200: errorDocument('ErrorCode 600; autodiscover requests are POSTed'),
        302: z.null().describe('Found: `Location` is `<public base URL>/autodiscover/autodiscover.xml`, the https endpoint to POST to'),
        429: RATE_LIMITED_RESPONSE,
      },
    },
  }, (request, reply) => {
    // MS-OXDISCO §3.1.5.4: answer the plain-http GET with a 302 to the https endpoint. Only a configured https
    // base URL qualifies; a base derived from a plain-http request is itself http, so there is no redirect.
    if (request.protocol === 'http' && options.publicBaseUrl?.startsWith('https:') === true) {
      return reply.header('cache-control', NO_STORE).redirect(`${options.publicBaseUrl}${AUTODISCOVER_XML_PATH}`, 302)
    }
    throw new AppError('AUTODISCOVER_INVALID_REQUEST', 'Autodiscover requests are POSTed (MS-OXDSCLI §3.2.5) with an Autodiscover request XML body')
  })
}

export async function autodiscoverRoutes (app: FastifyInstance, options: AutodiscoverRoutesOptions): Promise<void> {
  const publicBaseUrl = options.publicBaseUrl === undefined ? undefined : parsePublicBaseUrl(options.publicBaseUrl)
  await app.register(poxRoutes, { publicBaseUrl })
  await app.register(autodiscoverJsonRoutes, { publicBaseUrl })
}
