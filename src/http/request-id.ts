/**
 * Request ids: every log line written while serving a request carries one (`reqId`), and the answer echoes it
 * in `X-Request-Id` so an admin can find a client's complaint in the logs. A proxy's id is kept when it looks like
 * an id; anything else (too long, odd characters, possibly an address) is replaced by our own.
 */
import { randomUUID } from 'node:crypto'
import type { IncomingMessage } from 'node:http'

export const REQUEST_ID_HEADER = 'x-request-id'
const SAFE_ID = /^[\w.:-]{1,128}$/

export function requestId (request: IncomingMessage): string {
  const given = request.headers[REQUEST_ID_HEADER]
  return typeof given === 'string' && SAFE_ID.test(given) ? given : randomUUID()
}

/** Fastify server options: our id generator instead of trusting the header verbatim. */
export const requestIdOptions = {
  requestIdHeader: false,
  genReqId: requestId,
} as const
