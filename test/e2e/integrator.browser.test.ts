/**
 * Issue 14's done-when, in headless Chromium on every dialect: an integrator with only a
 * `checkout:write` key starts an ad-hoc one-time and an ad-hoc monthly checkout with a required
 * billing address; the buyer pays in the browser on the emulator's Checkout page and lands back on
 * the integrator's page; the order holds amount, currency and address; the integrator's receiver
 * gets `order.paid` (and `subscription.created`) with a signature the Standard Webhooks library
 * verifies; the licence key each purchase came with validates online and, with only the JWKS
 * document, offline.
 */
import { createLocalJWKSet, type JSONWebKeySet, jwtVerify } from 'jose'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApiKey } from '../../src/modules/api-access/index.js'
import { LICENSE_TOKEN_TYPE } from '../../src/modules/licenses/index.js'
import { addWebhookEndpoint } from '../../src/modules/outbound-webhooks/index.js'
import { describeInBrowser, launchChromium } from '../browser.js'
import { DIALECTS } from '../dialects.js'
import { createTestApp, type TestApp } from '../harness.js'
import { eventually, settle } from '../purchase.js'
import { type Receiver, startReceiver } from '../receiver.js'

const JWS = /eyJ[\w-]+\.[\w-]+\.[\w-]+/

describeInBrowser('an integrator’s ad-hoc checkouts, paid in a real browser', () => {
  let browser: Browser
  beforeAll(async () => {
    browser = await launchChromium()
  }, 60_000)
  afterAll(() => browser?.close())

  describe.each(DIALECTS)('on %s', (dialect) => {
    let t: TestApp
    let receiver: Receiver
    let key: string
    const integrator = (): string => new URL(receiver.url).origin

    beforeAll(async () => {
      receiver = await startReceiver()
      t = await createTestApp({ dialect, config: { apiRedirectOrigins: [new URL(receiver.url).origin] } })
      const endpoint = await addWebhookEndpoint(t.deps.db, {
        url: receiver.url,
        events: ['order.paid', 'subscription.created'],
        now: t.deps.clock.now(),
      })
      receiver.setSecret(endpoint.secret)
      key = (
        await createApiKey(t.deps.db, { name: 'saas', now: t.deps.clock.now(), scopes: ['checkout:write'] })
      ).key
    }, 120_000)
    afterAll(async () => {
      await t?.close()
      await receiver?.close()
    })

    async function startCheckout(body: Record<string, unknown>): Promise<{ id: string; url: string }> {
      const res = await fetch(`${t.url}/api/v1/checkout-sessions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          billing_address_collection: 'required',
          success_url: `${integrator()}/paid`,
          cancel_url: `${integrator()}/cart`,
          grants: [{ feature: 'desktop-app' }],
          ...body,
        }),
      })
      expect(res.status).toBe(201)
      return (await res.json()) as { id: string; url: string }
    }

    async function payInBrowser(url: string, email: string): Promise<void> {
      const context = await browser.newContext()
      const page = await context.newPage()
      page.setDefaultTimeout(20_000)
      try {
        await page.goto(url)
        const emailField = page.locator('input[name="email"]')
        if (await emailField.isEditable()) await emailField.fill(email)
        await page.fill('input[name="cardNumber"]', '4242 4242 4242 4242')
        await page.fill('input[name="cardExpiry"]', '12 / 34')
        await page.fill('input[name="cardCvc"]', '123')
        await page.fill('input[name="cardName"]', 'Ada Buyer')
        await page.fill('input[name="addressLine1"]', '10 Rue de la Paix')
        await page.fill('input[name="addressCity"]', 'Paris')
        await page.fill('input[name="addressPostalCode"]', '75002')
        await page.fill('input[name="addressCountry"]', 'FR')
        await page.locator('form button[type="submit"], form input[type="submit"]').first().click()
        await page.waitForURL(`${integrator()}/paid`)
        await expect(page.locator('#back').textContent()).resolves.toContain('Back at the integrator')
      } finally {
        await context.close()
      }
    }

    async function checkLicence(licence: string): Promise<void> {
      const online = await fetch(`${t.url}/api/v1/licenses/validate`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ key: licence }),
      })
      expect(online.status).toBe(200)
      expect(await online.json()).toMatchObject({ valid: true, status: 'granted', feature: 'desktop-app' })
      const jwks = (await (await fetch(`${t.url}/.well-known/jwks.json`)).json()) as JSONWebKeySet
      const { payload } = await jwtVerify(licence, createLocalJWKSet(jwks), {
        issuer: t.url,
        typ: LICENSE_TOKEN_TYPE,
      })
      expect(payload).toMatchObject({ feature: 'desktop-app', activation_limit: 2 })
    }

    async function licenceMailed(to: string, template: string): Promise<string> {
      const mail = (await t.mail(to)).find((m) => m.template === template)
      const licence = JWS.exec(mail?.text ?? '')?.[0]
      if (!licence) throw new Error(`no licence key mailed to ${to}`)
      return licence
    }

    it('a one-time ad-hoc checkout: paid in the browser, the order, order.paid signed, the licence key', async () => {
      const email = `one-${dialect}@example.com`
      const started = await startCheckout({
        amount: 4200,
        currency: 'eur',
        product_name: 'Pro licence',
        customer_email: email,
        metadata: { account: 'acct-42' },
      })
      await payInBrowser(started.url, email)
      await settle(t)
      const order = await t.deps.db
        .selectFrom('orders')
        .selectAll()
        .where('stripe_checkout_session_id', '=', started.id)
        .executeTakeFirstOrThrow()
      expect(order).toMatchObject({ amount: 4200, currency: 'eur', status: 'paid' })
      expect(JSON.parse(order.billing_address ?? 'null')).toMatchObject({
        line1: '10 Rue de la Paix',
        city: 'Paris',
        postal_code: '75002',
        country: 'FR',
      })
      const paid = await eventually(async () => {
        await t.drain()
        return receiver.events.find((e) => e.type === 'order.paid' && e.data.id === order.id)
      })
      expect(paid.data).toMatchObject({
        amount: 4200,
        currency: 'eur',
        billing_address: { city: 'Paris', country: 'FR' },
        metadata: { account: 'acct-42' },
      })
      expect(receiver.rejected).toBe(0)
      await checkLicence(await licenceMailed(email, 'purchase-confirmation'))
    })

    it('a monthly ad-hoc checkout: a subscription tracked like a plan, subscription.created signed, its licence key', async () => {
      const email = `monthly-${dialect}@example.com`
      const started = await startCheckout({
        amount: 1500,
        currency: 'usd',
        product_name: 'Team plan',
        recurring: { interval: 'month' },
        customer_email: email,
      })
      await payInBrowser(started.url, email)
      await settle(t)
      const session = await t.stripe.checkout.sessions.retrieve(started.id)
      expect(session).toMatchObject({ amount_total: 1500, currency: 'usd', mode: 'subscription' })
      expect(session.customer_details?.address).toMatchObject({ city: 'Paris', country: 'FR' })
      const sub = await t.deps.db
        .selectFrom('subscriptions')
        .selectAll()
        .where('stripe_subscription_id', '=', String(session.subscription))
        .executeTakeFirstOrThrow()
      expect(sub).toMatchObject({ status: 'active', product_name: 'Team plan' })
      const created = await eventually(async () => {
        await t.drain()
        return receiver.events.find((e) => e.type === 'subscription.created' && e.data.id === sub.id)
      })
      expect(created.data).toMatchObject({ status: 'active', customer_id: sub.customer_id })
      await checkLicence(await licenceMailed(email, 'license-keys'))
    })
  })
})
