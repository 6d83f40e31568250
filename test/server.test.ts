/**
 * The real, built server as a child process on 127.0.0.1: start-up, refusal to start, SIGHUP reload, https, and
 * SIGTERM with a request in flight. Builds dist/ first, exactly as `npm start` does, so these also hold the bundle
 * (scripts/build.ts) to the source: the loading workers, packages that read their own files (the docs page),
 * pino-pretty loaded on demand, the settings page's templates and assets copied beside the bundle.
 */
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { request as httpsRequest } from 'node:https'
import { connect, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { Redis } from 'ioredis'
import { parse, type PlistValue } from 'plist'
import t from 'tap'
import { DOMAINS_PER_PROVIDER, largeCatalogDomain, writeLargeCatalog } from '../bench/large-catalog.ts'
import { OFF_THREAD_MIN_FILES, SHARE_FILES } from '../src/catalog/load-off-thread.ts'
import { REDIS_MX_PREFIX } from '../src/dns/shared-mx-cache.ts'
import { startDnsServer } from './dns/support.ts'
import { BUNDLED_DIR, FIXTURES_DIR, INVALID_PROVIDERS_DIR } from './helper.ts'
import { startRedisServer } from './support/redis-server.ts'
import { createTestPki, opensslResult } from './support/test-pki.ts'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const SERVER = join(ROOT, 'dist/server.js')
const CLI = join(ROOT, 'dist/cli.js')

// Building and starting real processes is slow on a busy machine; the default per-file timeout is for unit tests.
t.setTimeout(150_000)

execFileSync(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts/build.ts')], { cwd: ROOT, stdio: 'inherit' })

interface Running {
  child: ChildProcess
  /** Parsed JSON log lines, as they arrive. */
  records: Array<Record<string, any>>
  stderr: () => string
  exited: Promise<{ code: number | null, signal: NodeJS.Signals | null }>
  /** Resolves with the first log record that matches. */
  waitFor: (test: (record: Record<string, any>) => boolean, what: string) => Promise<Record<string, any>>
}

function start (t: { teardown (fn: () => void): void }, script: string, args: string[], env: Record<string, string>): Running {
  const child = spawn(process.execPath, [script, ...args], {
    env: { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const records: Array<Record<string, any>> = []
  const waiters: Array<{ test: (r: Record<string, any>) => boolean, resolve: (r: Record<string, any>) => void }> = []
  let buffered = ''
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    buffered += chunk
    let newline
    while ((newline = buffered.indexOf('\n')) !== -1) {
      const line = buffered.slice(0, newline)
      buffered = buffered.slice(newline + 1)
      const record = JSON.parse(line)
      records.push(record)
      for (const waiter of waiters.filter((w) => w.test(record))) {
        waiters.splice(waiters.indexOf(waiter), 1)
        waiter.resolve(record)
      }
    }
  })
  let stderr = ''
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => { stderr += chunk })
  const exited = new Promise<{ code: number | null, signal: NodeJS.Signals | null }>((resolve) => {
    child.on('exit', (code, signal) => resolve({ code, signal }))
  })
  t.teardown(() => { if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL') })
  const waitFor = (test: (r: Record<string, any>) => boolean, what: string) => {
    const found = records.find(test)
    if (found !== undefined) return Promise.resolve(found)
    return new Promise<Record<string, any>>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}; stderr: ${stderr}`)), 10_000)
      waiters.push({ test, resolve: (r) => { clearTimeout(timer); resolve(r) } })
      exited.then(({ code }) => reject(new Error(`exited with ${code} while waiting for ${what}; stderr: ${stderr}`)), () => {})
    })
  }
  return { child, records, stderr: () => stderr, exited, waitFor }
}

async function readyAddress (server: Running): Promise<string> {
  const ready = await server.waitFor((r) => typeof r.msg === 'string' && r.msg.startsWith('ready on '), 'ready')
  return /^ready on (\S+);/.exec(ready.msg)![1]!
}

/** Opens a raw connection and sends the start of a request whose body is not complete yet. */
function startSlowRequest (address: string): Promise<{ socket: Socket, response: Promise<string> }> {
  const { hostname, port } = new URL(address)
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => {
      socket.write('POST /mail/config-v1.1.xml HTTP/1.1\r\nHost: autoconfig.gmail.com\r\nContent-Type: application/json\r\nContent-Length: 10\r\n\r\n{"a":')
      let received = ''
      socket.setEncoding('utf8').on('data', (chunk: string) => { received += chunk })
      const response = new Promise<string>((resolve) => socket.on('close', () => resolve(received)))
      resolve({ socket, response })
    })
    socket.on('error', reject)
  })
}

function connectionRefused (address: string): Promise<boolean> {
  const { hostname, port } = new URL(address)
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname)
    socket.on('connect', () => { socket.destroy(); resolve(false) })
    socket.on('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ECONNREFUSED'))
  })
}

t.test('serves Gmail; SIGTERM with a request in flight: no new connections, the request finishes, exit 0', async (t) => {
  const server = start(t, CLI, ['serve', '--providers-dir', BUNDLED_DIR, '--shutdown-timeout', '10s'], {})
  const address = await readyAddress(server)
  t.match(address, /^http:\/\/127\.0\.0\.1:\d+$/)
  const ready = await fetch(`${address}/readyz`)
  t.equal(ready.status, 200)
  t.match(await ready.json(), { status: 'ready', providers: Number })
  const gmail = await fetch(`${address}/mail/config-v1.1.xml?emailaddress=alice@gmail.com`)
  t.equal(gmail.status, 200)
  t.match(await gmail.text(), /<hostname>imap\.gmail\.com<\/hostname>/)
  const metrics = await (await fetch(`${address}/metrics`)).text()
  t.match(metrics, /^mail_autoconfig_requests_total\{kind="autoconfig",outcome="served"\} 1$/m)
  t.match(metrics, /^process_resident_memory_bytes \d+/m, 'the process metrics are on in the server')
  const docs = await fetch(`${address}/docs/`)
  t.equal(docs.status, 200, 'the API docs page (@fastify/swagger-ui, bundled, finds its static files in node_modules)')
  t.match(await docs.text(), /<title>mail-autoconfig API<\/title>/)
  const css = await fetch(`${address}/docs/static/swagger-ui.css`)
  t.equal(css.status, 200)
  t.ok((await css.text()).length > 10_000, 'a static file of the docs page')
  const page = await fetch(`${address}/settings?email=alice@gmail.com`)
  t.equal(page.status, 200, 'the settings page: its templates found beside the bundle (dist/views)')
  t.match(await page.text(), /<code data-copy="IMAP server name">imap\.gmail\.com<\/code>/)
  const pageCss = await fetch(`${address}/assets/settings.css`)
  t.equal(pageCss.status, 200, 'and its stylesheet (dist/public)')
  t.match(await pageCss.text(), /prefers-color-scheme: dark/)
  const openapi = await (await fetch(`${address}/openapi.json`)).json()
  t.match(openapi, { openapi: '3.1.0', info: { title: 'mail-autoconfig' }, paths: { '/v1.1/{domain}': Object } })

  const { socket, response } = await startSlowRequest(address)
  await server.waitFor((r) => r.msg === 'incoming request' && r.req?.method === 'POST', 'the request to arrive')

  server.child.kill('SIGTERM')
  await server.waitFor((r) => r.msg === 'stopping: finishing requests in flight', 'the stop to begin')
  let refused = false
  for (let i = 0; i < 50 && !refused; i++) {
    refused = await connectionRefused(address)
    if (!refused) await new Promise((resolve) => setTimeout(resolve, 20))
  }
  t.ok(refused, 'new connections are refused while the request is in flight')
  t.equal(server.child.exitCode, null, 'still running while the request is in flight')

  socket.write('1}   ') // the last 5 of the 10 announced bytes
  const answer = await response
  t.match(answer, /^HTTP\/1\.1 404 Not Found\r\n/, 'the request in flight got its complete answer')
  t.match(answer, /"code":"ROUTE_NOT_FOUND"/)
  t.match(answer, /\r\nconnection: close\r\n/i, 'and was told the connection closes (README "Stopping")')
  t.same(await server.exited, { code: 0, signal: null })
  t.ok(server.records.some((r) => r.msg === 'request completed' && r.res?.statusCode === 404))
})

t.test('a catalog large enough to load on worker threads', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'mail-autoconfig-large-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const files = OFF_THREAD_MIN_FILES + SHARE_FILES + 1
  await writeLargeCatalog(dir, files)
  const server = start(t, SERVER, [], { PROVIDERS_DIR: dir, WATCH_PROVIDERS: 'false' })
  const address = await readyAddress(server)
  t.match(server.records.find((r) => r.msg?.startsWith('ready on ')), { providers: files, domains: files * DOMAINS_PER_PROVIDER })
  const last = await fetch(`${address}/mail/config-v1.1.xml?emailaddress=alice@${largeCatalogDomain(files - 1, 4)}`)
  t.equal(last.status, 200)
  t.match(await last.text(), `<hostname>imap.hoster${files - 1}.example</hostname>`)
  server.child.kill('SIGTERM')
  t.same(await server.exited, { code: 0, signal: null })
})

t.test('LOG_FORMAT=pretty: pino-pretty is loaded from node_modules by the bundle', async (t) => {
  const child = spawn(process.execPath, [SERVER], {
    env: { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', PORT: '0', PROVIDERS_DIR: BUNDLED_DIR, LOG_FORMAT: 'pretty' },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  t.teardown(() => { if (child.exitCode === null) child.kill('SIGKILL') })
  let output = ''
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => { output += chunk })
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`not ready: ${output}`)), 10_000)
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      output += chunk
      if (/INFO.*: ready on http:\/\/127\.0\.0\.1:\d+/.test(output)) { clearTimeout(timer); resolve() }
    })
  })
  t.match(output, /^\[[\d-]+ [\d:.]+ [+-]\d{4}\] INFO.*: Server listening at/m, 'human-readable lines, not JSON')
  child.kill('SIGTERM')
  await new Promise((resolve) => child.once('exit', resolve))
  t.equal(child.exitCode, 0)
})

t.test('SIGTERM: a request slower than SHUTDOWN_TIMEOUT is cut and the process still exits 0', async (t) => {
  const server = start(t, SERVER, [], { PROVIDERS_DIR: BUNDLED_DIR, SHUTDOWN_TIMEOUT: '300ms' })
  const address = await readyAddress(server)
  const { response } = await startSlowRequest(address)
  await server.waitFor((r) => r.msg === 'incoming request', 'the request to arrive')
  const stopped = performance.now()
  server.child.kill('SIGTERM')
  t.equal(await response, '', 'the stuck connection is closed without an answer')
  t.same(await server.exited, { code: 0, signal: null })
  t.ok(performance.now() - stopped < 5000, 'within the bound')
  t.ok(server.records.some((r) => r.level === 40 && /shutdown timeout/.test(r.msg)), 'the cut is logged')
})

t.test('a bad setting stops the process with one line naming it', async (t) => {
  const server = start(t, SERVER, ['--log-format', 'xml'], { PORT: 'http' })
  t.same(await server.exited, { code: 1, signal: null })
  t.equal(server.stderr(), [
    'PORT="http" is not valid: must be an integer from 0 to 65535 (0 picks a free port)',
    'LOG_FORMAT="xml" (from --log-format) is not valid: must be json or pretty',
    '',
  ].join('\n'))
})

t.test('broken provider files at start-up: every problem printed, exit 1', async (t) => {
  const server = start(t, SERVER, [], { PROVIDERS_DIR: INVALID_PROVIDERS_DIR })
  t.same(await server.exited, { code: 1, signal: null })
  const lines = server.stderr().trim().split('\n')
  t.ok(lines.length > 10)
  t.match(lines.at(-1), /^\d+ problem\(s\) in .*invalid; not starting\.$/)
  t.ok(lines.some((l) => /three-mistakes\.yaml:2:1 displayNameShort: unknown key/.test(l)))
})

t.test('https with TLS_CERT_FILE and TLS_KEY_FILE; SIGHUP reloads providers and certificate (watching off)', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'server-test-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const file = join(dir, 'hup.yaml')
  const provider = (host: string) => `name: Hup\ndomains: [hup.test]\nincoming:\n  - type: imap\n    host: ${host}\noutgoing:\n  - host: ${host}\n`
  writeFileSync(file, provider('imap.before.hup.test'))
  const cert = join(FIXTURES_DIR, 'tls/cert.pem')
  const server = start(t, SERVER, [], { PROVIDERS_DIR: dir, WATCH_PROVIDERS: 'false', TLS_CERT_FILE: cert, TLS_KEY_FILE: join(FIXTURES_DIR, 'tls/key.pem') })
  const address = await readyAddress(server)
  t.match(address, /^https:\/\/127\.0\.0\.1:\d+$/)
  const host = async () => {
    const { status, body } = await new Promise<{ status: number, body: string }>((resolve, reject) => {
      const req = httpsRequest(`${address}/v1.1/hup.test`, { ca: readFileSync(cert) }, (res) => {
        let body = ''
        res.setEncoding('utf8').on('data', (chunk: string) => { body += chunk }).on('end', () => resolve({ status: res.statusCode ?? 0, body }))
      })
      req.on('error', reject)
      req.end()
    })
    t.equal(status, 200, 'served over https with the configured certificate')
    return /<hostname>([^<]+)</.exec(body)?.[1]
  }
  t.equal(await host(), 'imap.before.hup.test')
  writeFileSync(file, provider('imap.after.hup.test'))
  await new Promise((resolve) => setTimeout(resolve, 300))
  t.equal(await host(), 'imap.before.hup.test', 'not watching: the edit waits for SIGHUP')
  server.child.kill('SIGHUP')
  await server.waitFor((r) => r.msg === 'providers reloaded' && r.reason === 'SIGHUP', 'the reload')
  await server.waitFor((r) => r.msg === 'TLS certificate reloaded', 'the certificate reload')
  t.equal(await host(), 'imap.after.hup.test')
  server.child.kill('SIGTERM')
  t.same(await server.exited, { code: 0, signal: null })
})

t.test('a REDIS_URL with bad syntax stops the process with one line naming it, never the password', async (t) => {
  const server = start(t, SERVER, [], { REDIS_URL: 'redis//app:s3cret@redis:6379' })
  t.same(await server.exited, { code: 1, signal: null })
  t.match(server.stderr(), /^REDIS_URL \(value not shown: it may hold a password\) is not valid: must be empty .* or a redis:\/\/ or rediss:\/\/ URL/)
  t.equal(server.stderr().trim().split('\n').length, 1)
  t.notMatch(server.stderr(), /s3cret/)
})

t.test('two servers on one Redis: one limit per client, and an MX answer one learned serves the other', async (t) => {
  const redis = await startRedisServer(t)
  const dns = await startDnsServer(t, { 'smallshop.example': { mx: [{ exchange: 'aspmx.l.google.com', priority: 1 }] } })
  const env = { REDIS_URL: redis.url, RATE_LIMIT_MAX: '4', DNS_SERVERS: dns.address, WATCH_PROVIDERS: 'false' }
  const [a, b] = [start(t, SERVER, [], env), start(t, SERVER, [], env)]
  const [addressA, addressB] = [await readyAddress(a), await readyAddress(b)]
  // "back" when a start-up busy enough to miss the command timeout failed the first handshake (reconnected at once).
  const connected = (r: Record<string, any>) => typeof r.msg === 'string' && /^Redis is (up|back)/.test(r.msg)
  await a.waitFor(connected, 'a to connect to Redis')
  await b.waitFor(connected, 'b to connect to Redis')
  t.notMatch(JSON.stringify([...a.records, ...b.records]), new RegExp(redis.url), 'the URL is not logged')

  const url = '/mail/config-v1.1.xml?emailaddress=alice@smallshop.example'
  const first = await fetch(addressA + url)
  t.equal(first.status, 200, 'a finds the custom domain by its MX')
  t.match(await first.text(), /<hostname>imap\.gmail\.com<\/hostname>/)
  t.equal(dns.queries.get('MX smallshop.example'), 1)
  // a's write to Redis is not waited for by its request: b asks once it is there.
  const client = new Redis(redis.url)
  t.teardown(() => client.disconnect())
  for (let i = 0; i < 100 && await client.exists(`${REDIS_MX_PREFIX}smallshop.example`) === 0; i++) await new Promise((resolve) => setTimeout(resolve, 20))
  const second = await fetch(addressB + url)
  t.equal(second.status, 200, 'b serves it too')
  t.match(await second.text(), /<hostname>imap\.gmail\.com<\/hostname>/)
  t.equal(dns.queries.get('MX smallshop.example'), 1, 'without a DNS query of its own')

  const statuses = []
  for (const address of [addressA, addressB, addressA]) statuses.push((await fetch(`${address}/v1.1/gmail.com`)).status)
  t.same(statuses, [200, 200, 429], 'four requests over both servers are the limit, not four to each')
  const metrics = await (await fetch(`${addressB}/metrics`)).text()
  t.match(metrics, /^mail_autoconfig_redis_up 1$/m)
  t.match(metrics, /^mail_autoconfig_rate_limit_fail_open_total 0$/m)
})

/** `curl -sS -OJ <url>` in a fresh directory, as the acceptance check runs it; the files it saved. */
async function curlSaves (t: { teardown (fn: () => void): void }, url: string): Promise<{ dir: string, saved: string[] }> {
  const dir = mkdtempSync(join(tmpdir(), 'server-test-curl-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  // No proxy variables reach curl: the request goes to 127.0.0.1 itself.
  await promisify(execFile)('curl', ['-sS', '-OJ', url], { cwd: dir, timeout: 10_000, env: { PATH: process.env.PATH ?? '' } })
  return { dir, saved: readdirSync(dir) }
}

/** The mail payload's address in a profile's plist. */
function profileAddress (plist: string): PlistValue | undefined {
  const payloads = (parse(plist) as Record<string, PlistValue>).PayloadContent as Array<Record<string, PlistValue>>
  return payloads.find((p) => p.PayloadType === 'com.apple.mail.managed')?.EmailAddress
}

t.test('PROFILE_SIGNING_*: curl -OJ saves gmail.com.mobileconfig, signed so openssl cms -verify accepts it; plain XML without', async (t) => {
  const pki = createTestPki(t)
  const env = { PROVIDERS_DIR: BUNDLED_DIR, WATCH_PROVIDERS: 'false' }
  const signing = start(t, SERVER, [], { ...env, PROFILE_SIGNING_CERT: pki.rsa.cert, PROFILE_SIGNING_KEY: pki.rsa.key, PROFILE_SIGNING_CHAIN: pki.intermediate.cert })
  const plain = start(t, SERVER, [], env)
  const [signingAddress, plainAddress] = [await readyAddress(signing), await readyAddress(plain)]
  const notAfter = /^notAfter=(.+)$/m.exec(execFileSync('openssl', ['x509', '-in', pki.rsa.cert, '-noout', '-enddate'], { encoding: 'utf8', timeout: 10_000 }))![1]!
  t.match(signing.records.find((r) => r.msg === 'signing Apple profiles'), { subject: pki.rsa.subject, validTo: new Date(notAfter).toISOString() }, 'the start-up log names the certificate')
  t.notOk(plain.records.some((r) => r.msg === 'signing Apple profiles'), 'not without PROFILE_SIGNING_CERT')

  const path = '/mobileconfig?emailaddress=alice@gmail.com'
  const signed = await curlSaves(t, signingAddress + path)
  t.same(signed.saved, ['gmail.com.mobileconfig'], 'saved under the name Content-Disposition gives')
  const file = join(signed.dir, 'gmail.com.mobileconfig')
  t.equal(readFileSync(file)[0], 0x30, 'DER (an ASN.1 SEQUENCE), not XML')
  const content = join(signed.dir, 'content.plist')
  const verified = opensslResult(['cms', '-verify', '-inform', 'DER', '-in', file, '-CAfile', pki.root.cert, '-out', content])
  t.equal(verified.status, 0, 'openssl cms -verify -CAfile root.pem accepts it (the intermediate is embedded)', { stderr: verified.stderr })
  const signedPlist = readFileSync(content, 'utf8')
  t.equal(profileAddress(signedPlist), 'alice@gmail.com', 'its content is the plist for the address')

  const unsigned = await curlSaves(t, plainAddress + path)
  t.same(unsigned.saved, ['gmail.com.mobileconfig'], 'unsigned: the same file name')
  const plainPlist = readFileSync(join(unsigned.dir, 'gmail.com.mobileconfig'), 'utf8')
  t.ok(plainPlist.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE plist'), 'without signing the file is the XML plist')
  t.equal(profileAddress(plainPlist), 'alice@gmail.com', 'for the address')
  t.equal(signedPlist, plainPlist, 'the same profile, signed or not')

  signing.child.kill('SIGTERM')
  plain.child.kill('SIGTERM')
  t.same(await signing.exited, { code: 0, signal: null }, 'the signing server stops cleanly')
  t.same(await plain.exited, { code: 0, signal: null }, 'and the other')
})

t.test('a signing key that does not belong to the certificate stops the process with one line naming PROFILE_SIGNING_KEY', async (t) => {
  // Expiry is refused the same way (signing/credentials.ts); test/signing/credentials.test.ts covers it with a clock.
  const pki = createTestPki(t)
  const server = start(t, SERVER, [], { PROVIDERS_DIR: BUNDLED_DIR, PROFILE_SIGNING_CERT: pki.rsa.cert, PROFILE_SIGNING_KEY: pki.strayKey })
  t.same(await server.exited, { code: 1, signal: null }, 'exit 1')
  t.equal(server.stderr(), `PROFILE_SIGNING_KEY=${JSON.stringify(pki.strayKey)} does not belong to the certificate in PROFILE_SIGNING_CERT (${pki.rsa.subject})\n`, 'the one line')
  t.notOk(server.records.some((r) => typeof r.msg === 'string' && r.msg.startsWith('Server listening')), 'it never listened')
})
