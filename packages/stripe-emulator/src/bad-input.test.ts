/**
 * Every API route, with real ids and with unknown ones, against a battery of malformed parameters:
 * the answer is Stripe's error envelope with a 4xx, or a 2xx, and never a 500 (issue: bad input
 * gets Stripe's own answers, never a crash).
 */
import type Stripe from 'stripe'
import { describe, expect, it } from 'vitest'
import { allRoutes } from './registry.js'
import { useEmulatorSuite } from './test-suite.js'
import { TEST_KEY } from './testing.js'

const MALFORMED = [
  '',
  'colour=red',
  'limit=abc',
  'limit=-5',
  'expand[]=nothing.here',
  'expand[0][x]=1',
  'metadata=scalar',
  'metadata[a][b]=1',
  'amount=1.5',
  'amount=-100',
  'currency=zzz',
  'customer=cus_missing',
  'price=price_missing',
  'items[0][price]=price_missing',
  'items=notalist',
  'line_items[0][price]=price_missing&line_items[0][quantity]=1',
  'line_items[x]=1',
  'mode=bogus',
  'mode=subscription&line_items[0][price]=price_missing',
  'created[gt]=abc',
  'created=abc',
  'starting_after=zz_missing',
  'ending_before=zz_missing',
  'type=sepa_debit',
  'card[number]=4242424242424242',
  'a[=1',
  'name[]=x',
  'email[x]=y',
  'quantity=abc',
  'trial_end=now',
  'trial_end=abc',
  'proration_behavior=bogus',
  'cancel_at=abc',
  'frozen_time=abc',
  'recurring[interval]=fortnight',
  'unit_amount=abc',
  'coupon=missing',
  'promotion=x',
  'enabled_events[]=bogus.event',
  'url=not a url',
]

const suite = useEmulatorSuite()

/** One object of every kind a route path can name, keyed by the path's resource segment. */
async function fixtures(s: Stripe): Promise<{ ids: Record<string, string>; productFeature: string }> {
  const product = await s.products.create({ name: 'Fuzz' })
  const monthly = await s.prices.create({
    product: product.id,
    currency: 'usd',
    unit_amount: 500,
    recurring: { interval: 'month' },
  })
  const once = await s.prices.create({ product: product.id, currency: 'usd', unit_amount: 700 })
  const customer = await s.customers.create({
    email: 'fuzz@example.com',
    payment_method: 'pm_card_visa',
    invoice_settings: { default_payment_method: 'pm_card_visa' },
  })
  const sub = await s.subscriptions.create({ customer: customer.id, items: [{ price: monthly.id }] })
  const session = await s.checkout.sessions.create({
    mode: 'payment',
    line_items: [{ price: once.id, quantity: 1 }],
    success_url: 'http://shop.test/ok',
  })
  const open = await s.paymentIntents.create({ amount: 1000, currency: 'usd' })
  const paid = await s.paymentIntents.create({
    amount: 1000,
    currency: 'usd',
    payment_method: 'pm_card_visa',
    confirm: true,
  })
  const refund = await s.refunds.create({ payment_intent: paid.id, amount: 100 })
  const coupon = await s.coupons.create({ percent_off: 10 })
  const promo = await s.promotionCodes.create({
    promotion: { type: 'coupon', coupon: coupon.id },
    code: 'FUZZ',
  })
  const clock = await s.testHelpers.testClocks.create({ frozen_time: Math.floor(Date.now() / 1000) })
  const endpoint = await s.webhookEndpoints.create({ url: 'http://127.0.0.1:9/hook', enabled_events: ['*'] })
  const config = await s.billingPortal.configurations.create({
    features: { invoice_history: { enabled: true } },
  })
  const feature = await s.entitlements.features.create({ name: 'Fuzz feature', lookup_key: 'fuzz' })
  const productFeature = await s.products.createFeature(product.id, { entitlement_feature: feature.id })
  const pm = await s.paymentMethods.create({ type: 'card', card: { token: 'tok_visa' } })
  const item = await s.invoiceItems.create({ customer: customer.id, amount: 300, currency: 'usd' })
  const event = (await s.events.list({ limit: 1 })).data[0]
  const entitlement = (await s.entitlements.activeEntitlements.list({ customer: customer.id })).data[0]
  return {
    productFeature: productFeature.id,
    ids: {
      billing_portal_configurations: config.id,
      charges: String(paid.latest_charge),
      checkout_sessions: session.id,
      coupons: coupon.id,
      customers: customer.id,
      entitlements_active_entitlements: entitlement?.id ?? 'ent_missing',
      entitlements_features: feature.id,
      events: event?.id ?? 'evt_missing',
      invoiceitems: item.id,
      invoices: String(sub.latest_invoice),
      payment_intents: open.id,
      payment_methods: pm.id,
      payment_pages: session.id,
      prices: monthly.id,
      products: product.id,
      promotion_codes: promo.id,
      refunds: refund.id,
      subscription_items: sub.items.data[0]?.id ?? 'si_missing',
      subscriptions: sub.id,
      test_helpers_test_clocks: clock.id,
      webhook_endpoints: endpoint.id,
    },
  }
}

async function call(method: string, path: string, params: string): Promise<{ status: number; body: string }> {
  const post = method === 'post'
  const res = await fetch(`${suite.t.url}${path}${post ? '' : `?${params}`}`, {
    method: method.toUpperCase(),
    headers: { authorization: `Bearer ${TEST_KEY}`, 'content-type': 'application/x-www-form-urlencoded' },
    ...(post ? { body: params } : {}),
  })
  return { status: res.status, body: await res.text() }
}

function hasErrorEnvelope(body: string): boolean {
  try {
    const parsed = JSON.parse(body) as { error?: { type?: unknown; message?: unknown } }
    return typeof parsed.error?.type === 'string' && typeof parsed.error.message === 'string'
  } catch {
    return false
  }
}

describe('malformed input on every route', () => {
  it('gets a 4xx with Stripe’s error envelope (or a 2xx), never a 500', async () => {
    const { ids, productFeature } = await fixtures(suite.stripe)
    // Deletes last, so the other routes still find the fixtures.
    const routes = [...allRoutes()].sort(
      (a, b) => Number(a.method === 'delete') - Number(b.method === 'delete'),
    )
    const wrong: string[] = []
    let clientErrors = 0
    for (const route of routes) {
      const resource =
        route.path
          .replace(/^\/v1\//, '')
          .split('/:id')[0]
          ?.replaceAll('/', '_') ?? ''
      for (const id of [ids[resource], 'zz_missing']) {
        const path = route.path.replace(':id', id ?? 'zz_missing').replace(':feature', productFeature)
        for (const params of MALFORMED) {
          const { status, body } = await call(route.method, path, params)
          if (status >= 400) clientErrors++
          const envelope = status < 400 || hasErrorEnvelope(body)
          if (status >= 500 || !envelope)
            wrong.push(`${route.method} ${path} [${params}] → ${status} ${body.slice(0, 200)}`)
        }
      }
    }
    expect(wrong).toEqual([])
    // The battery reaches the handlers' own validation, not only the 404 for unknown ids.
    expect(clientErrors).toBeGreaterThan(routes.length * MALFORMED.length)
  }, 600_000) // thousands of requests; slow on a loaded two-core machine
})
