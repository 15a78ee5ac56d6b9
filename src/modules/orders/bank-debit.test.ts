/**
 * One-time purchases paid by SEPA Direct Debit, the delayed-notification path: the session
 * completes unpaid, nothing is granted until the bank answers on emulator time, a second purchase
 * is refused meanwhile, and the bank's answer (paid or refused) is acted on once, whatever order
 * the events are processed in.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DIALECTS } from '../../../test/dialects.js'
import { createTestApp, type TestApp } from '../../../test/harness.js'
import { buyAndPay, IBANS, settle, tokenFrom } from '../../../test/purchase.js'
import { findPendingCheckout } from '../checkout/repo.js'
import { listGrantsOfSource } from '../entitlements/repo.js'
import { findOrderBySessionId } from './repo.js'

const PRICE = 'berlin-edition-eur'
/** Past the emulator's default processing time (10 s) for a bank debit. */
const BANK_ANSWERS = 60

describe.each(DIALECTS)('bank debit purchase on %s', (dialect) => {
  let t: TestApp

  beforeAll(async () => {
    // Manual workers: each test decides when the inbox runs, so events can pile up first.
    t = await createTestApp({ dialect, workers: 'manual' })
  })
  afterAll(async () => {
    await t?.close()
  })

  async function bankAnswers(): Promise<void> {
    await t.emulator.clock.advance(BANK_ANSWERS)
    await settle(t)
  }

  async function mailTemplates(email: string): Promise<string[]> {
    return (await t.mail(email)).map((m) => m.template)
  }

  it('shows processing, grants nothing and refuses a second purchase until the debit clears, then fulfils once', async () => {
    const email = `sepa-ok-${dialect}@example.com`
    const browser = t.agent()
    const { sessionId, successPath } = await buyAndPay(browser, { price: PRICE, email, iban: IBANS.succeeds })
    await settle(t)

    const processing = await browser.request(successPath)
    expect(processing.headers.get('refresh')).toBe('3')
    const processingHtml = await processing.text()
    expect(processingHtml).toContain('data-checkout="processing"')
    expect(tokenFrom(processingHtml)).toBeUndefined()
    expect(await findOrderBySessionId(t.deps.db, sessionId)).toBeUndefined()
    expect((await findPendingCheckout(t.deps.db, sessionId))?.status).toBe('processing')
    expect(await mailTemplates(email)).toEqual([])

    // Its refreshes answer from our record: with every Stripe request refused, still processing.
    t.emulator.faults.set({ rateLimit: 1000 })
    try {
      const refreshed = await browser.request(successPath)
      expect(refreshed.status).toBe(200)
      expect(await refreshed.text()).toContain('data-checkout="processing"')
    } finally {
      t.emulator.faults.clear()
    }

    const again = await t.agent().postForm('/checkout', { price: PRICE, email })
    expect(again.status).toBe(409)
    expect(await again.text()).toContain('still being processed')
    const api = await t.request('/api/checkout-sessions', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ price: PRICE, email }),
    })
    expect(api.status).toBe(409)
    expect(((await api.json()) as { error: { code: string } }).error.code).toBe('PAYMENT_PROCESSING')

    await bankAnswers()
    const order = await findOrderBySessionId(t.deps.db, sessionId)
    expect(order).toMatchObject({ status: 'paid', amount: 1200, currency: 'eur', price_lookup_key: PRICE })
    const grants = await listGrantsOfSource(t.deps.db, { type: 'order', id: order?.id ?? '' })
    expect(grants.map((g) => g.feature)).toEqual(['file:berlin-edition-pdf'])
    expect(await mailTemplates(email)).toEqual(['purchase-confirmation'])
    expect((await findPendingCheckout(t.deps.db, sessionId))?.status).toBe('complete')

    // The buyer still waiting on the processing page gets the token when it refreshes.
    const paid = await browser.request(successPath)
    expect(tokenFrom(await paid.text())).toBeDefined()
    const owned = await t.agent().postForm('/checkout', { price: PRICE, email })
    expect(owned.status).toBe(409)
    expect(await owned.text()).toContain('already own')
  })

  it('a refused debit grants nothing, tells the buyer once, and lets them buy again', async () => {
    const email = `sepa-refused-${dialect}@example.com`
    const browser = t.agent()
    const { sessionId, successPath } = await buyAndPay(browser, { price: PRICE, email, iban: IBANS.fails })
    await settle(t)
    expect((await findPendingCheckout(t.deps.db, sessionId))?.status).toBe('processing')

    await bankAnswers()
    expect(await findOrderBySessionId(t.deps.db, sessionId)).toBeUndefined()
    expect((await findPendingCheckout(t.deps.db, sessionId))?.status).toBe('failed')
    const mails = (await t.mail(email)).filter((m) => m.template === 'purchase-payment-failed')
    expect(mails).toHaveLength(1)
    expect(mails[0]?.subject).toBe('Your payment for Berlin Edition did not go through')

    const page = await (await browser.request(successPath)).text()
    expect(page).toContain('data-checkout="failed"')
    expect(tokenFrom(page)).toBeUndefined()

    const retry = await t.agent().postForm('/checkout', { price: PRICE, email })
    expect(retry.status).toBe(303)
    expect(retry.headers.get('location')).not.toContain(sessionId)
  })

  it("acts on the bank's answer once when checkout.session.completed is processed after it", async () => {
    const email = `sepa-late-${dialect}@example.com`
    const { sessionId } = await buyAndPay(t.agent(), { price: PRICE, email, iban: IBANS.fails })
    // Nothing is processed until the bank has answered: completed and async_payment_failed
    // wait in the inbox together, and completed re-fetches a session that has already failed.
    await t.emulator.idle()
    await t.emulator.clock.advance(BANK_ANSWERS)
    await t.emulator.idle()
    const queued = await t.deps.db
      .selectFrom('stripe_events')
      .select('type')
      .where('handled_at', 'is', null)
      .execute()
    expect(queued.map((e) => e.type)).toEqual(
      expect.arrayContaining(['checkout.session.completed', 'checkout.session.async_payment_failed']),
    )
    await settle(t)
    expect((await findPendingCheckout(t.deps.db, sessionId))?.status).toBe('failed')
    expect(await mailTemplates(email)).toEqual(['purchase-payment-failed'])
    expect(await findOrderBySessionId(t.deps.db, sessionId)).toBeUndefined()
  })
})
