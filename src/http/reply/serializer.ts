/**
 * Response serialization through the route's own schema. Routes declare responses in zod (one source for the
 * OpenAPI document and for types); this compiler turns each response schema into JSON Schema once, at start-up,
 * and compiles it with fast-json-stringify, the serializer Fastify uses for JSON Schema routes
 * (https://fastify.dev/docs/latest/Reference/Validation-and-Serialization/#serialization).
 *
 * Why not fastify-type-provider-zod's own serializer: it re-validates every response with zod and then calls
 * JSON.stringify, several times the cost of a compiled serializer on the API's hot path. Types already guarantee
 * the shapes we send; what the schema adds here is that only documented members reach the client (objects are
 * `additionalProperties: false` unless a schema says otherwise), in the documented order.
 */
import type { FastifySerializerCompiler } from 'fastify'
import fastJson, { type Schema } from 'fast-json-stringify'
import * as z from 'zod'

/** The JSON Schema a zod schema serializes to: what the schema promises about its output. */
export function outputJsonSchema (schema: z.ZodType): Record<string, unknown> {
  const { $schema: _dialect, ...json } = z.toJSONSchema(schema, { io: 'output', target: 'draft-2020-12', unrepresentable: 'any' })
  return json
}

/** A compiled serializer for values of a zod schema's output type. */
export function compileSerializer<S extends z.ZodType> (schema: S): (value: z.output<S>) => string {
  return fastJson(outputJsonSchema(schema) as unknown as Schema)
}

/**
 * Fastify's serializer compiler: accepts a zod schema (every route here) or a plain JSON Schema (plugins' routes).
 * Fastify asks for a serializer for every route and status at start-up, some hundred of them, most of which
 * (error answers, documentation routes) a process may never use; each is compiled when first used instead, which
 * takes a few milliseconds once and keeps them off the time to readiness.
 */
export const serializerCompiler: FastifySerializerCompiler<unknown> = ({ schema }) => {
  let serialize: ((value: unknown) => string) | undefined
  return (value: unknown) => {
    serialize ??= schema instanceof z.ZodType ? compileSerializer(schema) : fastJson(schema as Schema)
    return serialize(value)
  }
}
