/**
 * Apple configuration profiles: `GET /mobileconfig?emailaddress=alice@example.com` (also `/email.mobileconfig?email=`
 * and `/apple.mobileconfig`, the names peers use) answers with the profile for the address, made by
 * render/mobileconfig.ts and, when a signing certificate is configured, signed (signing/sign-profile.ts). Domains
 * match as on every other route (exact, wildcard, MX). Safari offers the download as "Profile Downloaded"; the
 * file name is the domain's.
 *
 * A profile names one address, so it is never stored by a cache (`no-store`) and never kept here: each answer is
 * rendered and signed anew, and a renewed certificate is used from the next start on.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import * as z from 'zod'
import { AppError } from '../../errors.ts'
import { parseEmailAddress, type EmailAddress } from '../../model/email-address.ts'
import { MOBILECONFIG_CONTENT_TYPE, renderMobileconfig } from '../../render/mobileconfig.ts'
import type { ProfileSigner } from '../../signing/sign-profile.ts'
import { MOBILECONFIG_PATHS } from '../paths.ts'
import { documentResponse, problemResponses, type HeaderDocs } from '../reply/responses.ts'
import { unknownDomain } from '../reply/unknown-domain.ts'

export interface MobileconfigOptions {
  /** Signs every profile; unsigned profiles without it. */
  signer?: ProfileSigner | undefined
}

const PROFILE_HEADERS: HeaderDocs = {
  'content-disposition': { type: 'string', description: '`attachment; filename="<domain>.mobileconfig"`' },
  'cache-control': { type: 'string', description: '`no-store`: the profile names one address' },
}

const profileQuery = z.object({
  emailaddress: z.string({ error: 'must be given once' }).optional().meta({ description: 'The address to set up', examples: ['alice@gmail.com'] }),
  email: z.string({ error: 'must be given once' }).optional().describe('The same, under the name `/email.mobileconfig` links use; `emailaddress` wins when both are given'),
})

/** Looks the address's domain up, renders its profile, signs it when a signer is given, and sends it. */
async function sendProfile (app: FastifyInstance, request: FastifyRequest, reply: FastifyReply, address: EmailAddress, signer: ProfileSigner | undefined): Promise<void> {
  const match = await app.providers.lookup(address.domain, request.log)
  if (match === undefined) throw unknownDomain(reply, address.domain)
  const plist = renderMobileconfig(match.provider, { address })
  if (plist === undefined) {
    throw new AppError('NO_PROFILE_FOR_PROVIDER', `${match.provider.name}'s servers take no login an Apple profile can set up (they sign in with OAuth2, Kerberos or client certificates); if Apple Mail lists ${match.provider.name} among its own account types, add it there`)
  }
  const body = Buffer.from(plist, 'utf8')
  reply
    .type(MOBILECONFIG_CONTENT_TYPE)
    // The domain is a normalised A-label name (letters, digits, hyphens, dots): safe in a quoted file name.
    .header('content-disposition', `attachment; filename="${address.domain}.mobileconfig"`)
    .header('cache-control', 'no-store')
  reply.send(signer === undefined ? body : await signer.sign(body, new Date()))
}

export async function mobileconfigRoutes (app: FastifyInstance, options: MobileconfigOptions): Promise<void> {
  const typed = app.withTypeProvider<ZodTypeProvider>()
  const { signer } = options
  for (const url of MOBILECONFIG_PATHS) {
    typed.get(url, {
      schema: {
        querystring: profileQuery,
        tags: ['apple'],
        summary: 'Apple configuration profile (.mobileconfig) for an address',
        description: 'A profile Apple Mail on iPhone, iPad and Mac installs: the provider\'s best IMAP (else POP3) and SMTP servers with the login name filled in, and CalDAV/CardDAV accounts when the provider has them; no password. A DER CMS SignedData around the same plist when the server has a signing certificate (PROFILE_SIGNING_CERT).',
        response: {
          200: documentResponse(MOBILECONFIG_CONTENT_TYPE, 'The profile: an XML property list, or a DER CMS SignedData holding it when signing is configured', PROFILE_HEADERS),
          ...problemResponses('INVALID_EMAIL_ADDRESS', 'MISSING_EMAIL_ADDRESS', 'INVALID_PARAMETER', 'UNKNOWN_DOMAIN', 'NO_PROFILE_FOR_PROVIDER'),
        },
      },
    }, async (request, reply) => {
      const { emailaddress, email } = request.query
      const [parameter, given] = emailaddress !== undefined && emailaddress.trim() !== '' ? ['emailaddress', emailaddress] : ['email', email]
      if (given === undefined || given.trim() === '') {
        throw new AppError('MISSING_EMAIL_ADDRESS', 'Pass ?emailaddress=alice@example.com: a profile is made for one address', { parameter: 'emailaddress' })
      }
      const address = parseEmailAddress(given)
      if (address === undefined) throw new AppError('INVALID_EMAIL_ADDRESS', `${parameter} must be an address such as alice@example.com`, { parameter })
      await sendProfile(app, request, reply, address, signer)
    })
  }
}
