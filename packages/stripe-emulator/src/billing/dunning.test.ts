import type Stripe from 'stripe'
import { beforeAll, describe, expect, it } from 'vitest'
import { useEmulatorSuite } from '../test-suite.js'
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
const suite = useEmulatorSuite({ dunning: { retryDays: [1, 2], finalAction: 'unpaid' } })
let price: Stripe.Price

beforeAll(async () => {
  price = await monthlyPrice(suite.stripe)
})

/** A subscription on a fresh clock whose card starts failing before the first renewal. */
async function failingRenewal() {
  const clock = await suite.stripe.testHelpers.testClocks.create({ frozen_time: T0 })
  const { customer } = await customerWithCard(suite.stripe, 'pm_card_visa', clock.id)
  const sub = await suite.stripe.subscriptions.create({ customer: customer.id, items: [{ price: price.id }] })
  const failing = await suite.stripe.paymentMethods.attach('pm_card_chargeCustomerFail', {
    customer: customer.id,
  })
  await suite.stripe.subscriptions.update(sub.id, { default_payment_method: failing.id })
  const renewal = periodOf(sub).end
  await advanceClock(suite.stripe, clock.id, renewal + 2 * 3600)
  await suite.emulator.idle()
  return { clock, customer, sub, renewal }
}

describe('dunning with options { retryDays: [1, 2], finalAction: unpaid }', () => {
  it('retries on days 1 and 2 after the first failure, then leaves the subscription unpaid', async () => {
    const { clock, sub, renewal } = await failingRenewal()
    expect((await suite.stripe.subscriptions.retrieve(sub.id)).status).toBe('past_due')
    await advanceClock(suite.stripe, clock.id, renewal + 5 * DAY)
    await suite.emulator.idle()
    const failures = eventsFor(suite.receiver, 'invoice.payment_failed', sub.id).map(
      (e) => e.data.object as Stripe.Invoice,
    )
    expect(failures.map((i) => [i.attempt_count, i.next_payment_attempt])).toEqual([
      [1, renewal + 3600 + DAY],
      [2, renewal + 3600 + 2 * DAY],
      [3, null],
    ])
    const current = await suite.stripe.subscriptions.retrieve(sub.id)
    expect(current.status).toBe('unpaid')
    expect(eventsFor(suite.receiver, 'customer.subscription.deleted', sub.id)).toHaveLength(0)
    const statuses = eventsFor(suite.receiver, 'customer.subscription.updated', sub.id).map(
      (e) => (e.data.object as Stripe.Subscription).status,
    )
    expect(statuses.slice(-2)).toEqual(['past_due', 'unpaid'])
  })

  it('recovers to active when a retry succeeds with a new card', async () => {
    const { clock, customer, sub, renewal } = await failingRenewal()
    drain(suite.receiver)
    const good = await suite.stripe.paymentMethods.attach('pm_card_visa', { customer: customer.id })
    await suite.stripe.subscriptions.update(sub.id, { default_payment_method: good.id })
    await advanceClock(suite.stripe, clock.id, renewal + 3600 + DAY + 60)
    await suite.emulator.idle()
    expect(eventsFor(suite.receiver, 'invoice.paid', sub.id)).toHaveLength(1)
    const updated = eventsFor(suite.receiver, 'customer.subscription.updated', sub.id).at(-1)!
    expect((updated.data.object as Stripe.Subscription).status).toBe('active')
    expect(updated.data.previous_attributes).toMatchObject({ status: 'past_due' })
    const invoices = await suite.stripe.invoices.list({ subscription: sub.id })
    expect(invoices.data[0]).toMatchObject({
      status: 'paid',
      attempt_count: 2,
      billing_reason: 'subscription_cycle',
    })
  })
})
