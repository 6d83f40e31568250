/**
 * Starts the process: configuration, providers, app, listen. Refuses to start on any provider problem and prints
 * every one of them, so nothing half-loaded is ever served.
 */
import closeWithGrace from 'close-with-grace'
import { buildApp } from './app.ts'
import { loadProviders } from './catalog/load.ts'
import { ProviderLookup } from './catalog/lookup.ts'
import { formatProblem } from './catalog/report.ts'
import { ConfigError, loadConfig, type Config } from './config.ts'
import { warmAutoconfig } from './http/prepared-autoconfig.ts'
import { warmAutodiscover } from './http/prepared-autodiscover.ts'
import { isMainModule } from './main-module.ts'

export async function startServer (config: Config): Promise<void> {
  const loaded = await loadProviders(config.PROVIDERS_DIR)
  if (!loaded.ok) {
    for (const problem of loaded.problems) process.stderr.write(`${formatProblem(problem)}\n`)
    process.stderr.write(`${loaded.problems.length} problem(s) in ${config.PROVIDERS_DIR}; not starting.\n`)
    process.exitCode = 1
    return
  }
  warmAutoconfig(loaded.catalog.providers.values())
  warmAutodiscover(loaded.catalog.providers.values())
  const app = await buildApp({ lookup: new ProviderLookup(loaded.catalog), logger: { level: config.LOG_LEVEL } })
  closeWithGrace({ delay: 10_000 }, async ({ err }) => {
    if (err !== undefined) app.log.error({ err }, 'stopping after an error')
    await app.close()
  })
  const address = await app.listen({ host: config.HOST, port: config.PORT })
  const base = address.replace('://0.0.0.0', '://localhost').replace('://[::]', '://localhost')
  app.log.info(`${loaded.catalog.providers.size} providers, ${loaded.catalog.domainCount} domains from ${config.PROVIDERS_DIR}`)
  process.stdout.write(`mail-autoconfig is listening on ${address}\nTry: curl '${base}/mail/config-v1.1.xml?emailaddress=alice@gmail.com'\n`)
}

export async function main (): Promise<void> {
  let config: Config
  try {
    config = loadConfig()
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error
    process.stderr.write(`${error.message}\n`)
    process.exitCode = 1
    return
  }
  await startServer(config)
}

if (isMainModule(import.meta.url)) await main()
