/**
 * Size and time limits for every connection and request, passed to Fastify and Node's HTTP server in buildApp.
 * Autoconfig, autodiscover and API requests are all small and quick, so every limit is far below the framework
 * defaults: a client that is slower or larger than this is broken or hostile. Fastify's own advice is to set a
 * request timeout when no reverse proxy stands in front (https://fastify.dev/docs/latest/Reference/Server/#requesttimeout).
 */

/** Autodiscover requests are a few hundred bytes; nothing we accept is larger than this. Larger bodies get 413. */
export const BODY_LIMIT = 64 * 1024

/**
 * All request headers together, request line included (Node's `maxHeaderSize`; past it Node answers 431).
 * Kept at Node's 16 KiB rather than lower: proxies add forwarding headers, and `/.well-known/…` on a web site's own
 * domain may arrive with that site's cookies.
 */
export const MAX_HEADER_BYTES = 16 * 1024

/** The headers must arrive within this (slow-loris); Node answers 408 and closes the socket. */
export const HEADERS_TIMEOUT_MS = 10_000

/** How often Node checks open requests against the two timeouts above (its default, 30 s, would let them overrun). */
const TIMEOUT_CHECK_INTERVAL_MS = 2_000

/** The whole request, body included, must arrive within this; Node answers 408 and closes the socket. */
export const REQUEST_TIMEOUT_MS = 15_000

/** A socket with no traffic at all (not even keep-alive reuse) is closed after this. */
export const IDLE_SOCKET_TIMEOUT_MS = 120_000

/** Longest `:param` segment the router accepts; longer ones are 404 before any handler runs. */
export const MAX_PARAM_LENGTH = 512

/** The Fastify factory options that enforce the limits above. */
export const serverLimitOptions = {
  bodyLimit: BODY_LIMIT,
  requestTimeout: REQUEST_TIMEOUT_MS,
  connectionTimeout: IDLE_SOCKET_TIMEOUT_MS,
  http: { maxHeaderSize: MAX_HEADER_BYTES, headersTimeout: HEADERS_TIMEOUT_MS, connectionsCheckingInterval: TIMEOUT_CHECK_INTERVAL_MS },
} as const
