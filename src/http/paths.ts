/**
 * The public paths, in one place: the routes register them, and answers that link to other routes (the API's
 * lookup links, the autodiscover v2 answer) build their URLs from them.
 */

/** Mozilla autoconfig, as Thunderbird asks for it (routes/autoconfig.ts). */
export const AUTOCONFIG_PATHS = ['/mail/config-v1.1.xml', '/.well-known/autoconfig/mail/config-v1.1.xml'] as const
/** The ISPDB's own form, `<mailnews.auto_config_url>/<domain>`. */
export const ISPDB_PATH = '/v1.1/:domain'
/** Outlook's POX autodiscover (routes/autodiscover.ts). */
export const AUTODISCOVER_XML_PATH = '/autodiscover/autodiscover.xml'
/** Autodiscover v2 (routes/autodiscover-json.ts). */
export const AUTODISCOVER_JSON_PATH = '/autodiscover/autodiscover.json'
export const AUTODISCOVER_JSON_V1_PATH = '/autodiscover/autodiscover.json/v1.0/:email'
/** The JSON API (routes/api.ts). */
export const API_PREFIX = '/api/v1'
/** Operations (routes/health.ts, routes/tls-ask.ts). */
export const HEALTH_PATH = '/healthz'
export const READY_PATH = '/readyz'
export const METRICS_PATH = '/metrics'
export const TLS_ASK_PATH = '/tls/allowed'
/** The settings page for people (routes/settings-page.ts): the form, its answer, and the page's stylesheet and script. */
export const HOME_PATH = '/'
export const SETTINGS_PATH = '/settings'
export const PAGE_ASSETS_PREFIX = '/assets/'
/**
 * The Apple configuration profile for an address, `?emailaddress=` (routes/mobileconfig.ts), and the names peers
 * and their users' links use for it; the settings page and the API's lookup link to the first.
 */
export const MOBILECONFIG_PATHS = ['/mobileconfig', '/email.mobileconfig', '/apple.mobileconfig'] as const
export const MOBILECONFIG_PATH = MOBILECONFIG_PATHS[0]
