import type Stripe from 'stripe'
import { beforeAll, describe, expect, it } from 'vitest'
import { assertStripeShape } from '../shapes.js'
import { useEmulatorSuite } from '../test-suite.js'
import {
  advanceClock,
  billingTypes,
  customerWithCard,
  DAY,
  drain,
  eventsFor,
  monthlyPrice,
  periodOf,
  T0,
} from './test-helpers.js'

const suite = useEmulatorSuite()
let price: Stripe.Price

beforeAll(async () => {
  price = await monthlyPrice(suite.stripe)
})

async function invoicesOf(sub: string): Promise<Stripe.Invoice[]> {
  return (await suite.stripe.invoices.list({ subscription: sub, limit: 100 })).data
}

describe('subscription renewal and dunning on a test clock', () => {
  it('subscribes, renews twice, then a failing card goes past_due and is canceled after the retries', async () => {
    const clock = await suite.stripe.testHelpers.testClocks.create({ frozen_time: T0, name: 'renewals' })
    assertStripeShape(clock)
    const { customer } = await customerWithCard(suite.stripe, 'pm_card_visa', clock.id)
    const sub = await suite.stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: price.id }],
      metadata: { plan: 'basic' },
    })
    assertStripeShape(sub)
    expect(sub.status).toBe('active')
    expect(sub.test_clock).toBe(clock.id)
    expect(periodOf(sub)).toEqual({ start: T0, end: T0 + 31 * DAY })
    const first = await suite.stripe.invoices.retrieve(String(sub.latest_invoice), { expand: ['payments'] })
    assertStripeShape(first)
    expect(first).toMatchObject({
      status: 'paid',
      billing_reason: 'subscription_create',
      amount_due: 900,
      amount_paid: 900,
      amount_remaining: 0,
    })
    expect(first.parent?.subscription_details?.subscription).toBe(sub.id)
    expect(first.parent?.subscription_details?.metadata).toEqual({ plan: 'basic' })
    expect('subscription' in first).toBe(false)
    expect(first.payments?.data[0]?.payment.payment_intent).toMatch(/^pi_/)
    expect(first.payments?.data[0]).toMatchObject({
      object: 'invoice_payment',
      invoice: first.id,
      amount_paid: 900,
      status: 'paid',
    })
    assertStripeShape(first.lines.data[0])
    expect(first.lines.data[0]?.id).toMatch(/^il_/)
    await suite.emulator.idle()
    expect(billingTypes(suite.receiver)).toEqual([
      'test_helpers.test_clock.created',
      'customer.subscription.created',
      'invoice.created',
      'invoice.finalized',
      'invoice.paid',
      'invoice.payment_succeeded',
      'customer.subscription.updated',
    ])
    const payments = suite.receiver.received.filter((r) => r.event.type === 'invoice_payment.paid')
    expect(payments.map((r) => (r.event.data.object as { invoice: string }).invoice)).toEqual([first.id])
    expect(suite.receiver.types().indexOf('invoice_payment.paid')).toBe(
      suite.receiver.types().indexOf('invoice.payment_succeeded') + 1,
    )

    // First renewal: the draft appears at period end, is charged an hour later.
    drain(suite.receiver)
    await advanceClock(suite.stripe, clock.id, T0 + 31 * DAY + 2 * 3600)
    await suite.emulator.idle()
    expect(billingTypes(suite.receiver)).toEqual([
      'test_helpers.test_clock.advancing',
      'invoice.upcoming',
      'invoice.created',
      'customer.subscription.updated',
      'invoice.finalized',
      'invoice.paid',
      'invoice.payment_succeeded',
      'test_helpers.test_clock.ready',
    ])
    // A week before the renewal: the invoice it will create, which has no id yet.
    const upcoming = eventsFor(suite.receiver, 'invoice.upcoming')[0]!
    expect(upcoming.created).toBe(T0 + 24 * DAY)
    const preview = upcoming.data.object as Stripe.Invoice
    expect(preview.id).toBeUndefined()
    expect(preview).toMatchObject({
      amount_due: price.unit_amount,
      billing_reason: 'subscription_cycle',
      next_payment_attempt: T0 + 31 * DAY + 3600,
      parent: { subscription_details: { subscription: sub.id } },
    })
    expect(preview.lines.data[0]?.period).toEqual({ start: T0 + 31 * DAY, end: T0 + 59 * DAY })
    const created = eventsFor(suite.receiver, 'invoice.created', sub.id)[0]!
    expect((created.data.object as Stripe.Invoice).status).toBe('draft')
    expect(created.created).toBe(T0 + 31 * DAY)
    const updated = eventsFor(suite.receiver, 'customer.subscription.updated', sub.id)[0]!
    expect(updated.data.previous_attributes).toHaveProperty('items')
    let current = await suite.stripe.subscriptions.retrieve(sub.id)
    expect(periodOf(current)).toEqual({ start: T0 + 31 * DAY, end: T0 + 59 * DAY })

    // Second renewal.
    await advanceClock(suite.stripe, clock.id, T0 + 59 * DAY + 2 * 3600)
    let invoices = await invoicesOf(sub.id)
    expect(invoices.map((i) => [i.billing_reason, i.status])).toEqual([
      ['subscription_cycle', 'paid'],
      ['subscription_cycle', 'paid'],
      ['subscription_create', 'paid'],
    ])

    // The card starts failing: the third renewal fails and is retried on days 3, 5 and 7.
    const failing = await suite.stripe.paymentMethods.attach('pm_card_chargeCustomerFail', {
      customer: customer.id,
    })
    await suite.stripe.subscriptions.update(sub.id, { default_payment_method: failing.id })
    await suite.emulator.idle()
    drain(suite.receiver)
    const renewal = T0 + 90 * DAY
    await advanceClock(suite.stripe, clock.id, renewal + 2 * 3600)
    await suite.emulator.idle()
    current = await suite.stripe.subscriptions.retrieve(sub.id)
    expect(current.status).toBe('past_due')
    const failed = eventsFor(suite.receiver, 'invoice.payment_failed', sub.id)
    expect(failed).toHaveLength(1)
    const failedInvoice = failed[0]!.data.object as Stripe.Invoice
    expect(failedInvoice.attempt_count).toBe(1)
    expect(failedInvoice.next_payment_attempt).toBe(renewal + 3600 + 3 * DAY)
    expect(billingTypes(suite.receiver)).toEqual([
      'test_helpers.test_clock.advancing',
      'invoice.upcoming',
      'invoice.created',
      'customer.subscription.updated',
      'invoice.finalized',
      'invoice.payment_failed',
      'customer.subscription.updated',
      'test_helpers.test_clock.ready',
    ])
    expect(suite.receiver.types()).toContain('charge.failed')

    drain(suite.receiver)
    await advanceClock(suite.stripe, clock.id, renewal + 8 * DAY)
    await suite.emulator.idle()
    expect(
      eventsFor(suite.receiver, 'invoice.payment_failed', sub.id).map(
        (e) => (e.data.object as Stripe.Invoice).attempt_count,
      ),
    ).toEqual([2, 3, 4])
    const deleted = eventsFor(suite.receiver, 'customer.subscription.deleted', sub.id)
    expect(deleted).toHaveLength(1)
    const ended = deleted[0]!.data.object as Stripe.Subscription
    expect(ended.status).toBe('canceled')
    expect(ended.cancellation_details?.reason).toBe('payment_failed')
    expect(deleted[0]!.created).toBe(renewal + 3600 + 7 * DAY)
    invoices = await invoicesOf(sub.id)
    expect(invoices[0]?.status).toBe('open')
    const all = await suite.stripe.subscriptions.list({ customer: customer.id, status: 'all' })
    expect(all.data.map((s) => s.status)).toEqual(['canceled'])
    expect((await suite.stripe.subscriptions.list({ customer: customer.id })).data).toHaveLength(0)
  })
})

