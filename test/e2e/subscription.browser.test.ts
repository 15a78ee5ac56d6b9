/**
 * A new member's whole path in headless Chromium (playwright-core + Debian's chromium):
 * register → confirm by email → pricing (yearly) → subscribe with a trial → pay on the emulator's
 * Checkout → success page shows the plan → /premium opens → account → Billing Portal → cancel →
 * still has access → emulator clock (and with it the app clock) past the period end → /premium
 * refused.
 */
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { describeInBrowser, launchChromium } from '../browser.js'
import { createTestApp, type TestApp } from '../harness.js'
import { advanceDays, settle, writeLifecycleCatalog } from '../lifecycle.js'

describeInBrowser('subscription in a real browser', () => {
  let t: TestApp
  let browser: Browser

  beforeAll(async () => {
    t = await createTestApp({ dialect: 'sqlite', config: { catalogPath: writeLifecycleCatalog() } })
    browser = await launchChromium()
  }, 120_000)

  afterAll(async () => {
    await browser?.close()
    await t?.close()
  })

  async function payOnCheckout(page: Page, card: string): Promise<void> {
    await page.waitForURL(/\/c\/pay\/cs_/)
    await page.fill('input[name="cardNumber"]', card)
    await page.fill('input[name="cardExpiry"]', '12 / 34')
    await page.fill('input[name="cardCvc"]', '123')
    await page.fill('input[name="cardName"]', 'Browser Member')
    await page.locator('form button[type="submit"]').last().click()
  }

  async function confirmLink(to: string): Promise<string> {
    const mail = (await t.mail(to)).find((m) => m.template === 'account-confirm')
    expect(mail).toBeDefined()
    return String(mail?.data.url)
  }

  it('register → subscribe yearly with a trial → premium → portal cancel → access until the end', async () => {
    const email = `browser-${Date.now()}@example.com`
    const page = await browser.newPage()
    page.setDefaultTimeout(30_000)

    await page.goto(`${t.url}/register`)
    await page.fill('input[name="email"]', email)
    await page.fill('input[name="password"]', 'a browser password')
    await page.click('button[type="submit"]')
    await page.locator('[data-check-email]').waitFor()
    await page.goto(await confirmLink(email))
    await page.click('button[type="submit"]')
    await page.waitForURL(`${t.url}/account`)

    await page.goto(`${t.url}/pricing`)
    await page.click('a[href="/pricing?interval=year"]')
    await page.waitForURL(/interval=year/)
    await page.locator('[data-plan="member-yearly"] button[type="submit"]').click()
    await payOnCheckout(page, '4242 4242 4242 4242')
    await page.waitForURL(/\/billing\/success/)
    expect(await page.locator('[data-subscribed]').getAttribute('data-subscribed')).toBe('trialing')

    await page.goto(`${t.url}/premium`)
    expect(await page.locator('[data-member-page]').count()).toBe(1)

    await page.goto(`${t.url}/account`)
    await page.getByRole('button', { name: 'Manage billing' }).click()
    await page.waitForURL(/\/p\/session\/bps_/)
    // The portal asks before it cancels: "Cancel plan" opens a confirmation with the end date.
    await page.getByRole('link', { name: 'Cancel plan' }).first().click()
    await page.locator('[data-confirm-cancel]').waitFor()
    expect(await page.locator('[data-confirm-cancel]').textContent()).toMatch(/stays active until/)
    await page.getByRole('button', { name: 'Confirm cancellation' }).click()
    await settle(t)

    await page.goto(`${t.url}/account`)
    await page.locator('[data-ends]').waitFor()
    await page.goto(`${t.url}/premium`)
    expect(await page.locator('[data-member-page]').count()).toBe(1)

    await advanceDays(t, 14 + 1)
    const res = await page.goto(`${t.url}/premium`)
    expect(res?.status()).toBe(403)
    expect(await page.locator('[data-member-page]').count()).toBe(0)
    await page.close()
  }, 240_000)
})
