import type Stripe from 'stripe'
import { beforeAll, describe, expect, it } from 'vitest'
import { useEmulatorSuite } from '../test-suite.js'
import { DAY, eventsFor, monthlyPrice, periodOf } from './test-helpers.js'

const suite = useEmulatorSuite()
let price: Stripe.Price

const CARD = {
  email: 'member@example.com',
  cardNumber: '4242424242424242',
  cardExpiry: '12/34',
  cardCvc: '123',
  cardName: 'Mem Ber',
}

beforeAll(async () => {
  price = await monthlyPrice(suite.stripe, 1000)
})

/** Pays a session on the hosted Checkout page with a card, as a browser's form post does. */
async function payOnPage(session: Stripe.Checkout.Session): Promise<Stripe.Checkout.Session> {
  const res = await fetch(session.url ?? '', {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(CARD).toString(),
  })
  expect(res.status).toBe(303)
  await suite.emulator.idle()
  return suite.stripe.checkout.sessions.retrieve(session.id, { expand: ['subscription'] })
}

describe('subscriptions started by Checkout', () => {
  it('honours subscription_data (trial, metadata) and applies the once coupon to the first charged invoice', async () => {
    const coupon = await suite.stripe.coupons.create({ percent_off: 25, duration: 'once' })
    const session = await suite.stripe.checkout.sessions.create({
      mode: 'subscription',
      line_items: [{ price: price.id, quantity: 1 }],
      success_url: 'http://shop.test/ok',
      subscription_data: { trial_period_days: 14, metadata: { plan: 'pro' } },
      discounts: [{ coupon: coupon.id }],
    })
    const done = await payOnPage(session)
    const sub = done.subscription as Stripe.Subscription
    expect(sub).toMatchObject({ status: 'trialing', metadata: { plan: 'pro' } })
    expect(sub.trial_end).toBe(sub.start_date + 14 * DAY)
    expect(sub.discounts).toHaveLength(1)
    expect(typeof sub.default_payment_method).toBe('string')
    const trialInvoice = await suite.stripe.invoices.retrieve(String(done.invoice))
    expect(trialInvoice).toMatchObject({ amount_due: 0, status: 'paid', total_discount_amounts: [] })
    expect(trialInvoice.parent?.subscription_details?.metadata).toEqual({ plan: 'pro' })

    await suite.emulator.clock.advance(periodOf(sub).end - suite.emulator.clock.now() + 2 * 3600)
    const afterTrial = (await suite.stripe.invoices.list({ subscription: sub.id, limit: 1 })).data[0]!
    expect(afterTrial).toMatchObject({ subtotal: 1000, total: 750, amount_paid: 750, status: 'paid' })
    const later = periodOf(await suite.stripe.subscriptions.retrieve(sub.id)).end
    await suite.emulator.clock.advance(later - suite.emulator.clock.now() + 2 * 3600)
    expect((await suite.stripe.invoices.list({ subscription: sub.id, limit: 1 })).data[0]).toMatchObject({
      total: 1000,
    })
  })

  it('emits the subscription and first-invoice events before checkout.session.completed', async () => {
    const session = await suite.stripe.checkout.sessions.create({
      mode: 'subscription',
      line_items: [{ price: price.id, quantity: 2 }],
      success_url: 'http://shop.test/ok',
    })
    const done = await payOnPage(session)
    const sub = done.subscription as Stripe.Subscription
    expect(sub.status).toBe('active')
    expect(sub.items.data[0]?.quantity).toBe(2)
    const order = suite.receiver
      .types()
      .filter((x) => /^(customer\.subscription|invoice\.|checkout\.session)/.test(x))
    expect(order).toEqual([
      'customer.subscription.created',
      'invoice.created',
      'invoice.finalized',
      'invoice.paid',
      'invoice.payment_succeeded',
      'customer.subscription.updated',
      'checkout.session.completed',
    ])
    expect(
      (eventsFor(suite.receiver, 'invoice.paid', sub.id)[0]!.data.object as Stripe.Invoice).amount_paid,
    ).toBe(2000)
  })
})
