#!/usr/bin/env node
/**
 * The command line: `mail-autoconfig serve` (the default) starts the server; `mail-autoconfig check [dir]`
 * validates provider files exactly as start-up does and exits 1 on any problem.
 */
import { loadProviders } from './catalog/load.ts'
import { formatProblem } from './catalog/report.ts'
import { BUNDLED_PROVIDERS_DIR, flagFor, SETTING_NAMES, SETTINGS } from './config.ts'
import { isMainModule } from './main-module.ts'
import { main as serve } from './server.ts'

const USAGE = `Usage:
  mail-autoconfig [serve] [options]   start the server
  mail-autoconfig check [dir]         validate provider files (default: PROVIDERS_DIR or the bundled providers)
  mail-autoconfig help                show this text

Options of serve (each also an environment variable; the option wins; see README.md for defaults):
${SETTING_NAMES.map((name) => `  ${flagFor(name).padEnd(22)} ${name.padEnd(18)} ${SETTINGS[name].allowed}`).join('\n')}
`

export async function check (dir: string, out: NodeJS.WritableStream = process.stdout, err: NodeJS.WritableStream = process.stderr): Promise<number> {
  const loaded = await loadProviders(dir)
  if (!loaded.ok) {
    for (const problem of loaded.problems) err.write(`${formatProblem(problem)}\n`)
    err.write(`${loaded.problems.length} problem(s) in ${dir}\n`)
    return 1
  }
  out.write(`${dir}: ${loaded.catalog.providers.size} providers, ${loaded.catalog.domainCount} domains, no problems\n`)
  return 0
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
    case 'check':
      return check(rest.find((arg) => !arg.startsWith('-')) ?? process.env.PROVIDERS_DIR ?? BUNDLED_PROVIDERS_DIR)
    case 'help':
      process.stdout.write(USAGE)
      return 0
    default:
      process.stderr.write(`unknown command "${command}"\n${USAGE}`)
      return 2
  }
}

if (isMainModule(import.meta.url)) {
  const exitCode = await run(process.argv.slice(2))
  if (exitCode !== 0) process.exitCode = exitCode
}
