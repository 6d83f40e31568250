/** The answer for a domain no provider serves, the same on every route: 404 UNKNOWN_DOMAIN, cached briefly. */
import { AppError } from '../../errors.ts'

/** A domain may be added soon after a client asked; keep negative answers short. */
export const NOT_FOUND_CACHE_CONTROL = 'public, max-age=300'

export function unknownDomainError (domain: string): AppError {
  return new AppError('UNKNOWN_DOMAIN', `No provider serves ${domain}`, { domain })
}

/** `unknownDomainError`, with the answer's cache header set on the way (what every route throws for it). */
export function unknownDomain (reply: { header (name: string, value: string): unknown }, domain: string): AppError {
  reply.header('cache-control', NOT_FOUND_CACHE_CONTROL)
  return unknownDomainError(domain)
}
