/**
 * The OpenAPI 3.1 document, generated from the routes' own zod schemas by @fastify/swagger, served at
 * /openapi.json and /openapi.yaml, committed as openapi.yaml (`npm run generate`; a test fails when it drifts),
 * and browsable at /docs (@fastify/swagger-ui, served from the package: no outside network).
 *
 * Registered before any route: @fastify/swagger learns routes from an onRoute hook, so a route added earlier
 * would be missing from the document. fastify-plugin keeps that hook on the root instance.
 */
import swagger, { type SwaggerTransformObject } from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { createJsonSchemaTransform } from 'fastify-type-provider-zod'
import * as z from 'zod'
import { conditionalGet } from '../reply/conditional-get.ts'
import { VERSION } from '../../version.ts'
import { documentResponse, jsonResponse, notModifiedResponse, problemResponses, type ContentResponse } from '../reply/responses.ts'

export const DOCS_PREFIX = '/docs'
export const OPENAPI_JSON_PATH = '/openapi.json'
export const OPENAPI_YAML_PATH = '/openapi.yaml'
/** RFC 9512. */
export const YAML_CONTENT_TYPE = 'application/yaml; charset=utf-8'
const DOCUMENT_CACHE_CONTROL = 'public, max-age=300'

const TAGS = [
  { name: 'autoconfig', description: 'Mozilla autoconfig (config-v1.1 XML), asked by Thunderbird and the clients that follow it' },
  { name: 'autodiscover', description: 'Microsoft autodiscover, asked by Outlook and the clients that follow it' },
  { name: 'api', description: 'The JSON API: the same settings for web pages, tools, apps and scripts' },
  { name: 'apple', description: 'Apple configuration profiles (.mobileconfig), installed by people on iPhone, iPad and Mac' },
  { name: 'operations', description: 'Health and metrics for operators' },
  { name: 'meta', description: 'This document' },
]

const DESCRIPTION = [
  'Mail clients configure themselves from this server: it answers Mozilla autoconfig and Microsoft autodiscover requests, serves Apple configuration profiles, and offers the same settings as JSON under `/api/v1`, from declarative provider files.',
  'Every error is `application/problem+json` (RFC 9457) with a permanent `code`. GET answers carry an `ETag` and `Cache-Control`; send the tag back in `If-None-Match` to get a `304` (Apple profiles, made for one address, are `no-store` instead).',
].join('\n\n')

const zodTransform = createJsonSchemaTransform({ skipList: [] })

/**
 * fastify-type-provider-zod turns the zod schemas into JSON Schema; the response headers a route documents
 * (reply/responses.ts `headers`) are plain JSON Schema and are carried over here, where that transform drops them.
 */
type BodyByMediaType = { content: Record<string, { schema: z.ZodType }> }

function isBodyByMediaType (body: unknown): body is BodyByMediaType {
  return typeof body === 'object' && body !== null && !(body instanceof z.ZodType) && 'content' in body
}

const transform: typeof zodTransform = (document) => {
  // A body given per media type (`{ content: { 'text/xml': { schema } } }`) is converted here; the zod transform
  // only takes a single zod schema.
  const body = document.schema?.body
  const byMediaType = isBodyByMediaType(body) ? body : undefined
  const transformed = zodTransform(byMediaType === undefined ? document : { ...document, schema: { ...document.schema, body: undefined } })
  if (byMediaType !== undefined) {
    transformed.schema.body = {
      content: Object.fromEntries(Object.entries(byMediaType.content).map(([mediaType, { schema }]) => {
        const { $schema: _dialect, ...json } = z.toJSONSchema(schema, { io: 'input', target: 'draft-2020-12', unrepresentable: 'any' })
        return [mediaType, { schema: json }]
      })),
    }
  }
  // Routes often share one `tags` array; a shared object would come out as a YAML anchor and alias (&a1, *a1).
  if (Array.isArray(transformed.schema.tags)) transformed.schema.tags = [...transformed.schema.tags]
  const original = document.schema?.response as Record<string, Partial<ContentResponse>> | undefined
  const response = transformed.schema.response as Record<string, Record<string, unknown>> | undefined
  if (original !== undefined && response !== undefined) {
    for (const [status, entry] of Object.entries(original)) {
      if (entry.headers !== undefined && response[status] !== undefined) response[status].headers = entry.headers
    }
  }
  return transformed
}

/** Named components: every schema registered with an `id` (`.meta({ id })`), as the API serializes it. */
function components (): Record<string, unknown> {
  const { schemas } = z.toJSONSchema(z.globalRegistry, {
    io: 'output',
    target: 'draft-2020-12',
    unrepresentable: 'any',
    uri: (id) => `#/components/schemas/${id}`,
  })
  return Object.fromEntries(Object.entries(schemas).map(([id, schema]) => {
    const { $id: _id, $schema: _dialect, ...rest } = schema
    return [id, rest]
  }))
}

const transformObject: SwaggerTransformObject = (document) => {
  if (!('openapiObject' in document)) throw new Error('only OpenAPI 3 documents are generated')
  const { openapiObject } = document
  const schemas = { ...openapiObject.components?.schemas, ...components() }
  return { ...openapiObject, components: { ...openapiObject.components, schemas } } as ReturnType<SwaggerTransformObject>
}

const openapiPluginImpl = async (app: FastifyInstance): Promise<void> => {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'mail-autoconfig',
        version: VERSION,
        description: DESCRIPTION,
        license: { name: 'MIT', identifier: 'MIT' },
      },
      tags: TAGS,
    },
    transform,
    transformObject,
  })

  await app.register(swaggerUi, {
    routePrefix: DOCS_PREFIX,
    theme: { title: 'mail-autoconfig API' },
    uiConfig: { deepLinking: true, docExpansion: 'list', defaultModelsExpandDepth: 0 },
  })

  await app.register(documentRoutes)
}

/** /openapi.json and /openapi.yaml, rendered once (the routes cannot change after start-up). */
async function documentRoutes (app: FastifyInstance): Promise<void> {
  app.addHook('onSend', conditionalGet)
  let json: string | undefined
  let yaml: string | undefined

  app.get(OPENAPI_JSON_PATH, {
    schema: {
      tags: ['meta'],
      summary: 'This OpenAPI document, as JSON',
      response: { 200: jsonResponse(z.looseObject({ openapi: z.string() }), 'The OpenAPI 3.1 document'), 304: notModifiedResponse, ...problemResponses() },
    },
  }, async (_request, reply) => {
    json ??= JSON.stringify(app.swagger())
    return reply.header('cache-control', DOCUMENT_CACHE_CONTROL).type('application/json; charset=utf-8').send(json)
  })

  app.get(OPENAPI_YAML_PATH, {
    schema: {
      tags: ['meta'],
      summary: 'This OpenAPI document, as YAML (the committed openapi.yaml)',
      response: { 200: documentResponse('application/yaml', 'The OpenAPI 3.1 document'), 304: notModifiedResponse, ...problemResponses() },
    },
  }, async (_request, reply) => {
    yaml ??= app.swagger({ yaml: true })
    return reply.header('cache-control', DOCUMENT_CACHE_CONTROL).type(YAML_CONTENT_TYPE).send(yaml)
  })
}

export const openapiPlugin = fp(openapiPluginImpl, { fastify: '5.x', name: 'openapi' })
