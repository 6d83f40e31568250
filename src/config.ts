/**
 * Process configuration: environment variables, each with a matching command-line flag (`PORT` ↔ `--port`; a flag
 * wins over the variable). Everything is validated at start-up, and every bad value is reported on its own line
 * naming the variable and what it accepts, so an admin fixes them all in one go. HOST, PORT and PROVIDERS_DIR are
 * the contract for scripts and containers. The README's configuration table lists every setting here (a test
 * keeps the two in step).
 */
import { accessSync, constants, statSync } from 'node:fs'
import { isIP } from 'node:net'
import { parseArgs } from 'node:util'
import { fileURLToPath } from 'node:url'
import * as z from 'zod'

/** The providers shipped with the package: `<package root>/providers`, from both src/ and dist/. */
export const BUNDLED_PROVIDERS_DIR = fileURLToPath(new URL('../providers', import.meta.url))

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const
export const LOG_FORMATS = ['json', 'pretty'] as const

/** Marks an issue whose line should say what the setting allows (its `allowed` text). */
const NOT_ALLOWED = 'not-allowed'

const TRUE_WORDS = new Set(['true', '1', 'yes', 'on'])
const FALSE_WORDS = new Set(['false', '0', 'no', 'off'])

/** `250ms`, `10s`, `1m`, `1h`, or a plain number of milliseconds. */
const DURATION = /^(\d+)\s*(ms|s|m|h)?$/
const DURATION_UNITS_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as const

export function parseDuration (text: string): number | undefined {
  const match = DURATION.exec(text.trim())
  if (match === null) return undefined
  return Number(match[1]) * DURATION_UNITS_MS[(match[2] ?? 'ms') as keyof typeof DURATION_UNITS_MS]
}

function isReadableFile (path: string): boolean {
  try {
    accessSync(path, constants.R_OK)
    return statSync(path).isFile()
  } catch {
    return false
  }
}

function isDirectory (path: string): boolean {
  try {
    return statSync(path).isDirectory()
  } catch {
    return false
  }
}

/** An address or CIDR range as proxy-addr (Fastify's trustProxy) accepts it: `10.0.0.1`, `10.0.0.0/8`, `::1`. */
function isAddressOrRange (text: string): boolean {
  const [address = '', prefix, extra] = text.split('/')
  const family = isIP(address)
  if (family === 0 || extra !== undefined) return false
  if (prefix === undefined) return true
  if (!/^\d{1,3}$/.test(prefix)) return false
  return Number(prefix) <= (family === 4 ? 32 : 128)
}

/** An origin as browsers send it in `Origin`: scheme, host and optional port, nothing else. */
function isOrigin (text: string): boolean {
  if (!URL.canParse(text)) return false
  const url = new URL(text)
  return (url.protocol === 'https:' || url.protocol === 'http:') && url.origin === text
}

/**
 * A DNS server as `Resolver.setServers` takes it (https://nodejs.org/api/dns.html#dnssetserversservers): an IPv4
 * or IPv6 address, optionally with a port (`192.0.2.1:5353`, `[2001:db8::1]:5353`).
 */
function isDnsServer (text: string): boolean {
  const bracketed = /^\[([^\]]+)\](?::(\d{1,5}))?$/.exec(text)
  const withPort = bracketed === null ? /^([^:]+):(\d{1,5})$/.exec(text) : null
  const [address, port] = bracketed !== null ? [bracketed[1]!, bracketed[2]] : withPort !== null ? [withPort[1]!, withPort[2]] : [text, undefined]
  if (port !== undefined && (Number(port) < 1 || Number(port) > 65535)) return false
  const family = isIP(address)
  return bracketed !== null ? family === 6 : withPort !== null ? family === 4 : family !== 0
}

function list (text: string): string[] {
  return text.split(',').map((item) => item.trim()).filter((item) => item !== '')
}

/** A text variable; `allowed` completes "must be …" in the error line. */
interface Setting<T> {
  /** What a valid value looks like, for the error line and the README. */
  allowed: string
  schema: z.ZodType<T, string | undefined>
  /** The value may hold a password: error lines name the variable but never show the value. */
  secret?: true
}

