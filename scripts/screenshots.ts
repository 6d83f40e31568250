/**
 * `npm run screenshots`: the settings page for alice@gmail.com at desktop and phone widths, light and dark, into
 * docs/screenshots/*.png (shown in the README). Starts the app itself on 127.0.0.1 with the bundled providers and
 * drives Debian's chromium (scripts/chromium.ts). Run it again after changing the page, and commit the images.
 */
import { mkdir } from 'node:fs/promises'
import type { AddressInfo } from 'node:net'
import { fileURLToPath } from 'node:url'
import { buildApp } from '../src/app.ts'
import { loadProviders } from '../src/catalog/load.ts'
import { ProviderLookup } from '../src/catalog/lookup.ts'
import { BUNDLED_PROVIDERS_DIR } from '../src/config.ts'
import { launchChromium } from './chromium.ts'

const OUT_DIR = fileURLToPath(new URL('../docs/screenshots', import.meta.url))
const PAGE = '/settings?email=alice@gmail.com'
/** The profile link and its QR code show the public URL a deployment would have. */
const PUBLIC_BASE_URL = 'https://autoconfig.example.net'

const SIZES = {
  desktop: { viewport: { width: 1280, height: 900 }, deviceScaleFactor: 1, isMobile: false },
  phone: { viewport: { width: 390, height: 844 }, deviceScaleFactor: 1, isMobile: true },
} as const

const loaded = await loadProviders(BUNDLED_PROVIDERS_DIR)
if (!loaded.ok) throw new Error('the bundled providers do not load: npm run check')
const app = await buildApp({ lookup: new ProviderLookup(loaded.catalog), rateLimit: false, publicBaseUrl: PUBLIC_BASE_URL })
await app.listen({ host: '127.0.0.1', port: 0 })
const origin = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`
const browser = await launchChromium()
try {
  await mkdir(OUT_DIR, { recursive: true })
  for (const [size, device] of Object.entries(SIZES)) {
    for (const colorScheme of ['light', 'dark'] as const) {
      const context = await browser.newContext({ ...device, colorScheme, baseURL: origin })
      const page = await context.newPage()
      await page.goto(PAGE)
      const path = `${OUT_DIR}/settings-${size}-${colorScheme}.png`
      await page.screenshot({ path, fullPage: true })
      await context.close()
      console.log(path)
    }
  }
} finally {
  await browser.close()
  await app.close()
}
