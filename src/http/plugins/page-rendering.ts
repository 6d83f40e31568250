/**
 * What the settings page needs to answer: eta templates through @fastify/view (https://github.com/fastify/point-of-view),
 * every `<%= %>` escaped (eta's autoEscape, on by default and set here so it stays on); the stylesheet and the
 * copy-button script through @fastify/static (https://github.com/fastify/fastify-static) under PAGE_ASSETS_PREFIX;
 * and Accept-Language negotiation through @fastify/accepts (https://github.com/fastify/fastify-accepts). Registered
 * inside the page's own route plugin, so nothing here reaches the other routes.
 */
import fastifyAccepts from '@fastify/accepts'
import fastifyStatic from '@fastify/static'
import fastifyView from '@fastify/view'
import { Eta } from 'eta'
import fp from 'fastify-plugin'
import { PUBLIC_DIR, VIEWS_DIR } from '../../page-files.ts'
import { HOME_PATH, PAGE_ASSETS_PREFIX, SETTINGS_PATH } from '../paths.ts'
import { DOCS_PREFIX } from './openapi.ts'

/** The assets change with a release only; an hour, then a revalidation with their ETag. */
const ASSETS_MAX_AGE = '1h'

export const pageRenderingPlugin = fp(async (app) => {
  await app.register(fastifyView, {
    engine: { eta: new Eta({ views: VIEWS_DIR, autoEscape: true }) },
    templates: VIEWS_DIR,
    // The paths the templates link to, from the one place that names them.
    defaultContext: { assets: PAGE_ASSETS_PREFIX, homePath: HOME_PATH, settingsPath: SETTINGS_PATH, docsPath: DOCS_PREFIX },
    // The templates ship with the code and never change while it runs: compiled once, kept.
    production: true,
  })
  await app.register(fastifyStatic, {
    root: PUBLIC_DIR,
    prefix: PAGE_ASSETS_PREFIX,
    // Routes answer with reply.viewAsync; nothing needs reply.sendFile, which swagger-ui's own copy decorates.
    decorateReply: false,
    index: false,
    maxAge: ASSETS_MAX_AGE,
  })
  await app.register(fastifyAccepts)
}, { fastify: '5.x', name: 'page-rendering' })