/** What a parser returns for a value its setting does not take; `reason`, when given, replaces "must be …". */
class Rejected {
  constructor (readonly reason?: string) {}
}
const REJECTED = new Rejected()

/**
 * The one way a setting reads its text: unset or blank gives `fallback` (with `blankIsValue`, only unset does),
 * anything else goes through `parse`, trimmed.
 */
function setting<T> (allowed: string, fallback: T, parse: (text: string) => T | Rejected, { blankIsValue = false } = {}): Setting<T> {
  return {
    allowed,
    schema: z.string().optional().transform((text, ctx): T => {
      if (text === undefined || (!blankIsValue && text.trim() === '')) return fallback
      const value = parse(text.trim())
      if (!(value instanceof Rejected)) return value
      ctx.addIssue({ code: 'custom', message: value.reason ?? NOT_ALLOWED })
      return z.NEVER
    }),
  }
}

const booleanSetting = (fallback: boolean) => setting('true or false (also 1/0, yes/no, on/off)', fallback, (text) => {
  const word = text.toLowerCase()
  return TRUE_WORDS.has(word) ? true : FALSE_WORDS.has(word) ? false : REJECTED
})

const durationSetting = (fallbackMs: number, min: number, max: number) => setting(
  `a duration from ${min}ms to ${max / 1000}s, such as 500ms, 10s or 1m (a plain number is milliseconds)`,
  fallbackMs,
  (text) => {
    const ms = parseDuration(text)
    return ms === undefined || ms < min || ms > max ? REJECTED : ms
  })

/** One of a few words, in any letter case; `allowed` lists them. */
const choiceSetting = <const C extends string> (choices: readonly C[], fallback: C, allowed: string) =>
  setting(allowed, fallback, (text) => choices.find((choice) => choice === text.toLowerCase()) ?? REJECTED)

/** A whole number from 0 to `max`. */
const integerSetting = (fallback: number, max: number, allowed: string) =>
  setting(allowed, fallback, (text) => /^\d{1,9}$/.test(text) && Number(text) <= max ? Number(text) : REJECTED)

/** An absolute http(s) URL with nothing after the path, kept without a trailing slash. */
const urlSetting = (allowed: string) => setting<string | undefined>(allowed, undefined, (text) => {
  const url = URL.canParse(text) ? new URL(text) : undefined
  if (url === undefined || !['http:', 'https:'].includes(url.protocol) || url.search !== '' || url.hash !== '' || url.username !== '' || url.password !== '') return REJECTED
  return url.href.replace(/\/+$/, '')
})

/** A comma-separated list whose every item passes `accepts`; `reason` names the items it does not. */
const listSetting = (allowed: string, fallback: string[], accepts: (item: string) => boolean, reason: (bad: string[]) => string) =>
  setting(allowed, fallback, (text) => {
    const items = list(text)
    const bad = items.filter((item) => !accepts(item))
    return bad.length > 0 ? new Rejected(reason(bad)) : items
  }, { blankIsValue: true })

/**
 * A Redis URL as ioredis takes it (https://github.com/redis/ioredis#connect-to-redis): `redis://` or `rediss://`
 * (TLS), a host, optionally a user and password, a port and a database number as the path.
 */
const redisUrlSetting = (allowed: string) => ({
  ...setting<string | undefined>(allowed, undefined, (text) => {
    const url = URL.canParse(text) ? new URL(text) : undefined
    if (url === undefined || !['redis:', 'rediss:'].includes(url.protocol) || url.hostname === '' || url.search !== '' || url.hash !== '') return REJECTED
    return /^\/?(\d{1,2})?$/.test(url.pathname) ? text : new Rejected('the path may only be a database number, such as /0')
  }),
  secret: true as const,
})

const pathSetting = <T extends string | undefined> (allowed: string, fallback: T, exists: (path: string) => boolean, reason: string) =>
  setting<string | T>(allowed, fallback, (text) => exists(text) ? text : new Rejected(reason))

const optionalFile = pathSetting('the path of a readable file', undefined, isReadableFile,
  'cannot read this file (it must exist and be readable by the server\'s user)')

