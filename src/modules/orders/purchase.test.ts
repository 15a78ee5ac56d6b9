/**
 * One-time purchases end to end through the real SDK against the emulator, on each dialect:
 * fulfilment happens once whatever the delivery pattern, the success page reveals the token once,
 * a declined card grants nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DIALECTS } from '../../../test/dialects.js'
import { createTestApp, type TestApp } from '../../../test/harness.js'
import {
  buyAndPay,
  buyAndPayWithFaults,
  CARDS,
  completedEventOf,
  payHostedCheckout,
  postSignedWebhook,
  settle,
  startCheckout,
  tokenFrom,
} from '../../../test/purchase.js'
import { EVENT_HANDLERS } from '../../event-handlers.js'
import { listGrantsOfSource } from '../entitlements/repo.js'
import { processInboxNow } from '../webhooks/inbox-worker.js'
import { fulfilCheckoutSession } from './fulfil.js'
import { findOrderBySessionId } from './repo.js'

describe.each(DIALECTS)('one-time purchase on %s', (dialect) => {
  let t: TestApp

  beforeAll(async () => {
    t = await createTestApp({ dialect })
  })
  afterAll(async () => {
    await t?.close()
  })

  async function expectFulfilledOnce(sessionId: string, email: string): Promise<string> {
    const order = await findOrderBySessionId(t.deps.db, sessionId)
    expect(order).toMatchObject({
      status: 'paid',
      price_lookup_key: 'field-guide',
      amount: 1900,
      currency: 'usd',
    })
    const grants = await listGrantsOfSource(t.deps.db, { type: 'order', id: order?.id ?? '' })
    expect(grants.map((g) => g.feature)).toEqual(['file:field-guide-pdf'])
    expect(grants[0]?.ends_at).toBeNull()
    const mails = (await t.mail(email)).filter((m) => m.template === 'purchase-confirmation')
    expect(mails).toHaveLength(1)
    expect(mails[0]?.text).toContain(
      'Thank you for buying The Tollgate Field Guide. You have access forever.',
    )
    return order?.id ?? ''
  }

  it('webhook first: fulfils once, then the success page reveals the token once and signs in', async () => {
    const email = `webhook-first-${dialect}@example.com`
    const browser = t.agent()
    const { sessionId, successPath } = await buyAndPay(browser, { price: 'field-guide', email })
    await settle(t)
    await expectFulfilledOnce(sessionId, email)

    const success = await browser.request(successPath)
    expect(success.status).toBe(200)
    const html = await success.text()
    const token = tokenFrom(html)
    expect(token).toBeDefined()
    expect(browser.cookies.has('tollgate_session')).toBe(true)
    // The page that signed the buyer in already shows them signed in.
    expect(html).toContain(`title="${email}"`)
    const mail = (await t.mail(email)).find((m) => m.template === 'purchase-confirmation')
    expect(mail?.text).toContain(token)

    const again = t.agent()
    const second = await again.request(successPath)
    expect(second.status).toBe(200)
    const secondHtml = await second.text()
    expect(tokenFrom(secondHtml)).toBeUndefined()
    expect(secondHtml).toContain('data-token-already-shown')
    expect(again.cookies.has('tollgate_session')).toBe(false)
    await expectFulfilledOnce(sessionId, email)

    const library = await (await browser.request('/library')).text()
    expect(library).toContain('data-file-id="field-guide-pdf"')
    expect(library).toContain('Access forever')
  })

  it('success page racing the webhook grants once', async () => {
    const email = `race-${dialect}@example.com`
    t.emulator.faults.set({ delayMs: 400 })
    try {
      const browser = t.agent()
      const { sessionId, successPath } = await buyAndPay(browser, { price: 'field-guide', email })
      const [page] = await Promise.all([
        browser.request(successPath),
        processInboxNow(t.deps, EVENT_HANDLERS),
      ])
      expect(tokenFrom(await page.text())).toBeDefined()
      await settle(t)
      await expectFulfilledOnce(sessionId, email)
    } finally {
      t.emulator.faults.clear()
    }
  })

  it('duplicate and concurrent deliveries of one event grant once', async () => {
    const email = `dupes-${dialect}@example.com`
    const { sessionId } = await buyAndPayWithFaults(t, { duplicate: true }, { price: 'field-guide', email })
    const payload = JSON.stringify(await completedEventOf(t, sessionId), null, 2)
    const deliveries = Array.from({ length: 5 }, () => postSignedWebhook(t, payload))
    const statuses = (await Promise.all(deliveries)).map((r) => r.status)
    expect(statuses).toEqual([200, 200, 200, 200, 200])
    await Promise.all([
      processInboxNow(t.deps, EVENT_HANDLERS),
      processInboxNow(t.deps, EVENT_HANDLERS),
      processInboxNow(t.deps, EVENT_HANDLERS),
    ])
    // Direct concurrent fulfilment of the same session: still one order.
    const session = await t.stripe.checkout.sessions.retrieve(sessionId)
    const results = await Promise.all(
      [1, 2, 3].map(() =>
        t.deps.db.transaction().execute((trx) => fulfilCheckoutSession(t.deps, trx, session)),
      ),
    )
    // The background inbox worker may still hold the event under its lease: one of all these wins.
    expect(results.filter((r) => r.status === 'created').length).toBeLessThanOrEqual(1)
    await settle(t)
    await expectFulfilledOnce(sessionId, email)
  })

  it('concurrent first fulfilments race on the unique session id and grant once', async () => {
    const email = `concurrent-${dialect}@example.com`
    const { sessionId } = await buyAndPayWithFaults(t, { drop: true }, { price: 'field-guide', email })
    expect(await findOrderBySessionId(t.deps.db, sessionId)).toBeUndefined()
    const session = await t.stripe.checkout.sessions.retrieve(sessionId)
    const results = await Promise.all(
      [1, 2, 3, 4].map(() =>
        t.deps.db.transaction().execute((trx) => fulfilCheckoutSession(t.deps, trx, session)),
      ),
    )
    expect(results.filter((r) => r.status === 'created')).toHaveLength(1)
    await expectFulfilledOnce(sessionId, email)
  })

  it('a declined card shows an error on Checkout and grants nothing', async () => {
    const email = `declined-${dialect}@example.com`
    const { url, sessionId } = await startCheckout(t.agent(), { price: 'field-guide', email })
    const paid = await payHostedCheckout(url, { email, card: CARDS.declined })
    expect(paid.location).toBeNull()
    expect(paid.html.toLowerCase()).toContain('declined')
    await settle(t)
    expect(await findOrderBySessionId(t.deps.db, sessionId)).toBeUndefined()
    const session = await t.stripe.checkout.sessions.retrieve(sessionId)
    expect(session.status).toBe('open')
    const success = await t.agent().request(`/checkout/success?session_id=${sessionId}`)
    expect(await success.text()).toContain('data-checkout="unpaid"')
    expect(await findOrderBySessionId(t.deps.db, sessionId)).toBeUndefined()
  })

  it('a success URL opened over an hour after fulfilment neither shows the token nor signs in', async () => {
    const email = `late-${dialect}@example.com`
    const { sessionId, successPath } = await buyAndPay(t.agent(), { price: 'field-guide', email })
    await settle(t)
    await t.emulator.clock.advance(2 * 3600)
    const late = t.agent()
    const html = await (await late.request(successPath)).text()
    expect(tokenFrom(html)).toBeUndefined()
    expect(html).toContain('data-token-already-shown')
    expect(late.cookies.has('tollgate_session')).toBe(false)
    await expectFulfilledOnce(sessionId, email)
  })
})

/** @see issue 12: Stripe delivers in parallel and in no order; the emulator can too. */
describe.each(DIALECTS)('eight buyers at once, Stripe delivering 8 at a time and twice, on %s', (dialect) => {
  let t: TestApp

  beforeAll(async () => {
    t = await createTestApp({ dialect, emulator: { webhookConcurrency: 8 } })
  })
  afterAll(async () => {
    await t?.close()
  })

  it('fulfils each purchase exactly once', async () => {
    t.emulator.faults.set({ duplicate: true })
    try {
      const since = Date.now()
      const buyers = Array.from({ length: 8 }, (_, i) => `parallel-${i}-${dialect}@example.com`)
      const bought = await Promise.all(
        buyers.map((email) => buyAndPay(t.agent(), { price: 'field-guide', email })),
      )
      await settle(t)
      for (const [i, { sessionId }] of bought.entries()) {
        const order = await findOrderBySessionId(t.deps.db, sessionId)
        expect(order?.status).toBe('paid')
        const grants = await listGrantsOfSource(t.deps.db, { type: 'order', id: order?.id ?? '' })
        expect(grants.map((g) => g.feature)).toEqual(['file:field-guide-pdf'])
        const mails = (await t.mail(buyers[i])).filter((m) => m.template === 'purchase-confirmation')
        expect(mails).toHaveLength(1)
      }
      // Every delivery of the purchases was accepted at once: none failed and had to be retried.
      const deliveries = t.emulator.deliveries().filter((d) => d.at >= since)
      expect(deliveries.length).toBeGreaterThanOrEqual(8 * 2 * 4)
      expect(deliveries.filter((d) => !d.ok)).toEqual([])
    } finally {
      t.emulator.faults.clear()
    }
  })
})
