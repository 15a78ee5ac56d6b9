/**
 * The shop's own brand in headless Chromium: with STORE_* set, the store page's title, header,
 * accent colour and footer links carry it, the emulator's hosted Checkout shows its name, logo and
 * button colour (through `branding_settings`), and the buyer's confirmation email carries its
 * header, signature and footer. No "Tollgate" is left for the buyer to read.
 */
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { Brand } from '../../src/lib/brand.js'
import { describeInBrowser, launchChromium } from '../browser.js'
import { createTestApp, type TestApp } from '../harness.js'
import { settle } from '../lifecycle.js'

const BRAND: Brand = {
  name: 'Ada Books',
  accentColor: '#aa3300',
  logoUrl: 'https://ada.example/logo.png',
  supportEmail: 'help@ada.example',
  termsUrl: 'https://ada.example/terms',
  privacyUrl: 'https://ada.example/privacy',
}

describeInBrowser('the shop’s brand in a real browser', () => {
  let t: TestApp
  let browser: Browser

  beforeAll(async () => {
    t = await createTestApp({ dialect: 'sqlite', config: { brand: BRAND } })
    browser = await launchChromium()
  }, 120_000)

  afterAll(async () => {
    await browser?.close()
    await t?.close()
  })

  it('shows the brand on the pages, on Checkout and in the emails', async () => {
    const page = await browser.newPage()
    page.setDefaultTimeout(20_000)
    await page.goto(`${t.url}/`)
    expect(await page.title()).toMatch(/· Ada Books$/)
    // With a logo, the header shows it, named by the shop's name.
    const logo = page.locator('header .brand img')
    expect(await logo.getAttribute('src')).toBe('https://ada.example/logo.png')
    expect(await logo.getAttribute('alt')).toBe('Ada Books')
    const accent = await page.evaluate(() =>
      getComputedStyle(document.documentElement).getPropertyValue('--accent').trim(),
    )
    expect(accent).toBe('#aa3300')
    const footer = page.locator('footer.site-footer')
    expect(await footer.locator('a[href="mailto:help@ada.example"]').count()).toBe(1)
    expect(await footer.locator('a[href="https://ada.example/terms"]').textContent()).toBe('Terms')
    expect(await footer.locator('a[href="https://ada.example/privacy"]').textContent()).toBe('Privacy')
    // Owner-facing words (the test-mode banner, product names from the demo catalog) aside,
    // the frame itself no longer names the software.
    expect(await page.locator('header, footer').allTextContents()).not.toContainEqual(
      expect.stringContaining('Tollgate'),
    )

    const email = 'brand-buyer@example.com'
    const form = page.locator('form[data-price="field-guide"]')
    await form.locator('input[name="email"]').fill(email)
    await form.locator('button[type="submit"]').click()
    await page.waitForURL(/\/c\/pay\/cs_/)
    expect(await page.locator('[data-store-name]').textContent()).toBe('Ada Books')
    expect(await page.locator('[data-store-logo]').getAttribute('src')).toBe('https://ada.example/logo.png')
    const button = page.locator('form button[type="submit"]').first()
    expect(await button.evaluate((b) => getComputedStyle(b).backgroundColor)).toBe('rgb(170, 51, 0)')
    await page.fill('input[name="cardNumber"]', '4242 4242 4242 4242')
    await page.fill('input[name="cardExpiry"]', '12 / 34')
    await page.fill('input[name="cardCvc"]', '123')
    await page.fill('input[name="cardName"]', 'Brand Buyer')
    await button.click()
    await page.waitForURL(/\/checkout\/success\?session_id=cs_/)
    await settle(t)

    const [confirmation] = await t.mail(email)
    if (!confirmation) throw new Error('no confirmation email')
    expect(confirmation.text).toContain('— Ada Books\nSupport: help@ada.example')
    await page.setContent(confirmation.html)
    expect(await page.locator('[data-brand-header] img').getAttribute('alt')).toBe('Ada Books')
    expect(await page.locator('[data-brand-footer] a[href="mailto:help@ada.example"]').count()).toBe(1)
    expect(await page.locator('[data-brand-footer] a[href="https://ada.example/terms"]').count()).toBe(1)
    expect(confirmation.html).not.toMatch(/Sent by Tollgate/)
  }, 120_000)
})
