/**
 * Autodiscover v2 (JSON), which Outlook 2016+ (`…/autodiscover.json/v1.0/<email>?Protocol=Autodiscoverv1`),
 * Outlook for Mac (`Protocol=EWS`) and Microsoft's cloud AutoDetect service for Outlook mobile
 * (`autodiscover.json?Email=…&Protocol=ActiveSync`) ask before the POX request. Microsoft does not document it
 * for third parties; the observed contract (mailcow autodiscover-json.php, Stalwart autodiscover_v2.rs) is:
 * `AutodiscoverV1`, in any casing, answers where the POX endpoint is, and every other protocol is HTTP 400
 * `{"ErrorCode":"InvalidProtocol",…}`, since there is no ActiveSync or EWS server here.
 *
 * A domain we do not serve is 404, as on the POX endpoint, so Outlook moves on; a provider that hands Outlook
 * to another autodiscover server (`autodiscover.redirectUrl`) is answered with that server's URL.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import * as z from 'zod'
import { parseEmailAddress } from '../../model/email-address.ts'
import { AppError, ERRORS, type ErrorCode } from '../../errors.ts'
import { publicBaseUrl } from '../reply/public-base-url.ts'
import { jsonResponse } from '../reply/responses.ts'
import { AUTODISCOVER_JSON_PATH, AUTODISCOVER_JSON_V1_PATH, AUTODISCOVER_XML_PATH } from '../paths.ts'
import { unknownDomainError } from '../reply/unknown-domain.ts'

const SUPPORTED_PROTOCOL = 'AutodiscoverV1'

/** `ErrorCode` values: Exchange's own `InvalidProtocol`, and names in its style for the rest. */
export const V2_ERROR_CODES = {
  INVALID_PROTOCOL: 'InvalidProtocol',
  INVALID_EMAIL_ADDRESS: 'InvalidEmailAddress',
  INVALID_PARAMETER: 'InvalidParameter',
  UNKNOWN_DOMAIN: 'UnknownDomain',
  RATE_LIMITED: 'TooManyRequests',
  INTERNAL_ERROR: 'InternalError',
} as const satisfies Partial<Record<ErrorCode, string>>
type V2ErrorCode = keyof typeof V2_ERROR_CODES

const protocolParameters = {
  Protocol: z.string().optional().describe('The service wanted; only AutodiscoverV1 (any casing) is served, e.g. Autodiscoverv1'),
  RedirectCount: z.string().optional().describe('How many redirects the client has followed; ignored'),
}
const queryForm = z.object({
  Email: z.string().optional().describe('The address being set up, e.g. alice@example.com'),
  ...protocolParameters,
})
const pathForm = z.object({ email: z.string().describe('The address being set up, e.g. alice@example.com') })

const v2Answer = z.object({
  Protocol: z.literal(SUPPORTED_PROTOCOL),
  Url: z.string().describe('Where to POST the Outlook autodiscover (POX) request'),
})
const v2Error = z.object({
  ErrorCode: z.enum(Object.values(V2_ERROR_CODES)).describe('What went wrong: InvalidProtocol as Exchange sends it, or one of ours in its style'),
  ErrorMessage: z.string().describe('What went wrong with this request, and what to do about it'),
}).meta({ id: 'AutodiscoverV2Error', description: 'An autodiscover v2 error, in the form Exchange Online uses' })
const NO_HEADERS = {}
const responses = {
  200: jsonResponse(v2Answer, 'AutodiscoverV1: the URL to POST the Outlook autodiscover request to', NO_HEADERS),
  400: jsonResponse(v2Error, '`InvalidProtocol` for any protocol but AutodiscoverV1 (ActiveSync, EWS, …); `InvalidEmailAddress`; `InvalidParameter` for a repeated parameter or a Host header that is not a host name', NO_HEADERS),
  404: jsonResponse(v2Error, '`UnknownDomain`: no provider serves the address\'s domain', NO_HEADERS),
  429: jsonResponse(v2Error, '`TooManyRequests`: too many requests from this client; see `Retry-After`', NO_HEADERS),
}

/** The echoed protocol keeps only characters a protocol name has (mailcow and Stalwart echo it verbatim). */
function sanitised (value: string): string {
  return value.replace(/[^A-Za-z0-9._-]/g, '').slice(0, 64)
}

function v2ErrorCode (error: FastifyError): V2ErrorCode {
  if (error instanceof AppError && error.code in V2_ERROR_CODES) return error.code as V2ErrorCode
  if (error.code === 'FST_ERR_RATE_LIMIT' || error.statusCode === 429) return 'RATE_LIMITED'
  const status = error.statusCode ?? 500
  return status >= 400 && status < 500 ? 'INVALID_PARAMETER' : 'INTERNAL_ERROR'
}

function sendV2Error (error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  const code = v2ErrorCode(error)
  if (code === 'INTERNAL_ERROR') request.log.error({ err: error }, 'autodiscover v2 request failed')
  const message = code === 'INTERNAL_ERROR' ? ERRORS.INTERNAL_ERROR.title : error.message
  return reply.code(ERRORS[code].status).send({ ErrorCode: V2_ERROR_CODES[code], ErrorMessage: message })
}

export async function autodiscoverJsonRoutes (app: FastifyInstance, options: { publicBaseUrl: string | undefined }): Promise<void> {
  app.setErrorHandler(sendV2Error)

  async function answer (request: FastifyRequest, reply: FastifyReply, email: string | undefined, protocol: string | undefined): Promise<z.infer<typeof v2Answer>> {
    if (protocol?.toLowerCase() !== SUPPORTED_PROTOCOL.toLowerCase()) {
      throw new AppError('INVALID_PROTOCOL', `The given protocol value '${sanitised(protocol ?? '')}' is invalid. Supported values are '${SUPPORTED_PROTOCOL}'`)
    }
    const address = parseEmailAddress(email ?? '')
    if (address === undefined) throw new AppError('INVALID_EMAIL_ADDRESS', 'Email must be an address such as alice@example.com')
    const match = await app.providers.lookup(address.domain, request.log)
    if (match === undefined) throw unknownDomainError(address.domain)
    const elsewhere = match.provider.autodiscover?.redirectUrl
    return { Protocol: SUPPORTED_PROTOCOL, Url: elsewhere ?? `${publicBaseUrl(options.publicBaseUrl, request, reply)}${AUTODISCOVER_XML_PATH}` }
  }

  const typed = app.withTypeProvider<ZodTypeProvider>()
  typed.get(AUTODISCOVER_JSON_PATH, {
    schema: {
      querystring: queryForm,
      response: responses,
      tags: ['autodiscover'],
      summary: 'Autodiscover v2: where the Outlook autodiscover (POX) endpoint is, for Email',
    },
  }, async (request, reply) => answer(request, reply, request.query.Email, request.query.Protocol))

  typed.get(AUTODISCOVER_JSON_V1_PATH, {
    schema: {
      params: pathForm,
      querystring: z.object(protocolParameters),
      response: responses,
      tags: ['autodiscover'],
      summary: 'Autodiscover v2, path form: where the Outlook autodiscover (POX) endpoint is, for the address in the path',
    },
  }, async (request, reply) => answer(request, reply, request.params.email, request.query.Protocol))
}
