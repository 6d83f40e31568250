/**
 * Request ids: every log line written while serving a request carries one (`reqId`), and the answer echoes it
 * in `X-Request-Id` so an admin can find a client's complaint in the logs. A proxy's id is kept when it looks like
 * an id; anything else (too long, odd characters, possibly an address) is replaced by our own.
 *
 * Our own ids are a prefix drawn at random once per process and a counter (`3f9c0a61d2e4-1`, `…-2`): unique
 * across replicas and restarts (48 random bits) without drawing randomness per request. Like Fastify's own
 * default ids (`req-1`, `req-2`), the counter tells how many requests this process has had; nothing else is in it.
 */
import { randomBytes } from 'node:crypto'
import type { IncomingMessage } from 'node:http'

export const REQUEST_ID_HEADER = 'x-request-id'
const SAFE_ID = /^[\w.:-]{1,128}$/

const PROCESS_PREFIX = randomBytes(6).toString('hex')
let issued = 0

/** A new id of our own. */
export function ownRequestId (): string {
  issued++
  return `${PROCESS_PREFIX}-${issued}`
}

export function requestId (request: IncomingMessage): string {
  const given = request.headers[REQUEST_ID_HEADER]
  return typeof given === 'string' && SAFE_ID.test(given) ? given : ownRequestId()
}

/** Fastify server options: our id generator instead of trusting the header verbatim. */
export const requestIdOptions = {
  requestIdHeader: false,
  genReqId: requestId,
} as const
