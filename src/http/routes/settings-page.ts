/**
 * The settings page for people: `GET /` shows one field for an address, and `GET /settings?email=` (what the form
 * submits, so it works without JavaScript) the settings a person types by hand, made from the provider file by
 * render/settings-page.ts and the templates in src/views/. A bad address answers 400 with the form and the reason,
 * an unknown domain 404 with what to try; both as pages, not problem documents, since a person reads them. The
 * routes are hidden from the OpenAPI document: they are not part of the API.
 */
import type { FastifyInstance, FastifyReply } from 'fastify'
import { parseEmailAddress } from '../../model/email-address.ts'
import { addressProblem, PAGE_LANGUAGE, providerLanguages, settingsPage } from '../../render/settings-page.ts'
import { HOME_PATH, MOBILECONFIG_PATH, SETTINGS_PATH } from '../paths.ts'
import { pageRenderingPlugin } from '../plugins/page-rendering.ts'
import { parsePublicBaseUrl, publicBaseUrl } from '../reply/public-base-url.ts'
import { NOT_FOUND_CACHE_CONTROL } from '../reply/unknown-domain.ts'

export interface SettingsPageOptions {
  /** This server's public URL, for the Apple profile's QR code; derived from each request when unset. */
  publicBaseUrl?: string | undefined
}

/** Provider data changes with a reload; as long as the API's answers are kept. */
export const PAGE_CACHE_CONTROL = 'public, max-age=300'
const HTML = 'text/html; charset=utf-8'
const HIDDEN = { hide: true } as const

interface SettingsQuery { Querystring: { email?: string | string[] } }

function addVary (reply: FastifyReply, header: string): void {
  const vary = reply.getHeader('vary')
  reply.header('vary', vary === undefined || vary === '' ? header : `${String(vary)}, ${header}`)
}

export async function settingsPageRoutes (app: FastifyInstance, options: SettingsPageOptions): Promise<void> {
  await app.register(pageRenderingPlugin)
  const configuredBaseUrl = options.publicBaseUrl === undefined ? undefined : parsePublicBaseUrl(options.publicBaseUrl)

  app.get(HOME_PATH, { schema: HIDDEN }, async (_request, reply) => {
    reply.type(HTML).header('cache-control', PAGE_CACHE_CONTROL)
    return reply.viewAsync('home', { email: '', problem: undefined })
  })

  app.get<SettingsQuery>(SETTINGS_PATH, { schema: HIDDEN }, async (request, reply) => {
    const given = request.query.email
    const text = typeof given === 'string' ? given : ''
    const address = typeof given === 'string' ? parseEmailAddress(given) : undefined
    reply.type(HTML)
    if (address === undefined) {
      const problem = Array.isArray(given) ? 'Type one e-mail address, not several.' : addressProblem(text)
      return reply.code(400).viewAsync('home', { email: text, problem })
    }
    const match = await app.providers.lookup(address.domain, request.log)
    if (match === undefined) {
      reply.code(404).header('cache-control', NOT_FOUND_CACHE_CONTROL)
      return reply.viewAsync('unknown-domain', { email: address.address, domain: address.domain })
    }
    const base = publicBaseUrl(configuredBaseUrl, request, reply)
    const language = request.language(providerLanguages(match.provider)) || PAGE_LANGUAGE
    addVary(reply, 'Accept-Language')
    const view = await settingsPage(match.provider, {
      address,
      match,
      language,
      appleProfileUrl: `${base}${MOBILECONFIG_PATH}?emailaddress=${encodeURIComponent(address.address)}`,
    })
    reply.header('cache-control', PAGE_CACHE_CONTROL)
    return reply.viewAsync('settings', view)
  })
}
