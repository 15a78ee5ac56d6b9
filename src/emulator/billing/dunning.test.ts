import type Stripe from 'stripe'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { type Receiver, startReceiver, startTestEmulator, type TestEmulator } from '../testing.js'
import {
  advanceClock,
  customerWithCard,
  DAY,
  drain,
  eventsFor,
  monthlyPrice,
  periodOf,
  T0,
} from './test-helpers.js'

// A shorter schedule that ends in `unpaid`, as an operator may configure it.
let t: TestEmulator
let stripe: Stripe
let receiver: Receiver
let price: Stripe.Price

beforeAll(async () => {
  t = await startTestEmulator({ dunning: { retryDays: [1, 2], finalAction: 'unpaid' } })
  stripe = t.stripe
  receiver = await startReceiver(stripe)
  price = await monthlyPrice(stripe)
})

afterAll(async () => {
  await receiver?.close()
  await t?.close()
})

beforeEach(async () => {
  await t.emulator.idle()
  drain(receiver)
})

/** A subscription on a fresh clock whose card starts failing before the first renewal. */
async function failingRenewal() {
  const clock = await stripe.testHelpers.testClocks.create({ frozen_time: T0 })
  const { customer } = await customerWithCard(stripe, 'pm_card_visa', clock.id)
  const sub = await stripe.subscriptions.create({ customer: customer.id, items: [{ price: price.id }] })
  const failing = await stripe.paymentMethods.attach('pm_card_chargeCustomerFail', { customer: customer.id })
  await stripe.subscriptions.update(sub.id, { default_payment_method: failing.id })
  const renewal = periodOf(sub).end
  await advanceClock(stripe, clock.id, renewal + 2 * 3600)
  await t.emulator.idle()
  return { clock, customer, sub, renewal }
}

describe('dunning with options { retryDays: [1, 2], finalAction: unpaid }', () => {
  it('retries on days 1 and 2 after the first failure, then leaves the subscription unpaid', async () => {
    const { clock, sub, renewal } = await failingRenewal()
    expect((await stripe.subscriptions.retrieve(sub.id)).status).toBe('past_due')
    await advanceClock(stripe, clock.id, renewal + 5 * DAY)
    await t.emulator.idle()
    const failures = eventsFor(receiver, 'invoice.payment_failed', sub.id).map(
      (e) => e.data.object as Stripe.Invoice,
    )
    expect(failures.map((i) => [i.attempt_count, i.next_payment_attempt])).toEqual([
      [1, renewal + 3600 + DAY],
      [2, renewal + 3600 + 2 * DAY],
      [3, null],
    ])
    const current = await stripe.subscriptions.retrieve(sub.id)
    expect(current.status).toBe('unpaid')
    expect(eventsFor(receiver, 'customer.subscription.deleted', sub.id)).toHaveLength(0)
    const statuses = eventsFor(receiver, 'customer.subscription.updated', sub.id).map(
      (e) => (e.data.object as Stripe.Subscription).status,
    )
    expect(statuses.slice(-2)).toEqual(['past_due', 'unpaid'])
  })

  it('recovers to active when a retry succeeds with a new card', async () => {
    const { clock, customer, sub, renewal } = await failingRenewal()
    drain(receiver)
    const good = await stripe.paymentMethods.attach('pm_card_visa', { customer: customer.id })
    await stripe.subscriptions.update(sub.id, { default_payment_method: good.id })
    await advanceClock(stripe, clock.id, renewal + 3600 + DAY + 60)
    await t.emulator.idle()
    expect(eventsFor(receiver, 'invoice.paid', sub.id)).toHaveLength(1)
    const updated = eventsFor(receiver, 'customer.subscription.updated', sub.id).at(-1)!
    expect((updated.data.object as Stripe.Subscription).status).toBe('active')
    expect(updated.data.previous_attributes).toMatchObject({ status: 'past_due' })
    const invoices = await stripe.invoices.list({ subscription: sub.id })
    expect(invoices.data[0]).toMatchObject({
      status: 'paid',
      attempt_count: 2,
      billing_reason: 'subscription_cycle',
    })
  })
})
