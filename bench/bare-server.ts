/**
 * The yardstick: a bare Fastify server whose routes answer fixed bodies, of the mean size, status and content type
 * of the real server's answers (BARE_ROUTES, JSON). No logging, no hooks, no plugins: what Fastify itself costs.
 * POST bodies are read as a Buffer and dropped, the least any route accepting a body must do.
 */
import Fastify from 'fastify'
import type { BareRoute } from './mirror.ts'

const routes = JSON.parse(process.env.BARE_ROUTES ?? '[]') as BareRoute[]
const app = Fastify({ logger: false })
app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body))
for (const route of routes) {
  const body = Buffer.alloc(route.bytes, 'x')
  app.route({ method: route.method, url: route.path, handler: (_request, reply) => reply.code(route.status).type(route.contentType).send(body) })
}
await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT ?? 0) })
process.on('SIGTERM', () => { app.close().then(() => process.exit(0), () => process.exit(1)) })
