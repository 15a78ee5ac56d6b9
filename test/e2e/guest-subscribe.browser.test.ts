/**
 * Subscribing without an account in headless Chromium: from /pricing with an email, and from a
 * buy button for a recurring price on a plain static page on another origin (Checkout asks for
 * the email there). Both land on the success page signed in, with the plan in the account.
 */
import { readFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { describeInBrowser, launchChromium } from '../browser.js'
import { createTestApp, type TestApp } from '../harness.js'

describeInBrowser('guest subscribe in a real browser', () => {
  let t: TestApp
  let browser: Browser
  let staticSite: { server: Server; url: string }

  beforeAll(async () => {
    staticSite = await serveStatic(() => t.url)
    t = await createTestApp({ dialect: 'sqlite', config: { corsOrigins: [staticSite.url] } })
    browser = await launchChromium()
  }, 120_000)

  afterAll(async () => {
    await browser?.close()
    await t?.close()
    await new Promise<void>((resolve) => (staticSite ? staticSite.server.close(() => resolve()) : resolve()))
  })

  async function payOnCheckout(page: Page, email: string): Promise<void> {
    await page.waitForURL(/\/c\/pay\/cs_/)
    const field = page.locator('input[name="email"]')
    if (await field.isEditable()) await field.fill(email)
    await page.fill('input[name="cardNumber"]', '4242 4242 4242 4242')
    await page.fill('input[name="cardExpiry"]', '12 / 34')
    await page.fill('input[name="cardCvc"]', '123')
    await page.fill('input[name="cardName"]', 'Guest Member')
    await page.locator('form button[type="submit"]').last().click()
  }

  it('a visitor subscribes from /pricing with an email and lands signed in', async () => {
    const email = `pricing-guest-${Date.now()}@example.com`
    const context = await browser.newContext()
    const page = await context.newPage()
    page.setDefaultTimeout(30_000)
    await page.goto(`${t.url}/pricing`)
    const card = page.locator('[data-plan="membership-monthly"]')
    await card.getByLabel('Your email').fill(email)
    await card.getByRole('button', { name: 'Subscribe' }).click()
    await payOnCheckout(page, email)
    await page.waitForURL(/\/billing\/success/)
    await page.locator('[data-new-account]').waitFor()
    expect(await page.locator('[data-subscribed]').getAttribute('data-subscribed')).toBe('trialing')
    await page.goto(`${t.url}/account`)
    expect(page.url()).toBe(`${t.url}/account`)
    expect(await page.locator('main').textContent()).toContain(email)
    await page.goto(`${t.url}/premium`)
    expect(await page.locator('[data-member-page]').count()).toBe(1)
    await context.close()
  }, 120_000)

  it('a buy button for a plan on a static page starts a subscription and signs the buyer in', async () => {
    const email = `button-guest-${Date.now()}@example.com`
    const context = await browser.newContext()
    const page = await context.newPage()
    page.setDefaultTimeout(30_000)
    await page.goto(`${staticSite.url}/membership.html`)
    await page.getByRole('button', { name: 'Become a member' }).click()
    await payOnCheckout(page, email)
    await page.waitForURL(/\/billing\/success/)
    await page.locator('[data-new-account]').waitFor()
    await page.goto(`${t.url}/account`)
    expect(await page.locator('main').textContent()).toContain(email)
    await context.close()
  }, 120_000)

  it('a buy button refused for an email that has the plan opens a page in words with sign-in', async () => {
    const email = `button-known-${Date.now()}@example.com`
    const first = await browser.newContext()
    const paying = await first.newPage()
    paying.setDefaultTimeout(30_000)
    await paying.goto(`${staticSite.url}/membership.html`)
    await paying.getByRole('button', { name: 'Become a member' }).click()
    await payOnCheckout(paying, email)
    await paying.waitForURL(/\/billing\/success/)
    await first.close()

    const context = await browser.newContext()
    const page = await context.newPage()
    page.setDefaultTimeout(30_000)
    await page.goto(`${staticSite.url}/membership.html`)
    const button = page.getByRole('button', { name: 'Become a member' })
    await button.evaluate((el, address) => el.setAttribute('data-tollgate-email', address), email)
    await button.click()
    await page.waitForURL(/\/subscribe\/refused\?reason=subscribed/)
    expect(new URL(page.url()).origin).toBe(t.url)
    expect(await page.locator('h1').textContent()).toBe('You already have this plan')
    expect(await page.locator('main').textContent()).not.toContain('ALREADY_SUBSCRIBED')
    expect(
      await page
        .locator('[data-known-subscriber]')
        .getByRole('link', { name: 'Sign in', exact: true })
        .getAttribute('href'),
    ).toBe('/signin?next=%2Faccount')
    await context.close()
  }, 120_000)
})

/** Serves test/static/membership.html on its own port; the page learns the app's URL per request. */
async function serveStatic(appUrl: () => string): Promise<{ server: Server; url: string }> {
  const html = readFileSync(new URL('../static/membership.html', import.meta.url), 'utf8')
  const server = createServer((req, res) => {
    if (req.url !== '/membership.html') {
      res.writeHead(404).end()
      return
    }
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
    res.end(html.replaceAll('__TOLLGATE_URL__', appUrl()))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()))
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }
}
