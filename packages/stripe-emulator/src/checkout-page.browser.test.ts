import { existsSync } from 'node:fs'
import { type Browser, chromium } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestEmulator, type TestEmulator } from './testing.js'

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
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

let t: TestEmulator
let browser: Browser

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM} (set CHROMIUM_PATH)`)
  t = await startTestEmulator()
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS })
}, 120_000)

afterAll(async () => {
  await browser?.close()
  await t?.close()
})

describe('hosted Checkout page in a real browser', () => {
  it('applies a code, shows a decline, then pays and lands on the success URL', async () => {
    const stripe = t.stripe
    const price = await stripe.prices.create({
      currency: 'usd',
      unit_amount: 2500,
      product_data: { name: 'Print' },
    })
    const coupon = await stripe.coupons.create({ amount_off: 500, currency: 'usd' })
    await stripe.promotionCodes.create({ promotion: { type: 'coupon', coupon: coupon.id }, code: 'FIVER' })
    const session = await stripe.checkout.sessions.create({
      mode: 'payment',
      line_items: [{ price: price.id, quantity: 1 }],
      allow_promotion_codes: true,
      // The emulator's own root answers 200, so the browser can land on it after paying.
      success_url: `${t.url}/?session_id={CHECKOUT_SESSION_ID}`,
    })
    const page = await browser.newPage()
    page.setDefaultTimeout(20_000)
    await page.goto(session.url ?? '')
    await expect(page.locator('.banner').textContent()).resolves.toContain('Test mode')

    await page.fill('input[name="promotionCode"]', 'FIVER')
    await page.click('button[type="submit"]')
    await expect(page.locator('[data-discount]').textContent()).resolves.toContain('$5.00')
    await expect(page.locator('[data-amount-total]').getAttribute('data-amount-total')).resolves.toBe('2000')

    await page.fill('input[name="email"]', 'browser@example.com')
    await page.fill('input[name="cardNumber"]', '4000 0000 0000 0002')
    await page.fill('input[name="cardExpiry"]', '12 / 34')
    await page.fill('input[name="cardCvc"]', '123')
    await page.fill('input[name="cardName"]', 'Browser Buyer')
    await page.click('button[type="submit"]')
    await expect(page.locator('[data-error]').textContent()).resolves.toContain('Your card was declined.')

    await page.fill('input[name="cardNumber"]', '4242 4242 4242 4242')
    await page.click('button[type="submit"]')
    await page.waitForURL(/session_id=cs_test_/)
    expect(new URL(page.url()).searchParams.get('session_id')).toBe(session.id)
    const done = await stripe.checkout.sessions.retrieve(session.id)
    expect(done.status).toBe('complete')
    expect(done.amount_total).toBe(2000)
    await page.close()
  }, 90_000)

  it('switches to SEPA Direct Debit for a EUR payment and completes it unpaid while processing', async () => {
    const stripe = t.stripe
    const price = await stripe.prices.create({
      currency: 'eur',
      unit_amount: 1200,
      product_data: { name: 'Berlin print' },
    })
    const session = await stripe.checkout.sessions.create({
      mode: 'payment',
      line_items: [{ price: price.id, quantity: 1 }],
      success_url: `${t.url}/?session_id={CHECKOUT_SESSION_ID}`,
    })
    const page = await browser.newPage()
    page.setDefaultTimeout(20_000)
    await page.goto(session.url ?? '')
    // Card is chosen first; the IBAN fields appear only once SEPA is picked.
    await expect(page.locator('input[name="cardNumber"]').isVisible()).resolves.toBe(true)
    await expect(page.locator('input[name="iban"]').isVisible()).resolves.toBe(false)
    await page.check('#methodSepa')
    await expect(page.locator('input[name="cardNumber"]').isVisible()).resolves.toBe(false)
    await page.fill('input[name="email"]', 'sepa@example.com')
    await page.fill('input[name="iban"]', 'AT61 1904 3002 3457 3201')
    await page.fill('input[name="ibanName"]', 'Ada Lovelace')
    await page.click('button[type="submit"]')
    await page.waitForURL(/session_id=cs_test_/)
    const done = await stripe.checkout.sessions.retrieve(session.id, { expand: ['payment_intent'] })
    expect(done.status).toBe('complete')
    expect(done.payment_status).toBe('unpaid')
    expect((done.payment_intent as { status: string }).status).toBe('processing')
    await page.close()
  }, 90_000)
})
