/**
 * Debian's chromium (`apt-get install chromium`; .ci/run installs it when missing) driven by playwright-core,
 * which never downloads a browser of its own. Shared by the settings page's browser test and
 * scripts/screenshots.ts. The machine's network is closed to everything but loopback, so every feature that
 * would call out (background networking, component updates, sync, QUIC) is off, or Chromium floods refused
 * connections. Playwright gives each launch a fresh temporary profile (user data directory) and removes it on close.
 */
import { existsSync } from 'node:fs'
import { chromium, type Browser } from 'playwright-core'

export const CHROMIUM_PATH = '/usr/bin/chromium'

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
] as const

export async function launchChromium (): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) throw new Error(`no ${CHROMIUM_PATH}: apt-get install -y --no-install-recommends chromium (as .ci/run does)`)
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS], headless: true, timeout: 10_000 })
}
