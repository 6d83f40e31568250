/**
 * Shares the provider lookup with every route as `app.providers`. A decorator shared across encapsulated route
 * plugins is the one case for fastify-plugin (https://fastify.dev/docs/latest/Reference/Plugins/#handle-the-scope).
 */
import fp from 'fastify-plugin'
import type { ProviderLookup } from '../../catalog/lookup.ts'

declare module 'fastify' {
  interface FastifyInstance {
    /** Which provider serves a domain; holds the current catalog. */
    providers: ProviderLookup
  }
}

export const providersPlugin = fp<{ lookup: ProviderLookup }>(async (app, { lookup }) => {
  app.decorate('providers', lookup)
}, { fastify: '5.x', name: 'providers' })
