/**
 * Entity tags and conditional GET (RFC 9110 §8.8.3, §13.1.2). Tags are strong hashes of the exact bytes served.
 */
import { hash } from 'node:crypto'

/** The one-shot `hash` (Node 20.12+) costs half of `createHash().update().digest()`. */
export function etagOf (body: string | Buffer): string {
  return `"${hash('sha256', body, 'base64url').slice(0, 27)}"`
}

/** True when an `If-None-Match` header matches `etag` (weak comparison, as RFC 9110 §13.1.2 requires). */
export function ifNoneMatchHits (header: string | undefined, etag: string): boolean {
  if (header === undefined || header === '') return false
  if (header.trim() === '*') return true
  for (const candidate of header.split(',')) {
    const tag = candidate.trim()
    if (tag === etag || (tag.startsWith('W/') && tag.slice(2) === etag)) return true
  }
  return false
}
