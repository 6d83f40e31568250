import t from 'tap'
import * as z from 'zod'
import { compileSerializer, outputJsonSchema, serializerCompiler } from '../../../src/http/reply/serializer.ts'

const item = z.object({ name: z.string(), note: z.string().optional() }).meta({ id: 'SerializerTestItem' })
const page = z.object({ items: z.array(item), total: z.int() })

t.test('serializes only the documented members, with JSON escaping', async (t) => {
  const serialize = compileSerializer(page)
  const value = { items: [{ name: 'a "quoted" </script>\u2028', secret: 'x' }, { name: 'b', note: 'n' }], total: 2, password: 'hunter2' }
  const json = serialize(value as z.output<typeof page>)
  t.same(JSON.parse(json), { items: [{ name: 'a "quoted" </script>\u2028' }, { name: 'b', note: 'n' }], total: 2 })
  t.notMatch(json, /hunter2|secret/)
})

t.test('a missing required member is an error, not a silent gap', async (t) => {
  const serialize = compileSerializer(page)
  t.throws(() => serialize({ items: [] } as unknown as z.output<typeof page>))
})

t.test('registered schemas become local $defs, as the OpenAPI document names them', async (t) => {
  const json = outputJsonSchema(page) as { properties: { items: { items: { $ref: string } } }, $defs: Record<string, unknown>, $schema?: string }
  t.equal(json.properties.items.items.$ref, '#/$defs/SerializerTestItem')
  t.ok(json.$defs.SerializerTestItem)
  t.equal(json.$schema, undefined, 'no dialect marker')
})

t.test('Fastify\'s compiler takes zod schemas and plain JSON Schema', async (t) => {
  const fromZod = serializerCompiler({ schema: page, method: 'GET', url: '/', httpStatus: '200' })
  t.equal(fromZod({ items: [], total: 0, extra: 1 }), '{"items":[],"total":0}')
  const fromJson = serializerCompiler({ schema: { type: 'object', properties: { ok: { type: 'boolean' } } }, method: 'GET', url: '/', httpStatus: '200' })
  t.equal(fromJson({ ok: true, extra: 1 }), '{"ok":true}')
})
