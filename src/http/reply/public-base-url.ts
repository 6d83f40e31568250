/**
 * The public base URL of this service (`https://autoconfig.example.net`), for answers that point clients back
 * here: the autodiscover v2 `Url` and the http→https redirect of `GET /autodiscover/autodiscover.xml`. It comes
 * from configuration (AppOptions.publicBaseUrl); without it, from the request: its protocol (X-Forwarded-Proto
 * when the proxy is trusted) and Host header.
 */
import type { FastifyReply, FastifyRequest } from 'fastify'
import { AppError } from '../../errors.ts'

/** Validates a configured base URL: http(s), no query or fragment; returned without a trailing slash. */
export function parsePublicBaseUrl (value: string): string {
  let url: URL
  try {
    url = new URL(value)
  } catch {
    throw new Error(`publicBaseUrl "${value}" is not a URL such as https://autoconfig.example.net`)
  }
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.search !== '' || url.hash !== '' || url.username !== '' || url.password !== '') {
    throw new Error(`publicBaseUrl "${value}" must be an http(s) URL without query, fragment or credentials`)
  }
  return url.href.replace(/\/+$/, '')
}

/** A DNS name or IP literal with an optional port: what a Host header may hold (RFC 9110 §7.2). */
const HOST_HEADER = /^(?:[a-z0-9_](?:[a-z0-9_-]*[a-z0-9_])?(?:\.[a-z0-9_](?:[a-z0-9_-]*[a-z0-9_])?)*\.?|\[[0-9a-f:.]+\])(?::[0-9]{1,5})?$/i

/** `protocol://host` from a request's protocol and Host; a Host header that is not a host name is the client's error. */
export function baseUrlOf (protocol: string | undefined, host: string): string {
  if (!HOST_HEADER.test(host)) {
    throw new AppError('INVALID_PARAMETER', 'The Host header is not a host name such as autodiscover.example.com', { parameter: 'Host' })
  }
  return `${protocol}://${host.toLowerCase()}`
}

/** `protocol://host` of the request (see baseUrlOf). */
export function requestBaseUrl (request: FastifyRequest): string {
  return baseUrlOf(request.protocol, request.host)
}

/**
 * The configured base URL, else the request's. An answer built from the request's Host differs by Host, so it says
 * `Vary: Host`: a shared cache must not hand `Host: evil.example`'s links to everyone else (RFC 9110 §12.5.5).
 */
export function publicBaseUrl (configured: string | undefined, request: FastifyRequest, reply: FastifyReply): string {
  if (configured !== undefined) return configured
  const vary = reply.getHeader('vary')
  reply.header('vary', vary === undefined || vary === '' ? 'Host' : `${String(vary)}, Host`)
  return requestBaseUrl(request)
}
