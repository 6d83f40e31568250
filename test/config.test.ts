import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { BUNDLED_PROVIDERS_DIR, ConfigError, flagFor, loadConfig, parseDuration, parseFlags, SETTING_NAMES, type Config } from '../src/config.ts'
import { VALID_PROVIDERS_DIR } from './helper.ts'

const tmp = mkdtempSync(join(tmpdir(), 'config-test-'))
const CERT = join(tmp, 'cert.pem')
const KEY = join(tmp, 'key.pem')
writeFileSync(CERT, 'cert')
writeFileSync(KEY, 'key')
t.teardown(() => rmSync(tmp, { recursive: true, force: true }))

/** The error lines for an environment (and flags) that must be rejected. */
function problems (env: Record<string, string>, args: string[] = []): string[] {
  try {
    loadConfig(env, args)
  } catch (error) {
    if (error instanceof ConfigError) return error.lines
    throw error
  }
  throw new Error(`accepted ${JSON.stringify(env)} ${args.join(' ')}`)
}

t.test('defaults', async (t) => {
  const config = loadConfig({})
  t.same(config, {
    host: '0.0.0.0',
    port: 8080,
    providersDir: BUNDLED_PROVIDERS_DIR,
    publicBaseUrl: undefined,
    trustProxy: false,
    logLevel: 'info',
    logFormat: 'json',
    logAddresses: false,
    tls: undefined,
    corsOrigins: ['*'],
    rateLimit: { max: 600, timeWindowMs: 60_000 },
    shutdownTimeoutMs: 10_000,
    watchProviders: true,
    dns: { servers: undefined, timeoutMs: 2000 },
    mxLookup: true,
    redis: undefined,
    profileSigning: undefined,
  } satisfies Config)
  t.same(loadConfig({ HOST: '', PORT: '', LOG_LEVEL: '' }), config, 'empty values mean the default')
})

t.test('every variable is read', async (t) => {
  const config = loadConfig({
    HOST: '127.0.0.1',
    PORT: '9000',
    PROVIDERS_DIR: VALID_PROVIDERS_DIR,
    PUBLIC_BASE_URL: 'https://autoconfig.example.com/',
    TRUST_PROXY: '10.0.0.0/8, 127.0.0.1,::1',
    LOG_LEVEL: 'DEBUG',
    LOG_FORMAT: 'pretty',
    LOG_ADDRESSES: 'yes',
    TLS_CERT_FILE: CERT,
    TLS_KEY_FILE: KEY,
    CORS_ORIGINS: 'https://app.example.com, http://localhost:3000',
    RATE_LIMIT_MAX: '50',
    RATE_LIMIT_WINDOW: '10s',
    SHUTDOWN_TIMEOUT: '2500',
    WATCH_PROVIDERS: 'off',
    MX_LOOKUP: 'off',
    DNS_SERVERS: '192.0.2.53, 192.0.2.54:5353,[2001:db8::53]:53, 2001:db8::54',
    MX_TIMEOUT: '500ms',
    REDIS_URL: 'rediss://app:s3cret@redis.example.net:6380/2',
    REDIS_TIMEOUT: '250ms',
    PROFILE_SIGNING_CERT: CERT,
    PROFILE_SIGNING_KEY: KEY,
    PROFILE_SIGNING_CHAIN: CERT,
  })
  t.same(config, {
    host: '127.0.0.1',
    port: 9000,
    providersDir: VALID_PROVIDERS_DIR,
    publicBaseUrl: 'https://autoconfig.example.com',
    trustProxy: ['10.0.0.0/8', '127.0.0.1', '::1'],
    logLevel: 'debug',
    logFormat: 'pretty',
    logAddresses: true,
    tls: { certFile: CERT, keyFile: KEY },
    corsOrigins: ['https://app.example.com', 'http://localhost:3000'],
    rateLimit: { max: 50, timeWindowMs: 10_000 },
    shutdownTimeoutMs: 2500,
    watchProviders: false,
    dns: { servers: ['192.0.2.53', '192.0.2.54:5353', '[2001:db8::53]:53', '2001:db8::54'], timeoutMs: 500 },
    mxLookup: false,
    redis: { url: 'rediss://app:s3cret@redis.example.net:6380/2', timeoutMs: 250 },
    profileSigning: { certFile: CERT, keyFile: KEY, chainFile: CERT },
  } satisfies Config)
})

