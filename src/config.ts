/**
 * Process configuration from environment variables, validated at start-up. A bad value stops the process with
 * one line naming the variable and what it accepts. HOST, PORT and PROVIDERS_DIR are the contract for scripts
 * and containers.
 */
import { fileURLToPath } from 'node:url'
import { z } from 'zod'

/** The providers shipped with the package: `<package root>/providers`, from both src/ and dist/. */
export const BUNDLED_PROVIDERS_DIR = fileURLToPath(new URL('../providers', import.meta.url))

const configSchema = z.object({
  HOST: z.string().min(1).default('0.0.0.0'),
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  PROVIDERS_DIR: z.string().min(1).default(BUNDLED_PROVIDERS_DIR),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
})

export type Config = z.output<typeof configSchema>

export class ConfigError extends Error {}

export function loadConfig (env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = configSchema.safeParse(env)
  if (parsed.success) return parsed.data
  const lines = parsed.error.issues.map((issue) => {
    const name = String(issue.path[0] ?? 'environment')
    return `${name}=${JSON.stringify(env[name] ?? '')} is not valid: ${issue.message}`
  })
  throw new ConfigError(lines.join('\n'))
}
