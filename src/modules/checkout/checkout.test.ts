/**
 * Starting Checkout through the form and the JSON API, on each dialect: session parameters,
 * reuse of an open session, "already owned", unknown prices, CORS, the buy-button script, the
 * cancel page and recovery of missed webhooks from GET /v1/events.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DIALECTS } from '../../../test/dialects.js'
import { createTestApp, type TestApp } from '../../../test/harness.js'
import { EVENT_HANDLERS, HANDLED_EVENT_TYPES } from '../../event-handlers.js'
import { findOrderBySessionId } from '../orders/repo.js'
import { buyAndPay, buyAndPayWithFaults, eventually, settle, startCheckout } from '../../../test/purchase.js'
import { processInboxNow } from '../webhooks/inbox-worker.js'
import { recoverMissedEvents } from '../webhooks/recover.js'
import { findPendingCheckout } from './repo.js'

const OTHER_SITE = 'http://static.example:8080'

describe.each(DIALECTS)('checkout on %s', (dialect) => {
  let t: TestApp

  beforeAll(async () => {
    t = await createTestApp({ dialect, config: { corsOrigins: [OTHER_SITE] } })
  })
  afterAll(async () => {
    await t?.close()
  })

  async function api(body: unknown, origin?: string): Promise<Response> {
    return t.request('/api/checkout-sessions', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(origin ? { origin } : {}) },
      body: JSON.stringify(body),
    })
  }

  it('creates a payment-mode session with our URLs, email and metadata', async () => {
    const email = `params-${dialect}@example.com`
    const { sessionId } = await startCheckout(t.agent(), { price: 'field-guide', email })
    const session = await t.stripe.checkout.sessions.retrieve(sessionId)
    expect(session).toMatchObject({
      mode: 'payment',
      status: 'open',
      customer_email: email,
      success_url: `${t.url}/checkout/success?session_id={CHECKOUT_SESSION_ID}`,
      cancel_url: `${t.url}/checkout/cancel`,
      metadata: { tollgate_price: 'field-guide', tollgate_quantity: '1' },
      amount_total: 1900,
      currency: 'usd',
    })
    expect(session.client_reference_id).toBeNull()
  })

  it('reuses the open session for the same email and price', async () => {
    const email = `reuse-${dialect}@example.com`
    const first = await startCheckout(t.agent(), { price: 'field-guide', email })
    const second = await startCheckout(t.agent(), { price: 'field-guide', email })
    expect(second.sessionId).toBe(first.sessionId)
    const other = await startCheckout(t.agent(), { price: 'workshop-notes', email })
    expect(other.sessionId).not.toBe(first.sessionId)
    const doubleClick = await Promise.all(
      [1, 2].map(() => startCheckout(t.agent(), { price: 'tokyo-edition-jpy', email })),
    )
    expect(doubleClick[1]?.sessionId).toBe(doubleClick[0]?.sessionId)
    const json = (await (await api({ price: 'field-guide', email })).json()) as { id: string }
    expect(json.id).toBe(first.sessionId)
  })

  it('an expired session is marked expired from its webhook and is not reused', async () => {
    const email = `expired-${dialect}@example.com`
    const first = await startCheckout(t.agent(), { price: 'field-guide', email })
    await t.stripe.checkout.sessions.expire(first.sessionId)
    await settle(t)
    expect((await findPendingCheckout(t.deps.db, first.sessionId))?.status).toBe('expired')
    const second = await startCheckout(t.agent(), { price: 'field-guide', email })
    expect(second.sessionId).not.toBe(first.sessionId)
    expect((await findPendingCheckout(t.deps.db, second.sessionId))?.status).toBe('open')
  })

  it('says so when the buyer already owns the product, and passes the signed-in customer along', async () => {
    const email = `owner-${dialect}@example.com`
    const browser = t.agent()
    const { successPath } = await buyAndPay(browser, { price: 'field-guide', email })
    await browser.request(successPath)
    await settle(t)
    const again = await browser.postForm('/checkout', { price: 'field-guide' })
    expect(again.status).toBe(409)
    expect(await again.text()).toContain('data-checkout="already-owned"')
    // The same form post from a client asking for JSON: the envelope, not the page.
    const againAsJson = await browser.request('/checkout', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams({ price: 'field-guide' }).toString(),
    })
    expect(againAsJson.status).toBe(409)
    expect(await againAsJson.json()).toMatchObject({ error: { code: 'ALREADY_OWNED' } })
    const byEmail = await api({ price: 'field-guide', email })
    expect(byEmail.status).toBe(409)
    const signedIn = await startCheckout(browser, { price: 'workshop-notes' })
    const session = await t.stripe.checkout.sessions.retrieve(signedIn.sessionId)
    expect(session.client_reference_id).toMatch(/^cu_/)
    expect(session.customer_email).toBe(email)
  })

  it('JSON API: 201 with id and url; unknown price is a 400 envelope; CORS only for configured origins', async () => {
    const created = await api({ price: 'tokyo-edition-jpy', quantity: 1 })
    expect(created.status).toBe(201)
    const body = (await created.json()) as { id: string; url: string }
    expect(body.id).toMatch(/^cs_/)
    expect(body.url).toContain(body.id)
    expect((await t.stripe.checkout.sessions.retrieve(body.id)).amount_total).toBe(1500)

    const unknown = await api({ price: 'no-such-price' })
    expect(unknown.status).toBe(400)
    expect(((await unknown.json()) as { error: { code: string; message: string } }).error).toMatchObject({
      code: 'PRICE_NOT_FOUND',
      message: expect.any(String),
    })
    // A recurring price starts a subscription Checkout (the guest flow; see test/e2e/guest-subscribe).
    const recurring = await api({ price: 'membership-monthly' })
    expect(recurring.status).toBe(201)
    const plan = (await recurring.json()) as { id: string }
    expect((await t.stripe.checkout.sessions.retrieve(plan.id)).mode).toBe('subscription')

    const preflight = await t.request('/api/checkout-sessions', {
      method: 'OPTIONS',
      headers: {
        origin: OTHER_SITE,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type',
      },
    })
    expect(preflight.status).toBeLessThan(300)
    expect(preflight.headers.get('access-control-allow-origin')).toBe(OTHER_SITE)
    const allowed = await api({ price: 'field-guide' }, OTHER_SITE)
    expect(allowed.headers.get('access-control-allow-origin')).toBe(OTHER_SITE)
    const denied = await api({ price: 'field-guide' }, 'http://evil.example')
    expect(denied.headers.get('access-control-allow-origin')).toBeNull()
  })

  it('serves the buy-button script and the cancel page', async () => {
    const script = await t.request('/tollgate.js')
    expect(script.status).toBe(200)
    expect(script.headers.get('content-type')).toMatch(/javascript/)
    expect(await script.text()).toContain('data-tollgate-price')
    const cancel = await t.request('/checkout/cancel')
    expect(cancel.status).toBe(200)
    const canceled = await cancel.text()
    expect(canceled).toContain('data-checkout="canceled"')
    // There is no cart: the page says nothing was bought.
    expect(canceled).not.toMatch(/\bcart\b/i)
    expect(canceled).toContain('nothing was bought')
  })

  it('recovers missed webhooks from GET /v1/events and fulfils from them', async () => {
    const email = `recover-${dialect}@example.com`
    const { sessionId } = await buyAndPayWithFaults(t, { drop: true }, { price: 'workshop-notes', email })
    await processInboxNow(t.deps, EVENT_HANDLERS)
    expect(await findOrderBySessionId(t.deps.db, sessionId)).toBeUndefined()
    expect(await recoverMissedEvents(t.deps, HANDLED_EVENT_TYPES)).toBeGreaterThan(0)
    await processInboxNow(t.deps, EVENT_HANDLERS)
    const order = await eventually(() => findOrderBySessionId(t.deps.db, sessionId))
    expect(order).toMatchObject({ price_lookup_key: 'workshop-notes' })
    expect(await recoverMissedEvents(t.deps, HANDLED_EVENT_TYPES)).toBe(0)
  })
})