t.test('value forms', async (t) => {
  t.equal(loadConfig({ TRUST_PROXY: 'true' }).trustProxy, true)
  t.equal(loadConfig({ TRUST_PROXY: 'false' }).trustProxy, false)
  t.equal(loadConfig({ TRUST_PROXY: '2' }).trustProxy, 2, 'a hop count')
  t.same(loadConfig({ CORS_ORIGINS: '*' }).corsOrigins, ['*'])
  t.same(loadConfig({ CORS_ORIGINS: '' }).corsOrigins, [], 'empty turns cross-origin access off')
  t.equal(loadConfig({ RATE_LIMIT_MAX: '0' }).rateLimit, false, '0 turns rate limiting off')
  t.equal(loadConfig({ PORT: '0' }).port, 0)
  t.equal(loadConfig({ PUBLIC_BASE_URL: 'http://mail.example.net:8443/autoconfig/' }).publicBaseUrl, 'http://mail.example.net:8443/autoconfig')
  t.equal(loadConfig({ HOST: '::' }).host, '::')
  t.equal(loadConfig({ MX_LOOKUP: 'false', DNS_SERVERS: '192.0.2.53' }).mxLookup, false, 'MX_LOOKUP=false turns the MX step off')
  t.same(loadConfig({ REDIS_URL: 'redis://redis' }).redis, { url: 'redis://redis', timeoutMs: 100 }, 'REDIS_TIMEOUT defaults to 100ms')
  t.same(loadConfig({ REDIS_URL: 'redis://:pw@[::1]:6379/' }).redis?.url, 'redis://:pw@[::1]:6379/', 'a password without a user, IPv6')
  t.equal(loadConfig({ REDIS_URL: '', REDIS_TIMEOUT: '1s' }).redis, undefined, 'no REDIS_URL: no Redis, whatever the timeout')
  t.same(loadConfig({ DNS_SERVERS: ' , ' }).dns, { servers: undefined, timeoutMs: 2000 }, 'an empty list means the system\'s resolvers')
  for (const [text, ms] of [['250ms', 250], ['10s', 10_000], ['1m', 60_000], ['1h', 3_600_000], ['1500', 1500], [' 2 s ', 2000]] as const) {
    t.equal(parseDuration(text), ms, text)
  }
  t.equal(parseDuration('1d'), undefined)
  t.equal(parseDuration('-1s'), undefined)
})

