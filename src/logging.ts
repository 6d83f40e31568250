/**
 * What may appear in logs. Thunderbird sends the user's password as HTTP Basic auth to autodiscover URLs, and
 * every request names a person's address, so logs carry no headers beyond a safe few and show addresses only
 * redacted (`a***@gmail.com`) unless an admin opts in.
 */
import type { FastifyRequest } from 'fastify'

const ADDRESS_IN_TEXT = /([^\s@/?&=:;,"'<>%]+)(@|%40)([a-z0-9.-]+\.[a-z0-9-]+)/gi

/** `alice@example.com` → `a***@example.com`; the domain stays, since it is what operators debug by. */
export function redactAddress (address: string): string {
  return address.replace(ADDRESS_IN_TEXT, (_m, local: string, at: string, domain: string) => `${local.slice(0, 1)}***${at}${domain}`)
}

export interface RequestLogOptions {
  /** Log full e-mail addresses (an admin's explicit choice). */
  logAddresses?: boolean
}

/** pino serializers for Fastify's request logs: method, redacted URL, host and peer; never Authorization or cookies. */
export function requestSerializers (options: RequestLogOptions = {}) {
  const clean = options.logAddresses === true ? (s: string) => s : redactAddress
  return {
    req (request: FastifyRequest) {
      return {
        method: request.method,
        url: clean(request.url),
        host: request.host,
        remoteAddress: request.ip,
      }
    },
  }
}
