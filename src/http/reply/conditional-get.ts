/**
 * Conditional GET for JSON routes (RFC 9110 §13.1.2): an `onSend` hook that tags every successful GET/HEAD answer
 * with a strong ETag of the bytes serialized through the route's schema, and answers 304 when `If-None-Match`
 * already names it. The autoconfig routes, whose documents and tags the catalog keeps, do this in the handler.
 */
import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify'
import { etagOf, ifNoneMatchHits } from './etag.ts'

export function conditionalGet (request: FastifyRequest, reply: FastifyReply, payload: unknown, done: HookHandlerDoneFunction & ((err: Error | null, payload?: unknown) => void)): void {
  if (reply.statusCode !== 200 || (request.method !== 'GET' && request.method !== 'HEAD') || typeof payload !== 'string') {
    done(null, payload)
    return
  }
  const etag = etagOf(payload)
  reply.header('etag', etag)
  if (ifNoneMatchHits(request.headers['if-none-match'], etag)) {
    reply.code(304).removeHeader('content-type')
    // No body either way; HEAD's own hook (which runs after this one) needs the body to state the length a 200
    // would have had (RFC 9110 §8.6), and fails on null.
    done(null, request.method === 'HEAD' ? payload : undefined)
    return
  }
  done(null, payload)
}
