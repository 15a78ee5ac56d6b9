/**
 * The buyer's and subscriber's walk in headless Chromium, on the pages they click: a monthly member
 * upgrades to yearly after a preview (access and plan change at once), schedules a downgrade for
 * the period end, keeps the plan, cancels with a reason; a buyer of a one-time product opens the
 * order's receipt, and a member opens an invoice's receipt and from it Stripe's hosted invoice page
 * and PDF (the emulator's). Guest subscribe from /pricing and the buy button for a plan are walked
 * in guest-subscribe.browser.test.ts; axe and phone width in pages.browser.test.ts.
 * @see issue 13 (done when)
 */
import type { Browser, BrowserContext } from 'playwright-core'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { SESSION_COOKIE } from '../../src/http/session.js'
import { describeInBrowser, launchChromium } from '../browser.js'
import { createTestApp, type TestApp } from '../harness.js'
import {
  createMember,
  type Member,
  onlySubscription,
  settle,
  subscribe,
  writeLifecycleCatalog,
} from '../lifecycle.js'
import { buyAndPay } from '../purchase.js'

describeInBrowser('the buyer walk in a real browser', () => {
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

  async function signedIn(member: Member): Promise<BrowserContext> {
    const agent = await member.agent()
    const context = await browser.newContext()
    const { hostname } = new URL(t.url)
    const value = agent.cookies.get(SESSION_COOKIE) ?? ''
    await context.addCookies([{ name: SESSION_COOKIE, value, domain: hostname, path: '/' }])
    return context
  }

  it('monthly → yearly with a preview, downgrade scheduled, kept, then canceled with a reason', async () => {
    const member = await createMember(t, `walk-${Date.now()}@example.com`)
    await subscribe(member, 'basic-monthly')
    await settle(t)
    const context = await signedIn(member)
    const page = await context.newPage()
    page.setDefaultTimeout(30_000)

    await page.goto(`${t.url}/account`)
    await page.locator('[data-switch-to="basic-yearly"] a').click()
    await page.locator('[data-plan-preview="upgrade"]').waitFor()
    expect(await page.locator('[data-due-now]').textContent()).toMatch(/^\$\d+\.\d\d$/)
    await page.locator('[data-plan-preview] button[type="submit"]').click()
    await page.waitForURL(/changed=upgrade/)
    expect((await onlySubscription(t, member)).price_lookup_key).toBe('basic-yearly')
    expect(await page.locator('[data-access-list] [data-feature="premium"]').count()).toBe(1)

    await page.locator('[data-switch-to="basic-monthly"] a').click()
    await page.locator('[data-plan-preview="downgrade"]').waitFor()
    await page.locator('[data-plan-preview] button[type="submit"]').click()
    await page.waitForURL(/changed=downgrade/)
    await page.locator('[data-scheduled-switch]').waitFor()
    await page.getByRole('button', { name: 'Keep my current plan' }).click()
    await page.waitForURL(/changed=kept/)
    expect(await page.locator('[data-scheduled-switch]').count()).toBe(0)

    await page.locator('[data-cancel-link]').click()
    await page.locator('[data-cancel-plan]').waitFor()
    await page.locator('input[name="reason"]').first().check()
    await page.fill('textarea[name="comment"]', 'Trying something else')
    await page.locator('[data-cancel-plan] button[type="submit"]').click()
    await page.waitForURL(/changed=canceled/)
    await page.locator('[data-ends]').waitFor()
    const sub = await onlySubscription(t, member)
    expect(sub.cancel_at_period_end).toBe(1)
    expect(sub.cancellation_comment).toBe('Trying something else')
    await context.close()
  }, 180_000)

  it('receipts: an order’s and an invoice’s, and the invoice’s Stripe page and PDF open', async () => {
    const member = await createMember(t, `receipts-${Date.now()}@example.com`)
    await subscribe(member, 'basic-monthly')
    await settle(t)
    const context = await signedIn(member)
    const page = await context.newPage()
    page.setDefaultTimeout(30_000)

    await page.goto(`${t.url}/account`)
    await page.locator('[data-invoices] a', { hasText: 'Receipt' }).first().click()
    await page.locator('[data-receipt="invoice"]').waitFor()
    expect(await page.locator('main').textContent()).toContain('$9.00')
    const media = await page.evaluate(() => window.matchMedia('print').matches)
    expect(media).toBe(false)
    await page.emulateMedia({ media: 'print' })
    expect(await page.locator('.site-header').isVisible()).toBe(false)
    expect(await page.locator('[data-print]').isVisible()).toBe(false)
    await page.emulateMedia({ media: 'screen' })

    const pdfHref = await page.getByRole('link', { name: 'Invoice PDF' }).getAttribute('href')
    await page.getByRole('link', { name: 'Invoice on Stripe' }).click()
    await page.waitForURL(/\/i\/in_/)
    expect(await page.locator('body').textContent()).toContain('9.00')
    const pdf = await page.request.get(pdfHref ?? '')
    expect(pdf.headers()['content-type']).toContain('application/pdf')
    await context.close()
  }, 180_000)

  it('a one-time buyer finds the order in the account and opens its receipt', async () => {
    const member = await createMember(t, `order-${Date.now()}@example.com`)
    const app = await createTestApp({ dialect: 'sqlite' })
    try {
      const buyer = await createMember(app, member.email)
      await buyAndPay(await buyer.agent(), { price: 'field-guide', email: buyer.email })
      await settle(app)
      const agent = await buyer.agent()
      const context = await browser.newContext()
      const { hostname } = new URL(app.url)
      await context.addCookies([
        { name: SESSION_COOKIE, value: agent.cookies.get(SESSION_COOKIE) ?? '', domain: hostname, path: '/' },
      ])
      const page = await context.newPage()
      page.setDefaultTimeout(30_000)
      await page.goto(`${app.url}/account`)
      await page.getByRole('link', { name: 'Receipt for The Tollgate Field Guide' }).click()
      await page.locator('[data-receipt="order"]').waitFor()
      expect(await page.locator('[data-order-status]').textContent()).toBe('Paid')
      expect(await page.locator('main').textContent()).toContain('$19.00')
      await context.close()
    } finally {
      await app.close()
    }
  }, 180_000)
})
