import { readFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import SwaggerParser from '@apidevtools/swagger-parser'
import t from 'tap'
import { parse } from 'yaml'
import { OPENAPI_FILE, openapiYaml } from '../../src/cli/openapi-document.ts'
import { HOME_PATH, SETTINGS_PATH } from '../../src/http/paths.ts'
import { build } from '../helper.ts'

const COMMITTED = fileURLToPath(new URL(`../../${OPENAPI_FILE}`, import.meta.url))

interface Operation { responses: Record<string, { description: string, content?: Record<string, unknown> }>, tags?: string[] }
type Document = { openapi: string, paths: Record<string, Record<string, Operation>> }

/** Every route Fastify has, from its route tree (`printRoutes` with full paths), as `METHOD /path/{param}`. */
function registeredRoutes (tree: string): string[] {
  const routes: string[] = []
  const stack: string[] = []
  for (const line of tree.split('\n')) {
    const match = /^([│ ]*)[├└]── (.*?) \(([A-Z, ]+)\)$/.exec(line)
    if (match === null) continue
    const depth = match[1]!.length / 4
    stack.length = depth
    stack.push(match[2]!)
    const path = stack.join('').replace(/:(\w+)/g, '{$1}')
    for (const method of match[3]!.split(', ')) routes.push(`${method} ${path}`)
  }
  return routes
}

t.test('openapi.yaml is exactly what the server generates (run `npm run generate` after changing a route)', async (t) => {
  t.equal(await readFile(COMMITTED, 'utf8'), await openapiYaml())
})

t.test('openapi.yaml is a valid OpenAPI 3.1 document', async (t) => {
  const text = await readFile(COMMITTED, 'utf8')
  t.notMatch(text, /: [&*]a\d+$/m, 'plain YAML, no anchors or aliases for readers and tools to resolve')
  const doc = parse(text) as Document
  t.equal(doc.openapi, '3.1.0')
  const validated = await SwaggerParser.validate(structuredClone(doc) as never)
  t.ok(validated, 'swagger-parser accepts it, $refs and all')
})

t.test('every route is documented with its real statuses and media types', async (t) => {
  const app = await build(t)
  const doc = parse(await readFile(COMMITTED, 'utf8')) as Document
  const documented = new Set(Object.entries(doc.paths).flatMap(([path, item]) => Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`)))
  const routes = registeredRoutes(app.printRoutes({ commonPrefix: false }))
    // HEAD mirrors GET; OPTIONS is the CORS preflight; /docs is the documentation's own user interface, and the
    // settings page (/, /settings and its /assets/*, a wildcard that printRoutes shows as /*) is one for people.
    .filter((route) => !route.startsWith('HEAD ') && !route.startsWith('OPTIONS ') && !/ \/docs\b/.test(route))
    .filter((route) => ![`GET ${HOME_PATH}`, `GET ${SETTINGS_PATH}`, 'GET /*'].includes(route))
  t.ok(routes.length >= 9, `found the routes: ${routes.join(', ')}`)
  for (const route of routes) t.ok(documented.has(route), `${route} is in openapi.yaml`)

  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, operation] of Object.entries(item)) {
      const name = `${method.toUpperCase()} ${path}`
      t.ok(operation.tags?.length, `${name} has a tag`)
      // Autodiscover answers errors in its clients' own formats (routes/autodiscover.ts, autodiscover-json.ts).
      const errorType = operation.tags?.includes('autodiscover') === true ? (path.endsWith('.xml') ? 'application/xml' : 'application/json') : 'application/problem+json'
      for (const [status, response] of Object.entries(operation.responses)) {
        t.not(response.description, 'Default Response', `${name} ${status} is described`)
        const types = Object.keys(response.content ?? {})
        if (status === '304' || status === '302') t.same(types, [], `${name} ${status} has no body`)
        else if (Number(status) >= 400) t.same(types, [errorType], `${name} ${status} is a ${errorType} error`)
        else t.equal(types.length, 1, `${name} ${status} has one media type`)
      }
    }
  }

  const mediaType = (path: string, status: string) => Object.keys(doc.paths[path]!.get!.responses[status]!.content ?? {})[0]
  t.equal(mediaType('/mail/config-v1.1.xml', '200'), 'application/xml')
  t.equal(mediaType('/.well-known/autoconfig/mail/config-v1.1.xml', '200'), 'application/xml')
  t.equal(mediaType('/v1.1/{domain}', '200'), 'application/xml')
  t.same(Object.keys(doc.paths['/mail/config-v1.1.xml']!.get!.responses), ['200', '304', '400', '404', '429'])
  t.equal(mediaType('/api/v1/lookup', '200'), 'application/json')
  t.same(Object.keys(doc.paths['/api/v1/lookup']!.get!.responses), ['200', '304', '400', '404', '429'])
  t.same(Object.keys(doc.paths['/api/v1/providers']!.get!.responses), ['200', '304', '400', '429'])
  t.same(Object.keys(doc.paths['/api/v1/providers/{id}']!.get!.responses), ['200', '304', '404', '429'])
  t.same(Object.keys(doc.paths['/api/v1/domains/{domain}']!.get!.responses), ['200', '304', '400', '404', '429'])
  t.equal(mediaType('/openapi.yaml', '200'), 'application/yaml')
  t.same(Object.keys(doc.paths['/autodiscover/autodiscover.xml']!.post!.responses), ['200', '404', '413', '429'])
  const requestBody = (doc.paths['/autodiscover/autodiscover.xml']!.post! as Operation & { requestBody?: { content: Record<string, unknown> } }).requestBody
  t.same(Object.keys(requestBody?.content ?? {}), ['text/xml', 'application/xml'], 'the Outlook request body is documented')
  t.same(Object.keys(doc.paths['/autodiscover/autodiscover.xml']!.get!.responses), ['200', '302', '429'])
  for (const path of ['/autodiscover/autodiscover.json', '/autodiscover/autodiscover.json/v1.0/{email}']) {
    t.equal(mediaType(path, '200'), 'application/json')
    t.same(Object.keys(doc.paths[path]!.get!.responses), ['200', '400', '404', '429'])
  }
})

t.test('the served document is the committed one', async (t) => {
  const app = await build(t)
  const committed = await readFile(COMMITTED, 'utf8')
  const yaml = await app.inject({ url: '/openapi.yaml' })
  t.equal(yaml.statusCode, 200)
  t.equal(yaml.headers['content-type'], 'application/yaml; charset=utf-8')
  t.equal(yaml.body, committed)
  const json = await app.inject({ url: '/openapi.json' })
  t.equal(json.headers['content-type'], 'application/json; charset=utf-8')
  t.same(json.json(), parse(committed))
  for (const [url, res] of [['/openapi.yaml', yaml], ['/openapi.json', json]] as const) {
    t.ok(res.headers.etag)
    t.equal(res.headers['cache-control'], 'public, max-age=300')
    const again = await app.inject({ url, headers: { 'if-none-match': res.headers.etag as string } })
    t.equal(again.statusCode, 304, `${url} answers conditional GETs`)
  }
})
