/**
 * Helpers for billing's own tests: a monthly price, a customer with a card (optionally on a test
 * clock), advancing a test clock through the real API, and reading the billing events a receiver
 * got in delivery order.
 * @module
 */
import type Stripe from 'stripe'
import { assertStripeShape } from '../shapes.js'
import type { Receiver } from '../testing.js'

export const DAY = 86_400
/** 2026-01-15T00:00:00Z: mid-month, so monthly periods are plain calendar months. */
export const T0 = 1_768_435_200

export async function monthlyPrice(
  stripe: Stripe,
  unitAmount = 900,
  interval: 'month' | 'year' = 'month',
): Promise<Stripe.Price> {
  return stripe.prices.create({
    currency: 'usd',
    unit_amount: unitAmount,
    recurring: { interval },
    product_data: { name: `Plan ${unitAmount}/${interval}` },
  })
}

/** A customer whose invoices are charged to a card (a magic id such as `pm_card_visa`). */
export async function customerWithCard(
  stripe: Stripe,
  card = 'pm_card_visa',
  clock?: string,
): Promise<{ customer: Stripe.Customer; paymentMethod: Stripe.PaymentMethod }> {
  const customer = await stripe.customers.create({
    email: 'member@example.com',
    ...(clock ? { test_clock: clock } : {}),
  })
  const paymentMethod = await stripe.paymentMethods.attach(card, { customer: customer.id })
  const updated = await stripe.customers.update(customer.id, {
    invoice_settings: { default_payment_method: paymentMethod.id },
  })
  return { customer: updated, paymentMethod }
}

/** Advances a test clock through the API and waits until it is `ready` again. */
export async function advanceClock(
  stripe: Stripe,
  clockId: string,
  frozenTime: number,
): Promise<Stripe.TestHelpers.TestClock> {
  await stripe.testHelpers.testClocks.advance(clockId, { frozen_time: frozenTime })
  for (let i = 0; i < 200; i++) {
    const clock = await stripe.testHelpers.testClocks.retrieve(clockId)
    if (clock.status === 'ready') return clock
    await new Promise((r) => setTimeout(r, 25))
  }
  throw new Error(`test clock ${clockId} did not become ready`)
}

const BILLING = /^(customer\.subscription\.|invoice\.|test_helpers\.)/

/** The subscription, invoice and clock events received, in delivery order. */
export function billingTypes(receiver: Receiver): string[] {
  return receiver.types().filter((t) => BILLING.test(t))
}

/** The received events of one type whose object is (or belongs to) `objectId`. */
export function eventsFor(receiver: Receiver, type: string, objectId?: string): Stripe.Event[] {
  return receiver.received
    .map((r) => r.event)
    .filter((e) => e.type === type)
    .filter((e) => {
      if (!objectId) return true
      const o = e.data.object as {
        id?: string
        parent?: { subscription_details?: { subscription?: string } }
      }
      return o.id === objectId || o.parent?.subscription_details?.subscription === objectId
    })
}

export function periodOf(sub: Stripe.Subscription): { start: number; end: number } {
  const item = sub.items.data[0]!
  return { start: item.current_period_start, end: item.current_period_end }
}

/** Checks every delivered event has Stripe's shape (event and object), then forgets them. */
export function drain(receiver: Receiver): void {
  for (const r of receiver.received) assertStripeShape(r.event)
  receiver.received.length = 0
}