t.test('each bad value gets one line naming the variable and what is allowed', async (t) => {
  const cases: Array<[string, string, RegExp]> = [
    ['HOST', 'my host', /^HOST="my host" is not valid: must be a host name or IP address/],
    ['PORT', 'http', /^PORT="http" is not valid: must be an integer from 0 to 65535/],
    ['PORT', '65536', /^PORT="65536" is not valid: must be an integer from 0 to 65535/],
    ['PORT', '-1', /^PORT="-1" is not valid/],
    ['PORT', '80.5', /^PORT="80.5" is not valid/],
    ['PROVIDERS_DIR', '/nonexistent/providers', /^PROVIDERS_DIR="\/nonexistent\/providers" is not valid: no such directory$/],
    ['PROVIDERS_DIR', CERT, /^PROVIDERS_DIR=".*cert.pem" is not valid: no such directory$/],
    ['PUBLIC_BASE_URL', 'autoconfig.example.com', /^PUBLIC_BASE_URL="autoconfig.example.com" is not valid: must be an absolute http\(s\) URL/],
    ['PUBLIC_BASE_URL', 'ftp://example.com', /^PUBLIC_BASE_URL="ftp:\/\/example.com" is not valid/],
    ['PUBLIC_BASE_URL', 'https://example.com/?a=1', /^PUBLIC_BASE_URL=.* is not valid: must be an absolute http\(s\) URL without query or fragment/],
    ['PUBLIC_BASE_URL', 'https://user:pw@example.com', /^PUBLIC_BASE_URL=.* is not valid/],
    ['TRUST_PROXY', 'yes please', /^TRUST_PROXY="yes please" is not valid: must be false, true, a number of proxy hops, or a comma-separated list/],
    ['TRUST_PROXY', '10.0.0.0/33', /^TRUST_PROXY="10.0.0.0\/33" is not valid/],
    ['TRUST_PROXY', 'proxy.example.com', /^TRUST_PROXY="proxy.example.com" is not valid/],
    ['LOG_LEVEL', 'verbose', /^LOG_LEVEL="verbose" is not valid: must be fatal, error, warn, info, debug, trace, silent$/],
    ['LOG_FORMAT', 'text', /^LOG_FORMAT="text" is not valid: must be json or pretty$/],
    ['LOG_ADDRESSES', 'maybe', /^LOG_ADDRESSES="maybe" is not valid: must be true or false/],
    ['CORS_ORIGINS', 'https://app.example.com/path', /^CORS_ORIGINS=.* is not valid: "https:\/\/app.example.com\/path" is not an origin \(scheme:\/\/host\[:port\], no path\)$/],
    ['CORS_ORIGINS', 'example.com', /^CORS_ORIGINS="example.com" is not valid: "example.com" is not an origin/],
    ['RATE_LIMIT_MAX', 'lots', /^RATE_LIMIT_MAX="lots" is not valid: must be an integer from 0 to 1000000/],
    ['RATE_LIMIT_WINDOW', '1 fortnight', /^RATE_LIMIT_WINDOW="1 fortnight" is not valid: must be a duration from 100ms to 3600s/],
    ['RATE_LIMIT_WINDOW', '10ms', /^RATE_LIMIT_WINDOW="10ms" is not valid: must be a duration/],
    ['SHUTDOWN_TIMEOUT', '2d', /^SHUTDOWN_TIMEOUT="2d" is not valid: must be a duration from 0ms to 600s/],
    ['WATCH_PROVIDERS', 'sometimes', /^WATCH_PROVIDERS="sometimes" is not valid: must be true or false/],
    ['MX_LOOKUP', 'perhaps', /^MX_LOOKUP="perhaps" is not valid: must be true or false/],
    ['DNS_SERVERS', 'dns.example', /^DNS_SERVERS="dns.example" is not valid: "dns.example" is not an address such as 192.0.2.53/],
    ['DNS_SERVERS', '192.0.2.53:99999, [192.0.2.1]:53', /^DNS_SERVERS=.* is not valid: "192.0.2.53:99999", "\[192.0.2.1\]:53" are not addresses/],
    ['MX_TIMEOUT', '1h', /^MX_TIMEOUT="1h" is not valid: must be a duration from 10ms to 30s/],
    ['DNS_SERVERS', '192.0.2.53:0', /^DNS_SERVERS=.* is not valid/],
    ['REDIS_TIMEOUT', '1 minute', /^REDIS_TIMEOUT="1 minute" is not valid: must be a duration from 10ms to 10s/],
    ['REDIS_TIMEOUT', '5ms', /^REDIS_TIMEOUT="5ms" is not valid/],
    ['TLS_CERT_FILE', '/nonexistent/cert.pem', /^TLS_CERT_FILE="\/nonexistent\/cert.pem" is not valid: cannot read this file/],
    ['PROFILE_SIGNING_KEY', '/nonexistent/key.pem', /^PROFILE_SIGNING_KEY="\/nonexistent\/key.pem" is not valid: cannot read this file/],
    ['PROFILE_SIGNING_CHAIN', tmp, /^PROFILE_SIGNING_CHAIN=".*" is not valid: cannot read this file/],
  ]
  for (const [name, value, expected] of cases) {
    const env: Record<string, string> = { [name]: value }
    if (name === 'TLS_CERT_FILE') env.TLS_KEY_FILE = KEY
    if (name.startsWith('PROFILE_SIGNING_')) Object.assign(env, { PROFILE_SIGNING_CERT: CERT, PROFILE_SIGNING_KEY: KEY }, { [name]: value })
    const lines = problems(env)
    t.equal(lines.length, 1, `${name}=${value}: one line`)
    t.match(lines[0], expected, `${name}=${value}`)
  }
})

t.test('a bad REDIS_URL names the variable and never shows the value, which may hold a password', async (t) => {
  for (const url of ['http://:s3cret@redis:6379', 'redis//:s3cret@redis', 'redis://:s3cret@', 'redis://:s3cret@redis:port', 'redis://:s3cret@redis?db=1', 'redis://:s3cret@redis/cache']) {
    const lines = problems({ REDIS_URL: url })
    t.equal(lines.length, 1, url)
    t.match(lines[0], /^REDIS_URL \(value not shown: it may hold a password\) is not valid: /, url)
    t.notMatch(lines[0], /s3cret/, `${url}: no password in the line`)
  }
  t.match(problems({ REDIS_URL: 'redis://:s3cret@redis/cache' })[0], /the path may only be a database number/)
  t.match(problems({}, ['--redis-url', 'tcp://:s3cret@redis'])[0], /^REDIS_URL \(value not shown: it may hold a password\) \(from --redis-url\) is not valid: must be empty .* or a redis:\/\/ or rediss:\/\/ URL/)
})

