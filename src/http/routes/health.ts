/**
 * Operational routes for orchestrators and monitoring: `/healthz` (the process answers: restart me if not),
 * `/readyz` (providers are loaded and we are not stopping: send me traffic) and `/metrics` (Prometheus text).
 * They are `config.operational`: never rate-limited, not counted in the request metrics, and answered while
 * providers load. Kubernetes probe semantics: https://kubernetes.io/docs/concepts/configuration/liveness-readiness-startup-probes/
 */
import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import * as z from 'zod'
import { sendProblem } from '../error-handler.ts'
import { PROBLEM_MEDIA_TYPE, problemSchema } from '../reply/responses.ts'
import { HEALTH_PATH, METRICS_PATH, READY_PATH } from '../paths.ts'

/** What prom-client's registry answers with. */
const PROMETHEUS_MEDIA_TYPE = 'text/plain; version=0.0.4'

const OPERATIONAL = { operational: true, rateLimit: false } as const
const TAGS = ['operations']

const healthBody = z.object({ status: z.literal('ok') })
const readyBody = z.object({
  status: z.literal('ready'),
  providers: z.int().min(0).describe('Providers in the catalog being served'),
  domains: z.int().min(0).describe('Domains and wildcard domains in that catalog'),
})
/** Operational answers are never cached, so unlike the documents they carry no ETag or Cache-Control. */
function answer (mediaType: string, schema: z.ZodType, description: string) {
  return { description, content: { [mediaType]: { schema } } }
}
const notReady = answer(PROBLEM_MEDIA_TYPE, problemSchema, '`NOT_READY`: providers are still loading or the server is shutting down; `state` says which (`loading` or `stopping`)')

export async function healthRoutes (app: FastifyInstance): Promise<void> {
  const typed = app.withTypeProvider<ZodTypeProvider>()

  typed.get(HEALTH_PATH, {
    config: OPERATIONAL,
    logLevel: 'warn',
    schema: {
      tags: TAGS,
      summary: 'Liveness: the process is up and answering',
      response: { 200: answer('application/json', healthBody, 'The process is up') },
    },
  }, async () => ({ status: 'ok' as const }))

  typed.get(READY_PATH, {
    config: OPERATIONAL,
    logLevel: 'warn',
    schema: {
      tags: TAGS,
      summary: 'Readiness: providers are loaded and the server is not shutting down (503 otherwise)',
      response: { 200: answer('application/json', readyBody, 'Ready for traffic: the size of the catalog being served'), 503: notReady },
    },
  }, async (_request, reply) => {
    const { state } = app.readiness
    if (state !== 'ready') {
      const detail = state === 'loading' ? 'Providers are still loading.' : 'The server is shutting down.'
      return sendProblem(reply, 'NOT_READY', detail, { state })
    }
    const { catalog } = app.providers
    return { status: 'ready' as const, providers: catalog.providers.size, domains: catalog.domainCount }
  })

  typed.get(METRICS_PATH, {
    config: OPERATIONAL,
    logLevel: 'warn',
    schema: {
      tags: TAGS,
      summary: 'Prometheus metrics: requests by kind and outcome, latency, catalog size, reloads',
      response: { 200: answer(PROMETHEUS_MEDIA_TYPE, z.string(), 'Prometheus text exposition format 0.0.4 (https://prometheus.io/docs/instrumenting/exposition_formats/)') },
    },
  }, async (_request, reply) => {
    const text = await app.metrics.registry.metrics()
    return reply.type(app.metrics.registry.contentType).send(text)
  })
}