export type TrustProxy = boolean | number | string[]
/** Allowed browser origins; `['*']` means any. */
export type CorsOrigins = string[]

/**
 * Every setting, keyed by its environment variable. The flag is the name in lower case with dashes
 * (`PROVIDERS_DIR` → `--providers-dir`).
 */
export const SETTINGS = {
  HOST: setting('a host name or IP address to listen on, such as 0.0.0.0, :: or 127.0.0.1', '0.0.0.0',
    (text) => /[\s/]/.test(text) ? REJECTED : text),
  PORT: integerSetting(8080, 65535, 'an integer from 0 to 65535 (0 picks a free port)'),
  PROVIDERS_DIR: pathSetting('an existing directory of provider files', BUNDLED_PROVIDERS_DIR, isDirectory, 'no such directory'),
  PUBLIC_BASE_URL: urlSetting('an absolute http(s) URL without query or fragment, such as https://autoconfig.example.com'),
  TRUST_PROXY: setting<TrustProxy>('false, true, a number of proxy hops, or a comma-separated list of proxy addresses/CIDR ranges (10.0.0.0/8,::1)', false,
    (text) => {
      const value = text.toLowerCase()
      if (FALSE_WORDS.has(value)) return false
      if (value === 'true') return true
      if (/^\d+$/.test(value)) return Number(value)
      const ranges = list(value)
      return ranges.length > 0 && ranges.every(isAddressOrRange) ? ranges : REJECTED
    }),
  LOG_LEVEL: choiceSetting(LOG_LEVELS, 'info', LOG_LEVELS.join(', ')),
  LOG_FORMAT: choiceSetting(LOG_FORMATS, 'json', LOG_FORMATS.join(' or ')),
  LOG_ADDRESSES: booleanSetting(false),
  TLS_CERT_FILE: optionalFile,
  TLS_KEY_FILE: optionalFile,
  CORS_ORIGINS: listSetting('* (any origin), empty (no cross-origin access), or a comma-separated list of origins such as https://app.example.com', ['*'],
    (origin) => origin === '*' || isOrigin(origin),
    (bad) => `${bad.map((b) => JSON.stringify(b)).join(', ')} ${bad.length === 1 ? 'is not an origin' : 'are not origins'} (scheme://host[:port], no path)`),
  RATE_LIMIT_MAX: integerSetting(600, 1_000_000, 'an integer from 0 to 1000000 (requests per client address per window; 0 turns rate limiting off)'),
  RATE_LIMIT_WINDOW: durationSetting(60_000, 100, 3_600_000),
  SHUTDOWN_TIMEOUT: durationSetting(10_000, 0, 600_000),
  WATCH_PROVIDERS: booleanSetting(true),
  MX_LOOKUP: booleanSetting(true),
  DNS_SERVERS: listSetting('empty (the system\'s resolvers) or a comma-separated list of addresses, each optionally with a port: 192.0.2.53, 192.0.2.53:5353, [2001:db8::53]:5353', [],
    isDnsServer,
    (bad) => `${bad.map((b) => JSON.stringify(b)).join(', ')} ${bad.length === 1 ? 'is not an address' : 'are not addresses'} such as 192.0.2.53, 192.0.2.53:5353 or [2001:db8::53]:5353`),
  MX_TIMEOUT: durationSetting(2000, 10, 30_000),
  REDIS_URL: redisUrlSetting('empty (counts and DNS answers kept per instance) or a redis:// or rediss:// URL such as redis://redis:6379 or rediss://user:password@redis.example.net:6380/0'),
  REDIS_TIMEOUT: durationSetting(100, 10, 10_000),
  PROFILE_SIGNING_CERT: optionalFile,
  PROFILE_SIGNING_KEY: optionalFile,
  PROFILE_SIGNING_CHAIN: optionalFile,
} as const satisfies Record<string, Setting<unknown>>

export type SettingName = keyof typeof SETTINGS
export const SETTING_NAMES = Object.keys(SETTINGS) as SettingName[]

