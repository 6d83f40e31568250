/**
 * The client's address, Host and protocol as Fastify's request object computes them (fastify/lib/request.js), for
 * answers sent before a Fastify request exists (see fast-path.ts). They must agree exactly: the address is the
 * rate-limit key, and Host and protocol make the API's links. With a trusted proxy, `X-Forwarded-For` is walked
 * by @fastify/proxy-addr, the library Fastify itself uses, and `X-Forwarded-Host`/`-Proto` count only when the
 * immediate peer is trusted; their last entry wins.
 */
import type { IncomingMessage } from 'node:http'
import type { TLSSocket } from 'node:tls'
import proxyAddr from '@fastify/proxy-addr'

/** What Fastify's `trustProxy` option accepts (app.ts passes hop counts as a function). */
export type TrustProxyOption = boolean | string | string[] | ((address: string, hop: number) => boolean)

export interface ClientView {
  /** `request.ip` */
  ip (req: IncomingMessage): string | undefined
  /** `request.host` */
  host (req: IncomingMessage): string
  /** `request.protocol` */
  protocol (req: IncomingMessage): string | undefined
}

function lastEntry (value: string): string {
  const comma = value.lastIndexOf(',')
  return comma === -1 ? value.trim() : value.slice(comma + 1).trim()
}

/** Fastify's getTrustProxyFn, for the forms it can be given. */
function trustFunction (trust: Exclude<TrustProxyOption, false>): (address: string, hop: number) => boolean {
  if (typeof trust === 'function') return trust
  if (trust === true) return () => true
  return proxyAddr.compile(typeof trust === 'string' ? trust.split(',').map((entry) => entry.trim()) : trust)
}

function directHost (req: IncomingMessage): string {
  return req.headers.host ?? (req.headers[':authority'] as string | undefined) ?? ''
}

function socketProtocol (req: IncomingMessage): string | undefined {
  return req.socket == null ? undefined : (req.socket as TLSSocket).encrypted ? 'https' : 'http'
}

export function clientView (trustProxy: TrustProxyOption): ClientView {
  if (trustProxy === false) {
    return { ip: (req) => req.socket?.remoteAddress, host: directHost, protocol: socketProtocol }
  }
  const trusted = trustFunction(trustProxy)
  const peerTrusted = (req: IncomingMessage) => req.socket != null && trusted(req.socket.remoteAddress!, 0)
  return {
    ip: (req) => proxyAddr.all(req, trusted).at(-1),
    host: (req) => {
      const forwarded = req.headers['x-forwarded-host']
      return typeof forwarded === 'string' && forwarded !== '' && peerTrusted(req) ? lastEntry(forwarded) : directHost(req)
    },
    protocol: (req) => {
      const forwarded = req.headers['x-forwarded-proto']
      return typeof forwarded === 'string' && forwarded !== '' && peerTrusted(req) ? lastEntry(forwarded) : socketProtocol(req)
    },
  }
}
