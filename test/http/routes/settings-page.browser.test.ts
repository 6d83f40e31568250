/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * The settings page in a real browser: Debian's chromium through playwright-core (scripts/chromium.ts), against
 * the app listening on 127.0.0.1 on a free port. What a person sees matches the provider file, the copy buttons
 * copy, the form works with and without JavaScript, the QR code reads back as the profile's URL, the page obeys
 * its own CSP, fits a phone, follows the dark-mode preference, and axe-core finds no serious or critical
 * accessibility violation in light or dark.
 */
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import type { AddressInfo } from 'node:net'
import type { Browser, BrowserContextOptions, Page } from 'playwright-core'
import t, { type Test } from 'tap'
import { loadProviders } from '../../../src/catalog/load.ts'
import { launchChromium } from '../../../scripts/chromium.ts'
import { BUNDLED_DIR, build } from '../../helper.ts'

const resolve = createRequire(import.meta.url).resolve
const AXE_SOURCE = readFileSync(resolve('axe-core/axe.min.js'), 'utf8')
/** jsQR's browser build: it defines `jsQR` on the page's global object. */
const JSQR_SOURCE = readFileSync(resolve('jsqr'), 'utf8')
const ENCRYPTION = { tls: 'SSL/TLS', starttls: 'STARTTLS', plain: 'None' } as const

const loaded = await loadProviders(BUNDLED_DIR)
if (!loaded.ok) throw new Error('the bundled providers must load')
const gmail = loaded.catalog.providers.get('gmail')!

