import { readFile } from 'node:fs/promises'
import t from 'tap'
import { PROVIDER_SCHEMA_PATH, providerJsonSchema } from '../../src/model/json-schema.ts'

t.test('schema/provider.schema.json is what the zod schema generates (run `npm run generate` after a change)', async (t) => {
  const committed = await readFile(new URL(`../../${PROVIDER_SCHEMA_PATH}`, import.meta.url), 'utf8')
  t.equal(committed, providerJsonSchema())
})

t.test('the JSON Schema refuses unknown keys, as the loader does', async (t) => {
  const schema = JSON.parse(providerJsonSchema())
  t.equal(schema.additionalProperties, false)
  t.same(schema.required, ['name', 'domains', 'incoming', 'outgoing'])
  t.equal(schema.properties.incoming.items.additionalProperties, false)
})
