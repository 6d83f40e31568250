import t from 'tap'
import { commandTimeoutMs, RECOVERY_QUIET_MS, reconnectDelay, RedisConnection } from '../../src/redis/connection.ts'
import { startRedisServer } from '../support/redis-server.ts'

const TIMEOUT_MS = 100
/** What a busy test machine may add to a bounded wait. */
const MARGIN_MS = 150

function logLines (): { lines: string[], log: { info: (m: string) => void, warn: (m: string) => void } } {
  const lines: string[] = []
  return { lines, log: { info: (m) => lines.push(`info ${m}`), warn: (m) => lines.push(`warn ${m}`) } }
}

async function until (condition: () => boolean, what: string, ms = 10_000): Promise<void> {
  const end = Date.now() + ms
  while (!condition()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

/** How long a command takes to settle, and whether it failed. */
async function timed (command: Promise<unknown>): Promise<{ ms: number, failed: boolean }> {
  const started = performance.now()
  const failed = await command.then(() => false, () => true)
  return { ms: performance.now() - started, failed }
}

t.test('reconnection backs off from 50ms to 2s, with jitter', async (t) => {
  t.equal(reconnectDelay(1, () => 0), 50)
  t.equal(reconnectDelay(2, () => 0), 100)
  t.equal(reconnectDelay(6, () => 0), 1600)
  t.equal(reconnectDelay(7, () => 0), 2000)
  t.equal(reconnectDelay(1000, () => 0), 2000, 'never more than 2s, never giving up')
  t.equal(reconnectDelay(7, () => 1), 1600, 'less up to a fifth')
})

t.test('an outage is logged once when it starts and once when it ends; commands never wait longer than the timeout', async (t) => {
  const redis = await startRedisServer(t)
  const connection = new RedisConnection(redis.url, TIMEOUT_MS)
  t.teardown(() => connection.close())
  const { lines, log } = logLines()
  connection.start(log)
  await until(() => connection.stats.up, 'the first connection')
  t.same(lines, ['info Redis is up: rate limits and MX answers are shared'])
  t.equal(await connection.client.set('k', 'v'), 'OK')

  await redis.kill()
  await until(() => !connection.stats.up, 'the outage to be seen')
  for (let i = 0; i < 20; i++) {
    const { ms, failed } = await timed(connection.client.get('k'))
    t.ok(failed, 'a command fails while Redis is down')
    t.ok(ms < TIMEOUT_MS + MARGIN_MS, `and fails within the timeout (${ms.toFixed(1)}ms)`)
  }
  t.ok(connection.stats.errors >= 20, 'each failed command is counted')
  t.equal(connection.stats.failOpens, 0, 'no rate-limit check among them')

  await redis.start()
  await until(() => connection.stats.up, 'the reconnection')
  t.equal(await connection.client.get('k'), null, 'a new, empty Redis')
  t.same(lines.map((line) => line.replace(/\(.*\)/, '(…)')), [
    'info Redis is up: rate limits and MX answers are shared',
    'warn Redis is down (…): rate limits are not counted and MX answers are kept per instance until it is back',
    'info Redis is back: rate limits and MX answers are shared again',
  ], 'one line as it went, one as it came back, none per command')
  t.notMatch(lines.join('\n'), redis.url, 'the URL is not logged')
})

t.test('a Redis that hangs costs each command at most the timeout, and counts as an outage', async (t) => {
  const redis = await startRedisServer(t)
  const connection = new RedisConnection(redis.url, TIMEOUT_MS)
  t.teardown(() => connection.close())
  const { lines, log } = logLines()
  connection.start(log)
  await until(() => connection.stats.up, 'the first connection')
  redis.pause()
  t.teardown(() => redis.resume())
  for (let i = 0; i < 3; i++) {
    const { ms, failed } = await timed(connection.client.get('k'))
    t.ok(failed, 'the command times out')
    t.ok(ms >= commandTimeoutMs(TIMEOUT_MS) - 5 && ms <= TIMEOUT_MS + MARGIN_MS, `after its own timeout, half of REDIS_TIMEOUT (${ms.toFixed(1)}ms)`)
  }
  // A command sent while a pipeline is in flight waits for it: with both halves it still settles within the timeout.
  const first = timed(connection.client.get('a'))
  await new Promise((resolve) => setImmediate(resolve))
  await new Promise((resolve) => setTimeout(resolve, 10))
  const second = await timed(connection.client.get('b'))
  t.ok((await first).failed && second.failed, 'both time out')
  t.ok(second.ms < TIMEOUT_MS + 30, `the one behind a pipeline in flight within REDIS_TIMEOUT (${second.ms.toFixed(1)}ms)`)
  t.equal(connection.stats.up, false)
  t.match(lines, [/^info Redis is up/, /^warn Redis is down \(Command timed out\)/])
  t.equal(lines.length, 2, 'logged once for three timeouts')

  redis.resume()
  await new Promise((resolve) => setTimeout(resolve, RECOVERY_QUIET_MS))
  t.equal(await connection.client.get('k'), null, 'answers again')
  t.equal(connection.stats.up, true, 'a success after a quiet second ends the outage')
  t.match(lines[2], /^info Redis is back/)
})

t.test('a Redis unreachable at start is logged once and joined when it comes', async (t) => {
  const redis = await startRedisServer(t)
  await redis.kill()
  const connection = new RedisConnection(redis.url, TIMEOUT_MS)
  t.teardown(() => connection.close())
  const { lines, log } = logLines()
  connection.start(log)
  await until(() => lines.length > 0, 'the first attempt to fail')
  const { ms, failed } = await timed(connection.client.get('k'))
  t.ok(failed && ms < TIMEOUT_MS + MARGIN_MS, 'commands fail at once')
  await new Promise((resolve) => setTimeout(resolve, 500)) // several reconnection attempts
  t.equal(lines.length, 1, 'one line for every failed attempt')
  t.match(lines[0], /^warn Redis is down \(connect ECONNREFUSED 127\.0\.0\.1:\d+\)/)
  await redis.start()
  await until(() => connection.stats.up, 'the connection')
  t.match(lines[1], /^info Redis is back/)
})

t.test('the password is never logged, not even when Redis refuses it', async (t) => {
  const redis = await startRedisServer(t)
  const connection = new RedisConnection(`redis://app:s3cret-pw@127.0.0.1:${redis.port}`, TIMEOUT_MS)
  t.teardown(() => connection.close())
  const { lines, log } = logLines()
  connection.start(log)
  await until(() => lines.length > 0, 'the refusal')
  t.match(lines[0], /^warn Redis is down \(.*(WRONGPASS|AUTH).*\)/)
  t.notMatch(lines.join('\n'), /s3cret-pw/)
})