t.test('every bad value is reported at once', async (t) => {
  const lines = problems({ PORT: 'x', LOG_LEVEL: 'loud', LOG_FORMAT: 'xml' })
  t.same(lines.map((l) => l.split('=')[0]), ['PORT', 'LOG_LEVEL', 'LOG_FORMAT'])
})

t.test('TLS needs both the certificate and the key', async (t) => {
  t.same(problems({ TLS_CERT_FILE: CERT }), ['TLS_KEY_FILE is required when TLS_CERT_FILE is set (https needs both the certificate chain and its private key)'])
  t.same(problems({ TLS_KEY_FILE: KEY }), ['TLS_CERT_FILE is required when TLS_KEY_FILE is set (https needs both the certificate chain and its private key)'])
})

t.test('profile signing needs the certificate and the key; a chain alone is refused', async (t) => {
  t.same(problems({ PROFILE_SIGNING_CERT: CERT }), ['PROFILE_SIGNING_KEY is required when PROFILE_SIGNING_CERT is set (profiles are signed with the certificate and its private key)'])
  t.same(problems({ PROFILE_SIGNING_KEY: KEY, PROFILE_SIGNING_CHAIN: CERT }), ['PROFILE_SIGNING_CERT is required when PROFILE_SIGNING_KEY is set (profiles are signed with the certificate and its private key)'])
  t.same(problems({ PROFILE_SIGNING_CHAIN: CERT }), ['PROFILE_SIGNING_CHAIN is set without PROFILE_SIGNING_CERT and PROFILE_SIGNING_KEY, which signing needs'])
  t.same(loadConfig({ PROFILE_SIGNING_CERT: CERT, PROFILE_SIGNING_KEY: KEY }).profileSigning, { certFile: CERT, keyFile: KEY, chainFile: undefined })
})

t.test('flags mirror the variables and win over them', async (t) => {
  t.same(SETTING_NAMES.map(flagFor).slice(0, 3), ['--host', '--port', '--providers-dir'])
  const config = loadConfig({ PORT: '1234', LOG_LEVEL: 'warn' }, ['--port', '9999', `--providers-dir=${VALID_PROVIDERS_DIR}`, '--log-addresses', '--watch-providers', 'false'])
  t.equal(config.port, 9999)
  t.equal(config.providersDir, VALID_PROVIDERS_DIR)
  t.equal(config.logLevel, 'warn', 'the variable applies when no flag is given')
  t.equal(config.logAddresses, true, 'a bare boolean flag means true')
  t.equal(config.watchProviders, false)
  t.equal(loadConfig({}, ['--log-addresses=false']).logAddresses, false)
  t.equal(loadConfig({}, ['--log-addresses', '--port', '1']).logAddresses, true, 'bare flag before another flag')
})

t.test('bad flags name the flag', async (t) => {
  t.same(problems({}, ['--port', 'abc']), ['PORT="abc" (from --port) is not valid: must be an integer from 0 to 65535 (0 picks a free port)'])
  t.same(problems({}, ['--prot', '80']), ['--prot is not an option (see mail-autoconfig help)', 'unexpected argument "80" (see mail-autoconfig help)'])
  t.same(problems({}, ['--port']), ['--port needs a value: an integer from 0 to 65535 (0 picks a free port)'])
  t.same(parseFlags(['--host=::1']), { values: { HOST: '::1' }, problems: [] })
})

t.test('every duration the README and the error message offer as an example is accepted (issue 31)', async (t) => {
  for (const example of ['500ms', '10s', '1m']) {
    t.equal(loadConfig({ PROVIDERS_DIR: VALID_PROVIDERS_DIR, RATE_LIMIT_WINDOW: example }, []).rateLimit !== false, true, `RATE_LIMIT_WINDOW=${example}`)
  }
  const config = loadConfig({ PROVIDERS_DIR: VALID_PROVIDERS_DIR, RATE_LIMIT_WINDOW: '500ms' }, [])
  t.match(config.rateLimit, { timeWindowMs: 500 })
})

t.test('the README documents every variable with its flag', async (t) => {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8')
  for (const name of SETTING_NAMES) {
    t.match(readme, new RegExp(`^\\| \`${name}\`, \`${flagFor(name)}\` \\|`, 'm'), name)
  }
})