/** The flag for a variable: `PROVIDERS_DIR` → `--providers-dir`. */
export function flagFor (name: SettingName): string {
  return `--${name.toLowerCase().replaceAll('_', '-')}`
}

const BOOLEAN_SETTINGS = new Set<SettingName>(['LOG_ADDRESSES', 'WATCH_PROVIDERS', 'MX_LOOKUP'])

const envSchema = z.object(Object.fromEntries(SETTING_NAMES.map((name) => [name, SETTINGS[name].schema])) as {
  [K in SettingName]: (typeof SETTINGS)[K]['schema']
})

type Settings = z.output<typeof envSchema>

export interface Config {
  host: string
  port: number
  providersDir: string
  publicBaseUrl: string | undefined
  trustProxy: TrustProxy
  logLevel: (typeof LOG_LEVELS)[number]
  logFormat: (typeof LOG_FORMATS)[number]
  logAddresses: boolean
  /** Both or neither: serve https directly with this certificate chain and key. */
  tls: { certFile: string, keyFile: string } | undefined
  corsOrigins: CorsOrigins
  rateLimit: { max: number, timeWindowMs: number } | false
  shutdownTimeoutMs: number
  watchProviders: boolean
  /** Where DNS questions go (`servers` undefined: the system's resolvers) and how long one may take. */
  dns: { servers: string[] | undefined, timeoutMs: number }
  /** Look unknown domains up by their MX records (dns/mx-resolver.ts). */
  mxLookup: boolean
  /** Share rate-limit counts and MX answers between instances (redis/connection.ts); `url` may hold a password. */
  redis: { url: string, timeoutMs: number } | undefined
  /** Sign Apple profiles with this certificate, key and optional chain (PEM files; signing/credentials.ts). */
  profileSigning: { certFile: string, keyFile: string, chainFile: string | undefined } | undefined
}

/** One line per problem, each naming the variable (and the flag when the value came from one). */
export class ConfigError extends Error {
  readonly lines: string[]
  constructor (lines: string[]) {
    super(lines.join('\n'))
    this.name = 'ConfigError'
    this.lines = lines
  }
}

/**
 * Reads `--name value`, `--name=value`, and bare `--name` for the true/false settings (node:util `parseArgs`,
 * whose tokens keep the order, so a true/false flag may also take the word after it). Returns the values by
 * variable name, plus a line for each flag that is unknown or lacks its value.
 */
export function parseFlags (args: readonly string[]): { values: Partial<Record<SettingName, string>>, problems: string[] } {
  const byFlag = new Map(SETTING_NAMES.map((name) => [flagFor(name).slice(2), name]))
  const options = Object.fromEntries(SETTING_NAMES.map((name) => [flagFor(name).slice(2), { type: BOOLEAN_SETTINGS.has(name) ? 'boolean' : 'string' }] as const))
  const { tokens } = parseArgs({ args: [...args], options, strict: false, allowPositionals: true, tokens: true })
  const values: Partial<Record<SettingName, string>> = {}
  const problems: string[] = []
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!
    if (token.kind === 'option-terminator') continue
    if (token.kind === 'positional') {
      problems.push(`unexpected argument ${JSON.stringify(token.value)} (see mail-autoconfig help)`)
      continue
    }
    const name = byFlag.get(token.name)
    if (name === undefined) {
      problems.push(`${token.rawName} is not an option (see mail-autoconfig help)`)
      continue
    }
    const next = tokens[i + 1]
    if (token.value !== undefined) {
      values[name] = token.value
    } else if (!BOOLEAN_SETTINGS.has(name)) {
      problems.push(`${token.rawName} needs a value: ${SETTINGS[name].allowed}`)
    } else if (next?.kind === 'positional') {
      values[name] = next.value
      i++
    } else {
      values[name] = 'true'
    }
  }
  return { values, problems }
}

function isSet (text: string | undefined): boolean {
  return text !== undefined && text.trim() !== ''
}

/** A certificate and its key are given together: a line naming the one missing when only the other is set. */
function bothOrNeither (raw: Partial<Record<SettingName, string>>, cert: SettingName, key: SettingName, why: string): string[] {
  if (isSet(raw[cert]) === isSet(raw[key])) return []
  const [missing, given] = isSet(raw[cert]) ? [key, cert] : [cert, key]
  return [`${missing} is required when ${given} is set (${why})`]
}

