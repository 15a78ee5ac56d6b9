/**
 * A new buyer's whole path in headless Chromium (playwright-core + Debian's chromium):
 * store → buy with email → pay 4242 on the emulator's Checkout page → success page with token →
 * library → download the PDF (bytes equal) → logout → login with email + token → library →
 * wrong token refused → declined card shows an error and grants nothing → cancel returns to the
 * cancel page → a SEPA debit's processing page turns into the token when the bank pays → the buy button on a plain static HTML page on another origin works.
 */
import { readFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { findCatalogFile } from '../../src/modules/delivery/files.js'
import { findOrderBySessionId } from '../../src/modules/orders/repo.js'
import { describeInBrowser, launchChromium } from '../browser.js'
import { createTestApp, type TestApp } from '../harness.js'

describeInBrowser('purchase in a real browser', () => {
  let t: TestApp
  let browser: Browser
  let staticSite: { server: Server; url: string }

  beforeAll(async () => {
    staticSite = await serveStatic()
    t = await createTestApp({ dialect: 'sqlite', config: { corsOrigins: [staticSite.url] } })
    appUrlForStatic = t.url
    browser = await launchChromium()
  }, 120_000)

  afterAll(async () => {
    await browser?.close()
    await t?.close()
    await new Promise<void>((resolve) => (staticSite ? staticSite.server.close(() => resolve()) : resolve()))
  })

  async function payOnCheckout(page: Page, input: { email?: string; card: string }): Promise<void> {
    await page.waitForURL(/\/c\/pay\/cs_/)
    if (input.email) {
      const email = page.locator('input[name="email"]')
      if (await email.isEditable()) await email.fill(input.email)
    }
    await page.fill('input[name="cardNumber"]', input.card)
    await page.fill('input[name="cardExpiry"]', '12 / 34')
    await page.fill('input[name="cardCvc"]', '123')
    await page.fill('input[name="cardName"]', 'Browser Buyer')
    await page.locator('form button[type="submit"], form input[type="submit"]').first().click()
  }

  it('walks a new buyer from the store to the download and back in', async () => {
    const email = 'browser-buyer@example.com'
    const context = await browser.newContext({ acceptDownloads: true })
    const page = await context.newPage()
    page.setDefaultTimeout(20_000)

    await page.goto(`${t.url}/`)
    const form = page.locator('form[data-price="field-guide"]')
    await form.locator('input[name="email"]').fill(email)
    await form.locator('button[type="submit"]').click()
    await payOnCheckout(page, { email, card: '4242 4242 4242 4242' })

    await page.waitForURL(/\/checkout\/success\?session_id=cs_/)
    const token = (await page.locator('[data-access-token]').textContent())?.trim() ?? ''
    expect(token.length).toBeGreaterThan(20)
    await page.locator('#copy-token').waitFor()

    await page.click('text=Go to your library')
    await page.waitForURL(/\/library$/)
    await expect(page.locator('[data-file-id="field-guide-pdf"]').textContent()).resolves.toContain(
      'Access forever',
    )

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.click('[data-file-id="field-guide-pdf"] a:has-text("Download")'),
    ])
    const expected = readFileSync(findCatalogFile(t.deps.catalog, 'field-guide-pdf')?.file.path ?? '')
    const saved = readFileSync((await download.path()) ?? '')
    expect(saved.equals(expected)).toBe(true)
    expect(download.suggestedFilename()).toBe('field-guide.pdf')

    await page.click('button:has-text("Sign out")')
    await page.goto(`${t.url}/library`)
    await page.waitForURL(/\/login/)
    await page.fill('#login-email', email)
    await page.fill('input[name="token"]', token)
    await page.click('button[value="token"]')
    await page.waitForURL(/\/library$/)
    await expect(page.locator('[data-file-id="field-guide-pdf"]').count()).resolves.toBe(1)

    await page.click('button:has-text("Sign out")')
    await page.goto(`${t.url}/login`)
    await page.fill('#login-email', email)
    await page.fill('input[name="token"]', `${token.slice(0, -2)}xx`)
    await page.click('button[value="token"]')
    await page.locator('[data-login-error]').waitFor()
    await page.goto(`${t.url}/library`)
    await page.waitForURL(/\/login/)
    await context.close()
  })

  it('a declined card shows an error and grants nothing; cancel returns to the cancel page', async () => {
    const email = 'browser-declined@example.com'
    const context = await browser.newContext()
    const page = await context.newPage()
    page.setDefaultTimeout(20_000)
    await page.goto(`${t.url}/`)
    const form = page.locator('form[data-price="workshop-notes"]')
    await form.locator('input[name="email"]').fill(email)
    await form.locator('button[type="submit"]').click()
    await payOnCheckout(page, { email, card: '4000 0000 0000 0002' })
    await page
      .getByText(/declined/i)
      .first()
      .waitFor()
    expect(page.url()).toMatch(/\/c\/pay\/cs_/)
    const sessionId = /\/c\/pay\/(cs_[A-Za-z0-9_]+)/.exec(page.url())?.[1] ?? ''
    await t.emulator.idle()
    await t.drain()
    expect(await findOrderBySessionId(t.deps.db, sessionId)).toBeUndefined()

    await page.locator(`a[href^="${t.url}/checkout/cancel"]`).first().click()
    await page.waitForURL(/\/checkout\/cancel$/)
    await page.locator('[data-checkout="canceled"]').waitFor()
    await context.close()
  })

  it('a SEPA debit waits on the processing page, which turns into the token once the bank pays', async () => {
    const email = 'browser-sepa@example.com'
    const context = await browser.newContext()
    const page = await context.newPage()
    page.setDefaultTimeout(20_000)
    await page.goto(`${t.url}/`)
    const form = page.locator('form[data-price="berlin-edition-eur"]')
    await form.locator('input[name="email"]').fill(email)
    await form.locator('button[type="submit"]').click()
    await page.waitForURL(/\/c\/pay\/cs_/)
    await page.check('#methodSepa')
    await page.fill('input[name="iban"]', 'AT61 1904 3002 3457 3201')
    await page.fill('input[name="ibanName"]', 'Browser Buyer')
    await page.locator('form button[type="submit"]').click()
    await page.waitForURL(/\/checkout\/success\?session_id=cs_/)
    await page.locator('[data-checkout="processing"]').waitFor()

    // The bank answers on emulator time; the page reloads itself and reveals the token.
    await t.emulator.clock.advance(60)
    await page.locator('[data-access-token]').waitFor({ timeout: 30_000 })
    expect(((await page.locator('[data-access-token]').textContent()) ?? '').trim().length).toBeGreaterThan(
      20,
    )
    await context.close()
  }, 60_000)

  it('the buy button on a plain static page on another origin starts Checkout', async () => {
    const context = await browser.newContext()
    const page = await context.newPage()
    page.setDefaultTimeout(20_000)
    await page.goto(`${staticSite.url}/buy.html`)
    await page.click('#broken')
    // The message appears when the API answers; waitFor polls until it does.
    await page.locator('[data-tollgate-error]', { hasText: /unknown price/i }).waitFor()
    await page.click('button[data-tollgate-price="field-guide"]')
    await payOnCheckout(page, { card: '4242 4242 4242 4242' })
    await page.waitForURL(/\/checkout\/success\?session_id=cs_/)
    expect(((await page.locator('[data-access-token]').textContent()) ?? '').trim().length).toBeGreaterThan(
      20,
    )
    await context.close()
  })
})

let appUrlForStatic = ''

/** Serves test/static/* on its own port; the page learns the app's URL at request time. */
async function serveStatic(): Promise<{ server: Server; url: string }> {
  const html = readFileSync(new URL('../static/buy.html', import.meta.url), 'utf8')
  const server = createServer((req, res) => {
    if (req.url !== '/buy.html') {
      res.writeHead(404).end()
      return
    }
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
    res.end(html.replaceAll('__TOLLGATE_URL__', appUrlForStatic))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()))
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }
}
