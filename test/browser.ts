/**
 * Debian's Chromium for the browser tests, through playwright-core. Locally, without Chromium, the
 * browser suites are skipped with a warning; under CI=true they run and fail instead.
 */
import { existsSync } from 'node:fs'
import { type Browser, chromium } from 'playwright-core'
import { describe } from 'vitest'

const CI = process.env.CI === 'true' || process.env.CI === '1'
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
const HAVE_CHROMIUM = existsSync(CHROMIUM)
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]

/** `describe`, skipped (with a warning) only when Chromium is missing outside CI. */
export function describeInBrowser(name: string, body: () => void): void {
  const skip = !HAVE_CHROMIUM && !CI
  if (skip) console.warn(`[tollgate tests] ${CHROMIUM} not found: "${name}" skipped (CI fails instead).`)
  describe.skipIf(skip)(name, body)
}

export async function launchChromium(): Promise<Browser> {
  if (!HAVE_CHROMIUM)
    throw new Error(`Chromium not found at ${CHROMIUM} (set CHROMIUM_PATH); CI must not skip browser tests`)
  return chromium.launch({ executablePath: CHROMIUM, args: ARGS })
}
