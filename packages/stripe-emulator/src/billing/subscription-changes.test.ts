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
let basic: Stripe.Price
let premium: Stripe.Price

beforeAll(async () => {
  basic = await monthlyPrice(suite.stripe, 900)
  premium = await monthlyPrice(suite.stripe, 1800)
})

/** A customer with a card on a fresh test clock at T0, subscribed to `price`. */
async function subscribed(price: Stripe.Price, extra: Partial<Stripe.SubscriptionCreateParams> = {}) {
  const clock = await suite.stripe.testHelpers.testClocks.create({ frozen_time: T0 })
  const { customer } = await customerWithCard(suite.stripe, 'pm_card_visa', clock.id)
  const sub = await suite.stripe.subscriptions.create({
    customer: customer.id,
    items: [{ price: price.id }],
    ...extra,
  })
  await suite.emulator.idle()
  drain(suite.receiver)
  return { clock, customer, sub }
}

async function latestInvoice(subId: string): Promise<Stripe.Invoice> {
  const list = await suite.stripe.invoices.list({ subscription: subId, limit: 1 })
  return list.data[0]!
}

function prorationFlags(invoice: Stripe.Invoice): Array<[number, boolean]> {
  return invoice.lines.data.map((l) => [l.amount, l.parent?.subscription_item_details?.proration ?? false])
}

describe('trials', () => {
  it('trialing with a $0 invoice → trial_will_end 3 days before → active and charged at trial end', async () => {
    const { clock, sub } = await subscribed(basic, { trial_period_days: 7 })
    expect(sub.status).toBe('trialing')
    expect(sub.trial_end).toBe(T0 + 7 * DAY)
    expect(sub.billing_cycle_anchor).toBe(T0 + 7 * DAY)
    expect(periodOf(sub).end).toBe(T0 + 7 * DAY)
    const first = await suite.stripe.invoices.retrieve(String(sub.latest_invoice))
    expect(first).toMatchObject({ status: 'paid', amount_due: 0, billing_reason: 'subscription_create' })

    await advanceClock(suite.stripe, clock.id, T0 + 5 * DAY)
    await suite.emulator.idle()
    const willEnd = eventsFor(suite.receiver, 'customer.subscription.trial_will_end', sub.id)
    expect(willEnd).toHaveLength(1)
    expect(willEnd[0]!.created).toBe(T0 + 4 * DAY)

    drain(suite.receiver)
    await advanceClock(suite.stripe, clock.id, T0 + 7 * DAY + 2 * 3600)
    await suite.emulator.idle()
    expect(billingTypes(suite.receiver)).toEqual([
      'test_helpers.test_clock.advancing',
      'invoice.created',
      'customer.subscription.updated',
      'invoice.finalized',
      'invoice.paid',
      'invoice.payment_succeeded',
      'test_helpers.test_clock.ready',
    ])
    const updated = eventsFor(suite.receiver, 'customer.subscription.updated', sub.id)[0]!
    expect((updated.data.object as Stripe.Subscription).status).toBe('active')
    expect(updated.data.previous_attributes).toMatchObject({ status: 'trialing' })
    const invoice = await latestInvoice(sub.id)
    expect(invoice).toMatchObject({ status: 'paid', amount_paid: 900, billing_reason: 'subscription_cycle' })
  })

  it('trial_end=now ends the trial at once and charges the plan', async () => {
    const { sub } = await subscribed(basic, { trial_period_days: 30 })
    const ended = await suite.stripe.subscriptions.update(sub.id, { trial_end: 'now' })
    await suite.emulator.idle()
    expect(ended.status).toBe('active')
    const invoice = await latestInvoice(sub.id)
    expect(invoice).toMatchObject({ status: 'paid', amount_paid: 900 })
  })
})

