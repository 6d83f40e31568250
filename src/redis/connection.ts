/**
 * The process's one Redis client (ioredis, https://github.com/redis/ioredis), shared by rate limiting and the
 * MX answers. Redis is an optimisation the replicas share, never a dependency: no request waits on it longer than
 * `timeoutMs` (REDIS_TIMEOUT), and while it is gone requests are served without it. The client options that make
 * it so (https://github.com/redis/ioredis/blob/main/lib/redis/RedisOptions.ts):
 *
 * - `commandTimeout`: a command rejects after half of `timeoutMs`, so a slow or hung Redis costs a request at most
 *   `timeoutMs`: with auto-pipelining (below) a command may first wait for the pipeline already in flight, whose
 *   own commands time out after that half too;
 * - `enableOfflineQueue: false`: while disconnected a command rejects at once, instead of waiting in a queue for a
 *   reconnection that may come long after the request should have been answered;
 * - `maxRetriesPerRequest: 0`: commands in flight when the connection drops reject at once rather than being sent
 *   again after the reconnection;
 * - `retryStrategy`: reconnects forever, backing off exponentially from 50 ms to 2 s with jitter, so the replicas
 *   do not all reconnect in step; `connectTimeout` gives up on a host that never answers a connection attempt;
 * - `enableAutoPipelining`: the commands of one event-loop turn (the rate-limit counts of every request that
 *   arrived in it) go out as one write, so a busy server makes one system call for many counts instead of one
 *   each; each command keeps its own timeout and outcome (bench/README.md, "Redis case", has the measurements).
 *
 * The connection is `up` from its first `ready` until a connection error, a close or a failed command, and `up`
 * again on the next `ready` or a command that succeeds a quiet second after the last failure (a Redis slow enough
 * to miss the timeout now and then is not announced on every request). Each change is logged once: `Redis is
 * down` with the reason, `Redis is back`. Log lines carry the error's message only, never the error: a failed
 * AUTH carries its command, and that holds the password; the URL is never logged either.
 */
import { Redis, type Command } from 'ioredis'

/** A failure is over when the last one is this old and a command succeeds. */
export const RECOVERY_QUIET_MS = 1000
const RETRY_MIN_MS = 50
const RETRY_MAX_MS = 2000
const CONNECT_TIMEOUT_MS = 2000

export interface RedisLog {
  info (message: string): void
  warn (message: string): void
}

export interface RedisStats {
  up: boolean
  /** Commands that failed (connection down, timeout, an error reply). */
  errors: number
  /** Rate-limit checks that failed, so the request was let through uncounted. */
  failOpens: number
}

/** Milliseconds before reconnection attempt `attempt` (1, 2, …): doubling from 50 ms up to 2 s, less up to a fifth. */
export function reconnectDelay (attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(RETRY_MAX_MS, RETRY_MIN_MS * 2 ** Math.min(attempt - 1, 16))
  return Math.round(ceiling * (1 - random() / 5))
}

/**
 * The rate-limit plugin's store runs its count as a Lua script (EVALSHA, or EVAL the first time on a connection);
 * nothing else here sends scripts, so a failed script is a request let through.
 */
function isRateLimitCheck (command: Command): boolean {
  const name = command.name.toLowerCase()
  return name === 'evalsha' || name === 'eval'
}

/** Each command's timeout: half the longest a request may wait, one half for the pipeline ahead and one for its own. */
export function commandTimeoutMs (timeoutMs: number): number {
  return Math.max(1, Math.floor(timeoutMs / 2))
}

/** An ioredis client that reports each command's outcome, so failures the callers swallow are still seen. */
class ObservedRedis extends Redis {
  readonly #seen = new WeakSet<Command>()
  readonly #observe: (command: Command, error: Error | undefined) => void
  constructor (url: string, timeoutMs: number, observe: (command: Command, error: Error | undefined) => void) {
    super(url, {
      commandTimeout: commandTimeoutMs(timeoutMs),
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      connectTimeout: Math.max(CONNECT_TIMEOUT_MS, timeoutMs),
      retryStrategy: (attempt) => reconnectDelay(attempt),
      lazyConnect: true,
      enableAutoPipelining: true,
      // No INFO before `ready`: it would be held to the command timeout too, and a process busy starting (loading
      // its providers) misses that; a Redis still loading its data answers errors, which fail open like any other.
      enableReadyCheck: false,
    })
    this.#observe = observe
  }

  override sendCommand (...args: Parameters<Redis['sendCommand']>): unknown {
    const [command] = args
    // While connecting, only ioredis's handshake is sent (AUTH, CLIENT SETINFO, …); a server too old for some of
    // it answers errors ioredis ignores, and a real failure is reported by the connection's events.
    const handshake = this.status === 'connect'
    const result = super.sendCommand(...args)
    if (!handshake && !this.#seen.has(command)) {
      this.#seen.add(command)
      command.promise.then(() => this.#observe(command, undefined), (error: Error) => this.#observe(command, error))
    }
    return result
  }
}

export class RedisConnection {
  readonly stats: RedisStats = { up: false, errors: 0, failOpens: 0 }
  readonly client: Redis
  #state: 'starting' | 'up' | 'down' = 'starting'
  #lastFailureMs = 0
  #closing = false
  #log: RedisLog | undefined

  constructor (url: string, timeoutMs: number) {
    this.client = new ObservedRedis(url, timeoutMs, (command, error) => this.#observed(command, error))
    this.client.on('ready', () => this.#up())
    this.client.on('error', (error: Error) => this.#down(error.message))
    this.client.on('close', () => this.#down('connection closed'))
  }

  /** Connects in the background (a Redis down at start is logged, and retried, like one lost later). */
  start (log: RedisLog): void {
    this.#log = log
    this.client.connect().catch(() => {}) // reported through the error event
  }

  async close (): Promise<void> {
    this.#closing = true
    this.client.disconnect()
  }

  #observed (command: Command, error: Error | undefined): void {
    if (error === undefined) {
      if (this.#state === 'down' && Date.now() - this.#lastFailureMs >= RECOVERY_QUIET_MS) this.#up()
      return
    }
    // The store recovers from a script missing on the server by sending it whole.
    if (error.message.includes('NOSCRIPT')) return
    this.stats.errors++
    if (isRateLimitCheck(command)) this.stats.failOpens++
    this.#down(error.message)
  }

  #up (): void {
    if (this.#state === 'up' || this.#closing) return
    this.#log?.info(this.#state === 'starting' ? 'Redis is up: rate limits and MX answers are shared' : 'Redis is back: rate limits and MX answers are shared again')
    this.#state = 'up'
    this.stats.up = true
  }

  #down (reason: string): void {
    this.#lastFailureMs = Date.now()
    if (this.#state === 'down' || this.#closing) return
    this.#log?.warn(`Redis is down (${reason}): rate limits are not counted and MX answers are kept per instance until it is back`)
    this.#state = 'down'
    this.stats.up = false
  }
}
