#!/usr/bin/env node
/**
 * The command line: `mail-autoconfig serve` (the default) starts the server; `mail-autoconfig check [dir]`
 * validates provider files exactly as start-up does and exits 1 on any problem.
 */
import { parseArgs } from 'node:util'
import { loadProviders } from './catalog/load.ts'
import { formatProblem } from './catalog/report.ts'
import { BUNDLED_PROVIDERS_DIR } from './config.ts'
import { isMainModule } from './main-module.ts'
import { main as serve } from './server.ts'

const USAGE = `Usage:
  mail-autoconfig [serve]          start the server (configured by HOST, PORT, PROVIDERS_DIR, LOG_LEVEL)
  mail-autoconfig check [dir]      validate provider files (default: PROVIDERS_DIR or the bundled providers)
  mail-autoconfig help             show this text
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
  const { positionals } = parseArgs({ args: argv, allowPositionals: true, strict: false })
  const [command = 'serve', ...rest] = positionals
  switch (command) {
    case 'serve':
      await serve()
      return process.exitCode === undefined ? 0 : Number(process.exitCode)
    case 'check':
      return check(rest[0] ?? process.env.PROVIDERS_DIR ?? BUNDLED_PROVIDERS_DIR)
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