describe('cancel at period end', () => {
  it('stays active with cancel_at set, can be resumed, and is deleted exactly at period end', async () => {
    const { clock, sub } = await subscribed(basic)
    const end = periodOf(sub).end
    const scheduled = await suite.stripe.subscriptions.update(sub.id, { cancel_at_period_end: true })
    expect(scheduled).toMatchObject({ status: 'active', cancel_at_period_end: true, cancel_at: end })
    expect(scheduled.cancellation_details?.reason).toBe('cancellation_requested')
    const resumed = await suite.stripe.subscriptions.update(sub.id, { cancel_at_period_end: false })
    expect(resumed).toMatchObject({ cancel_at_period_end: false, cancel_at: null })
    await suite.stripe.subscriptions.update(sub.id, { cancel_at_period_end: true })
    await suite.emulator.idle()
    const updates = eventsFor(suite.receiver, 'customer.subscription.updated', sub.id)
    expect(updates.map((e) => (e.data.object as Stripe.Subscription).cancel_at_period_end)).toEqual([
      true,
      false,
      true,
    ])
    expect(updates[0]!.data.previous_attributes).toMatchObject({ cancel_at_period_end: false })

    drain(suite.receiver)
    await advanceClock(suite.stripe, clock.id, end + 3 * DAY)
    await suite.emulator.idle()
    expect(billingTypes(suite.receiver)).toEqual([
      'test_helpers.test_clock.advancing',
      'customer.subscription.deleted',
      'test_helpers.test_clock.ready',
    ])
    const deleted = eventsFor(suite.receiver, 'customer.subscription.deleted', sub.id)[0]!
    expect(deleted.created).toBe(end)
    expect((deleted.data.object as Stripe.Subscription).ended_at).toBe(end)
    expect((await suite.stripe.invoices.list({ subscription: sub.id })).data).toHaveLength(1)
  })

  it('cancel_at_period_end keeps the customer’s cancellation feedback and comment; a bad feedback is refused', async () => {
    const { sub } = await subscribed(basic)
    const updated = await suite.stripe.subscriptions.update(sub.id, {
      cancel_at_period_end: true,
      cancellation_details: { feedback: 'too_expensive', comment: 'Cheaper elsewhere' },
    })
    expect(updated.cancellation_details).toMatchObject({
      reason: 'cancellation_requested',
      feedback: 'too_expensive',
      comment: 'Cheaper elsewhere',
    })
    await expect(
      suite.stripe.subscriptions.update(sub.id, {
        cancellation_details: {
          feedback: 'bored' as Stripe.SubscriptionUpdateParams.CancellationDetails.Feedback,
        },
      }),
    ).rejects.toMatchObject({ statusCode: 400 })
  })

  it('DELETE cancels at once, keeping cancellation_details; a final invoice (invoice_now) is refused by name', async () => {
    const { sub } = await subscribed(basic)
    await expect(suite.stripe.subscriptions.cancel(sub.id, { invoice_now: true })).rejects.toMatchObject({
      statusCode: 400,
      code: 'parameter_unsupported',
      param: 'invoice_now',
    })
    const canceled = await suite.stripe.subscriptions.cancel(sub.id, {
      cancellation_details: { feedback: 'too_expensive', comment: 'Cheaper elsewhere' },
    })
    assertStripeShape(canceled)
    expect(canceled.status).toBe('canceled')
    expect(canceled.cancellation_details).toMatchObject({
      feedback: 'too_expensive',
      comment: 'Cheaper elsewhere',
      reason: 'cancellation_requested',
    })
    await suite.emulator.idle()
    expect(billingTypes(suite.receiver)).toEqual(['customer.subscription.deleted'])
  })
})

describe('plan switch', () => {
  // Switched 15 days into a 31-day period: 16 days remain. 900 × 16/31 = 464.52 → 465;
  // 1800 × 16/31 = 929.03 → 929.
  it('create_prorations puts a credit and a charge on the next renewal invoice', async () => {
    const { clock, sub } = await subscribed(basic)
    await advanceClock(suite.stripe, clock.id, T0 + 15 * DAY)
    const switched = await suite.stripe.subscriptions.update(sub.id, {
      items: [{ id: sub.items.data[0]!.id, price: premium.id }],
      proration_behavior: 'create_prorations',
    })
    expect(switched.items.data[0]!.price.id).toBe(premium.id)
    expect(periodOf(switched)).toEqual(periodOf(sub))
    await suite.emulator.idle()
    const update = eventsFor(suite.receiver, 'customer.subscription.updated', sub.id)[0]!
    expect(update.data.previous_attributes).toHaveProperty('items')
    expect((await suite.stripe.invoices.list({ subscription: sub.id })).data).toHaveLength(1)
    // The prorations wait as pending invoice items on the subscription.
    const created = eventsFor(suite.receiver, 'invoiceitem.created').map(
      (e) => e.data.object as Stripe.InvoiceItem,
    )
    expect(created.map((ii) => [ii.amount, ii.proration]).sort()).toEqual(
      [
        [-465, true],
        [929, true],
      ].sort(),
    )
    const pending = await suite.stripe.invoiceItems.list({ customer: String(sub.customer), pending: true })
    expect(pending.data.map((ii) => ii.id).sort()).toEqual(created.map((ii) => ii.id).sort())
    for (const ii of pending.data) {
      assertStripeShape(ii)
      expect(ii.parent?.subscription_details?.subscription).toBe(sub.id)
    }

    await advanceClock(suite.stripe, clock.id, T0 + 31 * DAY + 2 * 3600)
    const renewal = await latestInvoice(sub.id)
    expect(prorationFlags(renewal).sort()).toEqual(
      [
        [-465, true],
        [1800, false],
        [929, true],
      ].sort(),
    )
    expect(renewal).toMatchObject({ total: 2264, amount_paid: 2264, status: 'paid' })
    const billed = renewal.lines.data.flatMap((l) => l.parent?.subscription_item_details?.invoice_item ?? [])
    expect(billed.sort()).toEqual(created.map((ii) => ii.id).sort())
    const swept = await suite.stripe.invoiceItems.list({ invoice: renewal.id })
    expect(swept.data).toHaveLength(2)
    expect(
      (await suite.stripe.invoiceItems.list({ customer: String(sub.customer), pending: true })).data,
    ).toEqual([])
  })

  it('prorations swept onto a manual invoice are not billed again at renewal', async () => {
    const { clock, sub } = await subscribed(basic)
    await advanceClock(suite.stripe, clock.id, T0 + 15 * DAY)
    await suite.stripe.subscriptions.update(sub.id, {
      items: [{ id: sub.items.data[0]!.id, price: premium.id }],
      proration_behavior: 'create_prorations',
    })
    const manual = await suite.stripe.invoices.create({
      customer: String(sub.customer),
      pending_invoice_items_behavior: 'include',
    })
    expect(manual.lines.data.map((l) => l.amount).sort()).toEqual([-465, 929].sort())
    await advanceClock(suite.stripe, clock.id, T0 + 31 * DAY + 2 * 3600)
    const renewal = await latestInvoice(sub.id)
    expect(prorationFlags(renewal)).toEqual([[1800, false]])
  })

  it('always_invoice bills the prorations at once; none bills nothing', async () => {
    const { clock, sub } = await subscribed(basic)
    await advanceClock(suite.stripe, clock.id, T0 + 15 * DAY)
    await suite.stripe.subscriptions.update(sub.id, {
      items: [{ id: sub.items.data[0]!.id, price: premium.id }],
      proration_behavior: 'always_invoice',
    })
    const invoice = await latestInvoice(sub.id)
    expect(invoice.billing_reason).toBe('subscription_update')
    expect(prorationFlags(invoice).sort()).toEqual(
      [
        [-465, true],
        [929, true],
      ].sort(),
    )
    expect(invoice).toMatchObject({ status: 'paid', amount_paid: 464 })

    await suite.stripe.subscriptions.update(sub.id, {
      items: [{ id: sub.items.data[0]!.id, price: basic.id }],
      proration_behavior: 'none',
    })
    expect((await suite.stripe.invoices.list({ subscription: sub.id })).data).toHaveLength(2)
    await advanceClock(suite.stripe, clock.id, T0 + 31 * DAY + 2 * 3600)
    expect(prorationFlags(await latestInvoice(sub.id))).toEqual([[900, false]])
  })
})