const app = await build(t, { rateLimit: false })
await app.listen({ host: '127.0.0.1', port: 0 })
const origin = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`

const browser: Browser = await launchChromium()
t.teardown(() => browser.close())

/**
 * A page in a fresh context, and what went wrong in it: CSP violations, script errors, and sub-resources that
 * failed or were refused (a page's own 400 or 404 is the point of some tests, so documents are left out).
 */
async function openPage (t: Test, options: BrowserContextOptions = {}): Promise<{ page: Page, problems: string[] }> {
  const context = await browser.newContext({ baseURL: origin, ...options })
  t.teardown(() => context.close())
  const page = await context.newPage()
  const problems: string[] = []
  page.on('console', (message) => { if (message.text().includes('Content Security Policy')) problems.push(message.text()) })
  page.on('pageerror', (error) => problems.push(error.message))
  page.on('requestfailed', (request) => problems.push(`${request.url()}: ${request.failure()?.errorText}`))
  page.on('response', (response) => {
    if (response.request().resourceType() !== 'document' && response.status() >= 400) problems.push(`${response.url()}: ${response.status()}`)
  })
  return { page, problems }
}

/** The server tables as the reader sees them: caption and each row's label and value, the copy button's text left out. */
function serverTables (page: Page) {
  return page.$$eval('table.server', (tables) => tables.map((table) => ({
    caption: table.querySelector('caption')!.textContent!.trim(),
    rows: Object.fromEntries([...table.querySelectorAll('tr')].map((row) => {
      const value = row.querySelector('td [data-copy]') ?? row.querySelector('td')!
      return [row.querySelector('th')!.textContent!.trim(), value.textContent!.trim()]
    })),
  })))
}

async function seriousViolations (page: Page): Promise<Array<{ id: string, impact: string, targets: string[] }>> {
  // Evaluated through the DevTools protocol, which the page's CSP does not govern; nothing is inlined into the page.
  await page.evaluate(AXE_SOURCE)
  return page.evaluate(async () => {
    const { violations } = await (globalThis as any).axe.run(document, { resultTypes: ['violations'] })
    return violations
      .filter((v: any) => v.impact === 'serious' || v.impact === 'critical')
      .map((v: any) => ({ id: v.id, impact: v.impact, targets: v.nodes.map((n: any) => n.target.join(' ')) }))
  })
}

t.test('the values shown are the provider file\'s, and each copy button copies its value', async (t) => {
  const { page, problems } = await openPage(t)
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin })
  const response = await page.goto('/settings?email=alice@gmail.com')
  t.equal(response?.status(), 200)
  const expected = [
    ...gmail.incoming.filter((s) => s.type === 'imap'),
    ...gmail.incoming.filter((s) => s.type === 'pop3'),
    ...gmail.outgoing,
  ].map((s) => ({ Server: s.host, Port: String(s.port), Encryption: ENCRYPTION[s.security], Username: 'alice@gmail.com' }))
  const tables = await serverTables(page)
  t.same(tables.map(({ rows: { Authentication: _auth, ...rows } }) => rows), expected)
  t.equal(await page.locator('.enable a').getAttribute('href'), gmail.enable!.url)

  const buttons = page.getByRole('button', { name: /^Copy / })
  t.equal(await buttons.count(), expected.length * 3, 'a copy button beside every host, port and username')
  const smtpPorts = page.getByRole('button', { name: 'Copy SMTP port' })
  await smtpPorts.nth(1).click()
  t.equal(await page.evaluate(() => navigator.clipboard.readText()), String(gmail.outgoing[1]!.port))
  t.equal(await smtpPorts.nth(1).textContent(), 'Copied')
  t.equal(await page.locator('[aria-live="polite"]').textContent(), `Copied SMTP port: ${gmail.outgoing[1]!.port}`)
  await page.getByRole('button', { name: 'Copy IMAP server name' }).click()
  t.equal(await page.evaluate(() => navigator.clipboard.readText()), gmail.incoming[0]!.host)
  t.same(problems, [], 'no CSP violation, no script error')
})

t.test('the QR code reads back as the Apple profile\'s URL', async (t) => {
  const { page } = await openPage(t)
  await page.goto('/settings?email=alice@gmail.com')
  const href = await page.locator('.apple a').getAttribute('href')
  t.equal(href, `${origin}/mobileconfig?emailaddress=alice%40gmail.com`)
  // Drawn at twice its size and read back in the page by jsQR, as a phone's camera would read it.
  await page.evaluate(JSQR_SOURCE)
  const data = await page.locator('img.qr').evaluate(async (img: HTMLImageElement) => {
    await img.decode()
    const size = img.width * 2
    const canvas = document.createElement('canvas')
    canvas.width = canvas.height = size
    const context = canvas.getContext('2d')!
    context.drawImage(img, 0, 0, size, size)
    return (globalThis as any).jsQR(context.getImageData(0, 0, size, size).data, size, size)?.data as string | undefined
  })
  t.equal(data, href)
})

for (const javaScriptEnabled of [true, false]) {
  t.test(`the form works ${javaScriptEnabled ? 'with' : 'without'} JavaScript`, async (t) => {
    const { page, problems } = await openPage(t, { javaScriptEnabled })
    await page.goto('/')
    await page.getByLabel('Your e-mail address').fill('alice@gmail.com')
    const [response] = await Promise.all([page.waitForResponse((r) => r.url().includes('/settings')), page.getByRole('button', { name: 'Show settings' }).click()])
    t.equal(response.status(), 200)
    t.equal(new URL(page.url()).search, '?email=alice%40gmail.com')
    t.equal(await page.locator('h1').textContent(), 'Mail settings for alice@gmail.com')
    t.equal((await serverTables(page))[0]?.rows.Server, gmail.incoming[0]!.host)
    t.equal(await page.getByRole('button', { name: /^Copy / }).count(), javaScriptEnabled ? 12 : 0,
      javaScriptEnabled ? 'copy buttons added by the script' : 'no dead buttons without the script')

    await page.getByLabel('Your e-mail address').fill('alice')
    const [refused] = await Promise.all([page.waitForResponse((r) => r.url().includes('/settings')), page.getByRole('button', { name: 'Show settings' }).click()])
    t.equal(refused.status(), 400)
    t.match(await page.locator('#email-problem').textContent(), /has an @ between the name and the domain/)
    t.equal(await page.getByLabel('Your e-mail address').inputValue(), 'alice')
    t.same(problems, [], 'no CSP violation, no script error, no failed asset')
  })
}

t.test('axe-core: no serious or critical violation, light and dark; dark mode follows the preference', async (t) => {
  const backgrounds: Record<string, string> = {}
  for (const colorScheme of ['light', 'dark'] as const) {
    const { page, problems } = await openPage(t, { colorScheme })
    // Each page the templates make: the form, settings (GMX's: IMAP and POP3 alternatives, a German text), the 400 and the 404.
    for (const url of ['/', '/settings?email=alice@gmx.de', '/settings?email=alice', '/settings?email=alice@unknown.example']) {
      await page.goto(url)
      t.same(await seriousViolations(page), [], `${colorScheme} ${url}`)
    }
    backgrounds[colorScheme] = await page.evaluate(() => getComputedStyle(document.body).backgroundColor)
    t.same(problems, [], `${colorScheme}: no CSP violation, no script error`)
  }
  t.equal(backgrounds.light, 'rgb(255, 255, 255)')
  t.equal(backgrounds.dark, 'rgb(18, 20, 23)')
})

t.test('readable on a phone: nothing wider than the screen', async (t) => {
  const { page } = await openPage(t, { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true })
  for (const url of ['/', '/settings?email=alice@gmail.com', '/settings?email=someone.with.a.long.name@googlemail.com']) {
    await page.goto(url)
    const { scrollWidth, innerWidth } = await page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth }))
    t.ok(scrollWidth <= innerWidth, `${url}: ${scrollWidth} <= ${innerWidth}`)
  }
})