function describe (name: SettingName, value: string | undefined, fromFlag: boolean): string {
  const shown = (SETTINGS[name] as Setting<unknown>).secret === true ? ' (value not shown: it may hold a password)' : `=${JSON.stringify(value ?? '')}`
  return `${name}${shown}${fromFlag ? ` (from ${flagFor(name)})` : ''}`
}

/** Validates the environment and flags; throws a ConfigError listing every bad value. */
export function loadConfig (env: NodeJS.ProcessEnv = process.env, args: readonly string[] = []): Config {
  const flags = parseFlags(args)
  const raw: Partial<Record<SettingName, string>> = {}
  for (const name of SETTING_NAMES) raw[name] = flags.values[name] ?? env[name]
  const fromFlag = (name: SettingName) => flags.values[name] !== undefined

  const problems = [...flags.problems]
  const parsed = envSchema.safeParse(raw)
  if (!parsed.success) {
    const seen = new Set<string>()
    for (const issue of parsed.error.issues) {
      const name = String(issue.path[0]) as SettingName
      if (seen.has(name)) continue
      seen.add(name)
      const reason = issue.code === 'custom' && issue.message !== NOT_ALLOWED ? issue.message : `must be ${SETTINGS[name].allowed}`
      problems.push(`${describe(name, raw[name], fromFlag(name))} is not valid: ${reason}`)
    }
  }
  const settings: Partial<Settings> = parsed.success ? parsed.data : {}
  problems.push(...bothOrNeither(raw, 'TLS_CERT_FILE', 'TLS_KEY_FILE', 'https needs both the certificate chain and its private key'))
  const signing = bothOrNeither(raw, 'PROFILE_SIGNING_CERT', 'PROFILE_SIGNING_KEY', 'profiles are signed with the certificate and its private key')
  problems.push(...signing)
  if (signing.length === 0 && !isSet(raw.PROFILE_SIGNING_CERT) && isSet(raw.PROFILE_SIGNING_CHAIN)) {
    problems.push('PROFILE_SIGNING_CHAIN is set without PROFILE_SIGNING_CERT and PROFILE_SIGNING_KEY, which signing needs')
  }
  if (problems.length > 0 || !parsed.success) throw new ConfigError(problems)

  const s = settings as Settings
  return {
    host: s.HOST,
    port: s.PORT,
    providersDir: s.PROVIDERS_DIR,
    publicBaseUrl: s.PUBLIC_BASE_URL,
    trustProxy: s.TRUST_PROXY,
    logLevel: s.LOG_LEVEL,
    logFormat: s.LOG_FORMAT,
    logAddresses: s.LOG_ADDRESSES,
    tls: s.TLS_CERT_FILE !== undefined && s.TLS_KEY_FILE !== undefined ? { certFile: s.TLS_CERT_FILE, keyFile: s.TLS_KEY_FILE } : undefined,
    corsOrigins: s.CORS_ORIGINS,
    rateLimit: s.RATE_LIMIT_MAX === 0 ? false : { max: s.RATE_LIMIT_MAX, timeWindowMs: s.RATE_LIMIT_WINDOW },
    shutdownTimeoutMs: s.SHUTDOWN_TIMEOUT,
    watchProviders: s.WATCH_PROVIDERS,
    dns: { servers: s.DNS_SERVERS.length === 0 ? undefined : s.DNS_SERVERS, timeoutMs: s.MX_TIMEOUT },
    mxLookup: s.MX_LOOKUP,
    redis: s.REDIS_URL === undefined ? undefined : { url: s.REDIS_URL, timeoutMs: s.REDIS_TIMEOUT },
    profileSigning: s.PROFILE_SIGNING_CERT !== undefined && s.PROFILE_SIGNING_KEY !== undefined
      ? { certFile: s.PROFILE_SIGNING_CERT, keyFile: s.PROFILE_SIGNING_KEY, chainFile: s.PROFILE_SIGNING_CHAIN }
      : undefined,
  }
}