describe('interval change', () => {
  it('monthly → yearly credits the unused month, charges the year now and resets the anchor', async () => {
    const yearly = await monthlyPrice(suite.stripe, 9000, 'year')
    const { clock, sub } = await subscribed(basic)
    const switchAt = T0 + 15 * DAY
    await advanceClock(suite.stripe, clock.id, switchAt)
    const switched = await suite.stripe.subscriptions.update(sub.id, {
      items: [{ id: sub.items.data[0]!.id, price: yearly.id }],
    })
    expect(switched.billing_cycle_anchor).toBe(switchAt)
    expect(periodOf(switched)).toEqual({ start: switchAt, end: switchAt + 365 * DAY })
    const invoice = await latestInvoice(sub.id)
    expect(invoice.billing_reason).toBe('subscription_update')
    expect(prorationFlags(invoice).sort()).toEqual(
      [
        [-465, true],
        [9000, false],
      ].sort(),
    )
    expect(invoice).toMatchObject({ status: 'paid', amount_paid: 8535 })
  })
})

describe('discounts', () => {
  it('a once coupon discounts only the first invoice', async () => {
    const coupon = await suite.stripe.coupons.create({ percent_off: 50, duration: 'once' })
    const { clock, sub } = await subscribed(basic, { discounts: [{ coupon: coupon.id }] })
    const first = await suite.stripe.invoices.retrieve(String(sub.latest_invoice))
    expect(first).toMatchObject({ subtotal: 900, total: 450, amount_paid: 450 })
    expect(first.total_discount_amounts?.[0]?.amount).toBe(450)
    await advanceClock(suite.stripe, clock.id, T0 + 31 * DAY + 2 * 3600)
    expect(await latestInvoice(sub.id)).toMatchObject({ total: 900, amount_paid: 900 })
  })

  it('a promotion code applies its coupon and counts a redemption', async () => {
    const coupon = await suite.stripe.coupons.create({ amount_off: 300, currency: 'usd', duration: 'once' })
    const promo = await suite.stripe.promotionCodes.create({
      promotion: { type: 'coupon', coupon: coupon.id },
      code: 'WELCOME3',
    })
    const { sub } = await subscribed(basic, { discounts: [{ promotion_code: promo.id }] })
    expect(await suite.stripe.invoices.retrieve(String(sub.latest_invoice))).toMatchObject({
      total: 600,
      amount_paid: 600,
    })
    expect((await suite.stripe.promotionCodes.retrieve(promo.id)).times_redeemed).toBe(1)
  })
})
