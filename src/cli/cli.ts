/**
 * The command line: `mail-autoconfig serve` (the default) starts the server; `mail-autoconfig check [dir]`
 * validates provider files exactly as start-up does and exits 1 on any problem (`--strict` adds the linter);
 * `import` and `export` convert between provider files and Mozilla autoconfig XML.
 */
import { readFile } from 'node:fs/promises'
import { parseArgs, type ParseArgsConfig } from 'node:util'
import { loadProviders } from '../catalog/load.ts'
import { formatProblem } from '../catalog/report.ts'
import { BUNDLED_PROVIDERS_DIR, ConfigError, flagFor, loadConfig, SETTING_NAMES, SETTINGS, type Config } from '../config.ts'
import { runDns } from './dns-command.ts'
import { runExport } from '../ispdb/export-command.ts'
import { runImport } from '../ispdb/import-command.ts'
import { formatWarning, lintSources } from '../lint/lint.ts'
import { main as serve } from '../server.ts'

export const USAGE = `Usage:
  mail-autoconfig [serve] [options]   start the server (options below)
  mail-autoconfig check [dir] [--strict]
                                      validate provider files (default: PROVIDERS_DIR or the bundled providers);
                                      --strict also warns as ISPDB reviewers do (see README) and fails on warnings
  mail-autoconfig import <file-or-dir> [--out dir] [--force]
                                      convert Mozilla autoconfig XML (ISPDB files) into provider files
                                      (default --out: providers); every change is reported as file:line
  mail-autoconfig export [dir] [--out dir]
                                      write what /v1.1/<domain> serves as static files <out>/v1.1/<domain>
                                      (default --out: autoconfig-export), for a static host or CDN
  mail-autoconfig dns <domain> [--json] [--check] [options]
                                      the DNS records the domain's owner publishes so clients find this service
                                      (PUBLIC_BASE_URL) and the provider's servers, as zone-file text or JSON;
                                      --check asks DNS_SERVERS for each and exits 1 unless all are in place
  mail-autoconfig help                show this text

Options of serve (each also an environment variable; the option wins; see README.md for defaults):
${SETTING_NAMES.map((name) => `  ${flagFor(name).padEnd(22)} ${name.padEnd(18)} ${SETTINGS[name].allowed}`).join('\n')}
`

export async function check (
  dir: string,
  out: NodeJS.WritableStream = process.stdout,
  err: NodeJS.WritableStream = process.stderr,
  options: { strict?: boolean } = {},
): Promise<number> {
  const loaded = await loadProviders(dir)
  if (!loaded.ok) {
    for (const problem of loaded.problems) err.write(`${formatProblem(problem)}\n`)
    err.write(`${loaded.problems.length} problem(s) in ${dir}\n`)
    return 1
  }
  const summary = `${dir}: ${loaded.catalog.providers.size} providers, ${loaded.catalog.domainCount} domains, no problems`
  if (options.strict !== true) {
    out.write(`${summary}\n`)
    return 0
  }
  const sources = await Promise.all(loaded.files.map(async (file) => ({ file, text: await readFile(file, 'utf8') })))
  const { warnings, accepted } = lintSources(sources)
  for (const warning of warnings) err.write(`${formatWarning(warning)}\n`)
  const silenced = accepted === 0 ? '' : ` (${accepted} accepted in acceptedWarnings)`
  if (warnings.length > 0) {
    err.write(`${warnings.length} warning(s) in ${dir}${silenced}\n`)
    return 1
  }
  out.write(`${summary}, no warnings${silenced}\n`)
  return 0
}

/** Parses a command's own arguments; unknown options are a usage error (exit 2), not ignored. */
function commandArgs<T extends ParseArgsConfig['options']> (args: string[], options: T) {
  try {
    return parseArgs({ args, allowPositionals: true, options, strict: true })
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n${USAGE}`)
    return undefined
  }
}

export async function run (argv: string[]): Promise<number> {
  // A first argument that is an option means `serve` with options: `mail-autoconfig --port 8080`.
  const first = argv[0]
  const command = first === undefined || first.startsWith('-') ? 'serve' : first
  const rest = first === command ? argv.slice(1) : argv
  switch (command) {
    case 'serve':
      await serve(rest)
      return process.exitCode === undefined ? 0 : Number(process.exitCode)
    case 'check': {
      const parsed = commandArgs(rest, { strict: { type: 'boolean', default: false } })
      if (parsed === undefined) return 2
      return check(parsed.positionals[0] ?? process.env.PROVIDERS_DIR ?? BUNDLED_PROVIDERS_DIR, process.stdout, process.stderr, { strict: parsed.values.strict })
    }
    case 'import': {
      const parsed = commandArgs(rest, { out: { type: 'string', default: 'providers' }, force: { type: 'boolean', default: false } })
      if (parsed === undefined) return 2
      const { values, positionals: inputs } = parsed
      if (inputs.length !== 1) {
        process.stderr.write(`import takes one file or directory\n${USAGE}`)
        return 2
      }
      return runImport({ input: inputs[0]!, out: values.out, force: values.force }, process.stdout, process.stderr)
    }
    case 'export': {
      const parsed = commandArgs(rest, { out: { type: 'string', default: 'autoconfig-export' } })
      if (parsed === undefined) return 2
      const providersDir = parsed.positionals[0] ?? process.env.PROVIDERS_DIR ?? BUNDLED_PROVIDERS_DIR
      return runExport({ providersDir, out: parsed.values.out }, process.stdout, process.stderr)
    }
    case 'dns': {
      // `dns <domain>`, then its own two flags among the settings' (PROVIDERS_DIR, PUBLIC_BASE_URL, DNS_SERVERS, …).
      const [domain, ...options] = rest
      if (domain === undefined || domain.startsWith('-')) {
        process.stderr.write(`dns takes a domain first: mail-autoconfig dns example.com\n${USAGE}`)
        return 2
      }
      const own = (flag: string) => options.includes(flag)
      let config: Config
      try {
        config = loadConfig(process.env, options.filter((option) => option !== '--json' && option !== '--check'))
      } catch (error) {
        if (!(error instanceof ConfigError)) throw error
        process.stderr.write(`${error.message}\n`)
        return 1
      }
      return runDns({ domain, json: own('--json'), check: own('--check'), config }, process.stdout, process.stderr)
    }
    case 'help':
      process.stdout.write(USAGE)
      return 0
    default:
      process.stderr.write(`unknown command "${command}"\n${USAGE}`)
      return 2
  }
}
