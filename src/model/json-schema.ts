/**
 * The JSON Schema of a provider file, generated from the zod schema so the two cannot disagree. Editors use the
 * committed copy at schema/provider.schema.json (`# yaml-language-server: $schema=…`); a test fails if it drifts.
 */
import * as z from 'zod'
import { providerSchema } from './provider.ts'

export const PROVIDER_SCHEMA_PATH = 'schema/provider.schema.json'

export function providerJsonSchema (): string {
  const schema = z.toJSONSchema(providerSchema, { io: 'input', target: 'draft-2020-12' })
  return `${JSON.stringify({ ...schema, title: 'mail-autoconfig provider file' }, null, 2)}\n`
}
