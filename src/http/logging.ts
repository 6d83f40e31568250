/**
 * What may appear in logs. Thunderbird sends the user's password as HTTP Basic auth to autodiscover URLs, and
 * every request names a person's address, so logs carry no headers beyond a safe few and show addresses only
 * redacted (`a***@gmail.com`) unless an admin opts in.
 *
 * Three layers, so one careless log call cannot leak: the request serializer writes only method, redacted URL,
 * host and peer; pino's `redact` censors header and cookie paths wherever they appear; and every message, every
 * top-level string field and every error message passes through `redactAddress`.
 * Every line logged while serving a request carries its `reqId` (Fastify's per-request child logger).
 */
import { createRequire } from 'node:module'
import type { FastifyBaseLogger, FastifyRequest } from 'fastify'
import pino, { type Bindings, type ChildLoggerOptions, type DestinationStream, type Level, type Logger, type LoggerOptions } from 'pino'
import type PinoPretty from 'pino-pretty'

/**
 * Whatever stands before an `@` or `%40` (up to a space or a URL delimiter) is someone's local part, whether or not
 * the rest is a valid address: `someone@@gmail.com`, `someone%2Btag%40gmail.com`, `someone@localhost`,
 * `someone@b%C3%BCcher.example`. The domain after it is kept, since it is what operators debug by.
 */
const ADDRESS_IN_TEXT = /([^\s@/?&=:;,"'<>]+)(@|%40)/gi

/** `alice@example.com` → `a***@example.com`; the domain stays, since it is what operators debug by. */
export function redactAddress (address: string): string {
  return address.replace(ADDRESS_IN_TEXT, (_m, local: string, at: string) => `${local.slice(0, 1)}***${at}`)
}

/** Wherever these appear in a logged object they are replaced, whatever the log call passed in. */
export const REDACTED_PATHS = [
  'authorization', 'cookie', 'password',
  'headers.authorization', 'headers.cookie', 'headers["set-cookie"]', 'headers["proxy-authorization"]',
  'req.headers.authorization', 'req.headers.cookie', 'req.headers["proxy-authorization"]',
  'request.headers.authorization', 'request.headers.cookie',
  'res.headers["set-cookie"]',
]

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
    err (error: Error) {
      const serialized = pino.stdSerializers.err(error)
      if (typeof serialized.message === 'string') serialized.message = clean(serialized.message)
      if (typeof serialized.stack === 'string') serialized.stack = clean(serialized.stack)
      return serialized
    },
  }
}

export interface LogConfig extends RequestLogOptions {
  level?: string
  format?: 'json' | 'pretty'
  /** Where lines go (tests capture them); standard output by default. */
  destination?: DestinationStream
}

/** The pino options every logger of the service uses: serializers, redaction and address scrubbing. */
export function loggerOptions (config: LogConfig = {}): LoggerOptions {
  const keepAddresses = config.logAddresses === true
  const options: LoggerOptions = {
    level: config.level ?? 'info',
    serializers: requestSerializers(config),
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
  }
  if (keepAddresses) return options
  // pino passes the final message (after `%s` formatting, or an error's message) through the `msg` serializer.
  options.serializers = { ...options.serializers, msg: (message: unknown) => typeof message === 'string' ? redactAddress(message) : message }
  options.formatters = {
    log (object) {
      let copy: Record<string, unknown> | undefined
      for (const key of Object.keys(object)) {
        const value = object[key]
        if (typeof value !== 'string') continue
        const clean = redactAddress(value)
        // The caller's object stays as it was.
        if (clean !== value) (copy ??= { ...object })[key] = clean
      }
      return copy ?? object
    },
  }
  return options
}

/** pino-pretty, loaded only for the `pretty` format: JSON lines, the default, do not need its start-up time. */
function loadPretty (): typeof PinoPretty {
  return createRequire(import.meta.url)('pino-pretty') as typeof PinoPretty
}

/** JSON lines by default; `pretty` for people reading a terminal (pino-pretty in-process, no worker thread). */
export function createLogger (config: LogConfig = {}): Logger {
  const destination = config.destination ?? pino.destination(1)
  const stream = config.format === 'pretty'
    ? loadPretty()({ destination, colorize: config.destination === undefined && process.stdout.isTTY, translateTime: 'SYS:standard', ignore: 'pid,hostname' })
    : destination
  return pino(loggerOptions(config), stream)
}

const LEVELS: readonly Level[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace']
const PARENT = Symbol('parent')
const BINDINGS = Symbol('bindings')
const CHILD = Symbol('child')

interface LazyChild {
  [PARENT]: Logger
  [BINDINGS]: Bindings
  [CHILD]?: Logger
}

function realChild (lazy: LazyChild): Logger {
  return (lazy[CHILD] ??= lazy[PARENT].child(lazy[BINDINGS]))
}

/** Per parent logger: its methods, made lazy (below). */
const lazyPrototypes = new WeakMap<Logger, Logger>()

function lazyPrototype (parent: Logger): Logger {
  let prototype = lazyPrototypes.get(parent)
  if (prototype !== undefined) return prototype
  prototype = Object.create(parent) as Logger
  for (const level of LEVELS) {
    Object.defineProperty(prototype, level, {
      value: function (this: LazyChild, ...args: unknown[]) {
        // Below the threshold nothing is written, so no child is made.
        if (!parent.isLevelEnabled(level)) return
        ;(realChild(this)[level] as (...a: unknown[]) => void)(...args)
      },
    })
  }
  Object.defineProperty(prototype, 'child', { value: function (this: LazyChild, bindings: Bindings, options?: ChildLoggerOptions) { return realChild(this).child(bindings, options) } })
  Object.defineProperty(prototype, 'bindings', { value: function (this: LazyChild) { return realChild(this).bindings() } })
  lazyPrototypes.set(parent, prototype)
  return prototype
}

/**
 * Fastify's `childLoggerFactory`. Fastify gives every request a child logger bound to its `reqId`, and pino
 * serializes those bindings as the child is made, whether or not the request ever logs; at `warn` and above most
 * requests log nothing. This child is made on the first line actually written. A route with its own log level or
 * serializers gets a real child at once.
 */
export function lazyChildLoggerFactory (base: FastifyBaseLogger, bindings: Bindings, options: ChildLoggerOptions): FastifyBaseLogger {
  // Installed only with the pino logger createLogger makes.
  const logger = base as Logger
  if (options.level !== undefined || options.serializers !== undefined) return logger.child(bindings, options)
  const lazy = Object.create(lazyPrototype(logger)) as Logger & LazyChild
  lazy[PARENT] = logger
  lazy[BINDINGS] = bindings
  return lazy
}
