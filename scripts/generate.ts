/** Regenerates the committed, generated files: `npm run generate`. Tests fail when they drift. */
import { writeFile } from 'node:fs/promises'
import { PROVIDER_SCHEMA_PATH, providerJsonSchema } from '../src/model/json-schema.ts'
import { OPENAPI_FILE, openapiYaml } from '../src/cli/openapi-document.ts'

await writeFile(PROVIDER_SCHEMA_PATH, providerJsonSchema())
process.stdout.write(`wrote ${PROVIDER_SCHEMA_PATH}\n`)
await writeFile(OPENAPI_FILE, await openapiYaml())
process.stdout.write(`wrote ${OPENAPI_FILE}\n`)
