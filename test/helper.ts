/** Shared test helpers: build the app on a providers directory, read fixtures, parse XML back. */
import { readFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { XMLParser } from 'fast-xml-parser'
import type { FastifyInstance } from 'fastify'
import { buildApp, type AppOptions } from '../src/app.ts'
import { loadProviders } from '../src/catalog/load.ts'
import { ProviderLookup } from '../src/catalog/lookup.ts'
import { formatProblem } from '../src/catalog/report.ts'

export const BUNDLED_DIR = fileURLToPath(new URL('../providers', import.meta.url))
export const FIXTURES_DIR = fileURLToPath(new URL('./fixtures', import.meta.url))
export const VALID_PROVIDERS_DIR = `${FIXTURES_DIR}/providers/valid`
export const INVALID_PROVIDERS_DIR = `${FIXTURES_DIR}/providers/invalid`
/** One provider whose servers only take OAuth2 (no Apple profile can set it up). */
export const OAUTH_ONLY_PROVIDERS_DIR = `${FIXTURES_DIR}/providers/oauth-only`
/** Valid providers that `check --strict` warns about. */
export const LINT_PROVIDERS_DIR = `${FIXTURES_DIR}/providers/lint`
/**
 * The Thunderbird ISPDB corpus, beside the checkout (never copied into it). A checkout elsewhere (a git worktree)
 * points at it with the ISPDB_DIR environment variable.
 */
export const ISPDB_DIR = process.env.ISPDB_DIR ?? fileURLToPath(new URL('../../shared/ispdb', import.meta.url))

interface Teardown { teardown (fn: () => unknown): void }

export async function lookupFor (dir: string): Promise<ProviderLookup> {
  const loaded = await loadProviders(dir)
  if (!loaded.ok) throw new Error(loaded.problems.map(formatProblem).join('\n'))
  return new ProviderLookup(loaded.catalog)
}

/** An app on the given providers (default: the bundled ones), closed when the test ends. */
export async function build (t: Teardown, options: Partial<AppOptions> & { providersDir?: string } = {}): Promise<FastifyInstance> {
  const { providersDir = BUNDLED_DIR, ...rest } = options
  const app = await buildApp({ lookup: await lookupFor(providersDir), ...rest })
  t.teardown(() => app.close())
  await app.ready()
  return app
}

/**
 * The problem document every route answers for a domain no provider serves (`UNKNOWN_DOMAIN`), written out here
 * rather than built by the code under test.
 */
export function unknownDomainProblem (domain: string): Record<string, unknown> {
  return {
    type: 'urn:mail-autoconfig:error:UNKNOWN_DOMAIN',
    title: 'No provider serves this domain',
    status: 404,
    detail: `No provider serves ${domain}`,
    code: 'UNKNOWN_DOMAIN',
    domain,
  }
}

export async function fixture (relative: string): Promise<string> {
  return readFile(`${FIXTURES_DIR}/${relative}`, 'utf8')
}

/** Parses XML the way a strict client does: attributes kept, values as text, repeated elements as arrays. */
export function parseXml (xml: string, arrays: readonly string[] = []): any {
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '@_',
    parseTagValue: false,
    parseAttributeValue: false,
    trimValues: true,
    isArray: (name) => arrays.includes(name),
  })
  return parser.parse(xml, true)
}