describe('subscription renewal on the emulator-wide clock', () => {
  it('sends no invoice.upcoming for a subscription set to end at the period end', async () => {
    const { customer } = await customerWithCard(suite.stripe)
    const sub = await suite.stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: price.id }],
    })
    await suite.stripe.subscriptions.update(sub.id, { cancel_at_period_end: true })
    await suite.emulator.idle()
    drain(suite.receiver)
    await suite.emulator.clock.advance(periodOf(sub).end - suite.emulator.clock.now() - 3 * DAY)
    expect(eventsFor(suite.receiver, 'invoice.upcoming')).toEqual([])
    // Ended now, so it adds nothing to the emulator-wide clock the next test moves.
    await suite.stripe.subscriptions.cancel(sub.id)
  })

  it('renews at period end when emulator.clock.advance passes it', async () => {
    const { customer } = await customerWithCard(suite.stripe)
    const sub = await suite.stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: price.id }],
    })
    expect(sub.test_clock).toBeNull()
    const end = periodOf(sub).end
    await suite.emulator.idle()
    drain(suite.receiver)
    await suite.emulator.clock.advance(end - suite.emulator.clock.now() + 2 * 3600)
    const types = billingTypes(suite.receiver).filter((x) => !x.startsWith('test_helpers'))
    expect(types).toEqual([
      'invoice.upcoming',
      'invoice.created',
      'customer.subscription.updated',
      'invoice.finalized',
      'invoice.paid',
      'invoice.payment_succeeded',
    ])
    const renewed = await suite.stripe.subscriptions.retrieve(sub.id)
    expect(periodOf(renewed).start).toBe(end)
    expect(renewed.status).toBe('active')
  })
})
