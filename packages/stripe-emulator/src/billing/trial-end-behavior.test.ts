/**
 * Trials without a card (`payment_method_collection: if_required`): Checkout completes without
 * one, trial_will_end comes three days before the end, and at the end the session's
 * `trial_settings.end_behavior.missing_payment_method` decides: cancel, pause, or (the default)
 * invoice. A card added during the trial makes it renew as usual.
 */
import type Stripe from 'stripe'
import { beforeAll, describe, expect, it } from 'vitest'
import { useEmulatorSuite } from '../test-suite.js'
import { DAY, monthlyPrice } from './test-helpers.js'

const suite = useEmulatorSuite()
let price: Stripe.Price

beforeAll(async () => {
  price = await monthlyPrice(suite.stripe, 1000)
})

/** A trial Checkout without a card, completed on the hosted page with only an email. */
async function trialWithoutCard(
  behaviour?: 'cancel' | 'pause' | 'create_invoice',
): Promise<Stripe.Subscription> {
  const session = await suite.stripe.checkout.sessions.create({
    mode: 'subscription',
    line_items: [{ price: price.id, quantity: 1 }],
    success_url: 'http://shop.test/ok',
    payment_method_collection: 'if_required',
    subscription_data: {
      trial_period_days: 7,
      ...(behaviour ? { trial_settings: { end_behavior: { missing_payment_method: behaviour } } } : {}),
    },
  })
  const res = await fetch(session.url ?? '', {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ email: `trial-${Date.now()}@example.com` }).toString(),
  })
  expect(res.status).toBe(303)
  await suite.emulator.idle()
  const done = await suite.stripe.checkout.sessions.retrieve(session.id, { expand: ['subscription'] })
  return done.subscription as Stripe.Subscription
}

async function pastTrialEnd(sub: Stripe.Subscription): Promise<Stripe.Subscription> {
  await suite.emulator.clock.advance((sub.trial_end ?? 0) - suite.emulator.clock.now() + 2 * 3600)
  await suite.emulator.idle()
  return suite.stripe.subscriptions.retrieve(sub.id)
}

function typesFor(subscriptionId: string): string[] {
  return suite.receiver.received
    .map((r) => r.event)
    .filter((e) => (e.data.object as { id?: string }).id === subscriptionId)
    .map((e) => e.type)
}

describe('a trial that ends without a payment method', () => {
  it('cancel: the subscription ends at the trial end, after trial_will_end, with no invoice to pay', async () => {
    const sub = await trialWithoutCard('cancel')
    expect(sub).toMatchObject({
      status: 'trialing',
      default_payment_method: null,
      trial_settings: { end_behavior: { missing_payment_method: 'cancel' } },
    })
    expect(sub.trial_end).toBe(sub.start_date + 7 * DAY)
    const after = await pastTrialEnd(sub)
    expect(after.status).toBe('canceled')
    expect(after.ended_at).toBe(sub.trial_end)
    const types = typesFor(sub.id)
    expect(types.indexOf('customer.subscription.trial_will_end')).toBeGreaterThan(-1)
    expect(types.indexOf('customer.subscription.trial_will_end')).toBeLessThan(
      types.indexOf('customer.subscription.deleted'),
    )
    const invoices = await suite.stripe.invoices.list({ subscription: sub.id })
    expect(invoices.data.map((i) => i.billing_reason)).toEqual(['subscription_create'])
  })

  it('pause: the subscription is paused with no invoice, and resumes on request', async () => {
    const sub = await trialWithoutCard('pause')
    const after = await pastTrialEnd(sub)
    expect(after.status).toBe('paused')
    expect(typesFor(sub.id)).toContain('customer.subscription.paused')
    expect((await suite.stripe.invoices.list({ subscription: sub.id })).data).toHaveLength(1)
    await expect(
      suite.stripe.subscriptions.resume(sub.id, { billing_cycle_anchor: { type: 'later' } }),
    ).rejects.toThrow(/billing_cycle_anchor/)
  })

  it('resume after a card is attached: a new period from the resume time, invoiced and paid at once', async () => {
    const sub = await trialWithoutCard('pause')
    expect((await pastTrialEnd(sub)).status).toBe('paused')
    await suite.emulator.clock.advance(3 * DAY)
    const pm = await suite.stripe.paymentMethods.attach('pm_card_visa', { customer: String(sub.customer) })
    await suite.stripe.customers.update(String(sub.customer), {
      invoice_settings: { default_payment_method: pm.id },
    })
    const before = typesFor(sub.id).length
    const invoiceEventsBefore = suite.receiver.received.length
    const now = suite.emulator.clock.now()
    const resumed = await suite.stripe.subscriptions.resume(sub.id)
    expect(resumed.status).toBe('active')
    expect(resumed.billing_cycle_anchor).toBe(now)
    const item = resumed.items.data[0]!
    expect(item.current_period_start).toBe(now)
    expect(item.current_period_end).toBeGreaterThanOrEqual(now + 28 * DAY)
    const invoices = await suite.stripe.invoices.list({ subscription: sub.id })
    expect(invoices.data).toHaveLength(2)
    const invoice = invoices.data.find((i) => i.id === resumed.latest_invoice)!
    expect(invoice).toMatchObject({ status: 'paid', amount_paid: 1000 })
    expect(invoice.lines.data[0]!.period).toEqual({ start: now, end: item.current_period_end })
    await suite.emulator.idle()
    expect(typesFor(sub.id).slice(before)).toEqual([
      'customer.subscription.resumed',
      'customer.subscription.updated',
    ])
    const order = suite.receiver.received
      .slice(invoiceEventsBefore)
      .map((r) => r.event)
      .filter((e) => [invoice.id, sub.id].includes(String((e.data.object as { id?: string }).id)))
      .map((e) => e.type)
    expect(order).toEqual([
      'invoice.created',
      'invoice.finalized',
      'invoice.paid',
      'invoice.payment_succeeded',
      'customer.subscription.resumed',
      'customer.subscription.updated',
    ])
    await expect(suite.stripe.subscriptions.resume(sub.id)).rejects.toThrow(/paused/)
  })

  it('resume with a declined card: past_due, the invoice open and failed', async () => {
    const sub = await trialWithoutCard('pause')
    expect((await pastTrialEnd(sub)).status).toBe('paused')
    const pm = await suite.stripe.paymentMethods.attach('pm_card_chargeCustomerFail', {
      customer: String(sub.customer),
    })
    await suite.stripe.customers.update(String(sub.customer), {
      invoice_settings: { default_payment_method: pm.id },
    })
    const resumed = await suite.stripe.subscriptions.resume(sub.id)
    expect(resumed.status).toBe('past_due')
    const invoice = await suite.stripe.invoices.retrieve(String(resumed.latest_invoice))
    expect(invoice).toMatchObject({ status: 'open', attempt_count: 1, amount_paid: 0 })
    await suite.emulator.idle()
    expect(suite.receiver.types()).toContain('invoice.payment_failed')
  })

  it('resume with billing_cycle_anchor=unchanged: the period around now on the old anchor, prorated', async () => {
    const sub = await trialWithoutCard('pause')
    const paused = await pastTrialEnd(sub)
    await suite.emulator.clock.advance(10 * DAY)
    const pm = await suite.stripe.paymentMethods.attach('pm_card_visa', { customer: String(sub.customer) })
    await suite.stripe.customers.update(String(sub.customer), {
      invoice_settings: { default_payment_method: pm.id },
    })
    const resumed = await suite.stripe.subscriptions.resume(sub.id, {
      billing_cycle_anchor: { type: 'unchanged' },
    })
    expect(resumed.status).toBe('active')
    expect(resumed.billing_cycle_anchor).toBe(paused.billing_cycle_anchor)
    const item = resumed.items.data[0]!
    expect(item.current_period_start).toBe(paused.items.data[0]!.current_period_end)
    const invoice = await suite.stripe.invoices.retrieve(String(resumed.latest_invoice))
    expect(invoice.status).toBe('paid')
    expect(invoice.amount_paid).toBeGreaterThan(0)
    expect(invoice.amount_paid).toBeLessThan(1000)
  })

  it('a card added during the trial renews it as usual, whatever the end behaviour', async () => {
    const sub = await trialWithoutCard('cancel')
    const pm = await suite.stripe.paymentMethods.attach('pm_card_visa', { customer: String(sub.customer) })
    await suite.stripe.customers.update(String(sub.customer), {
      invoice_settings: { default_payment_method: pm.id },
    })
    const after = await pastTrialEnd(sub)
    expect(after.status).toBe('active')
  })

  it('refuses an unknown end behaviour', async () => {
    await expect(
      suite.stripe.checkout.sessions.create({
        mode: 'subscription',
        line_items: [{ price: price.id, quantity: 1 }],
        success_url: 'http://shop.test/ok',
        subscription_data: {
          trial_period_days: 7,
          trial_settings: { end_behavior: { missing_payment_method: 'explode' as 'cancel' } },
        },
      }),
    ).rejects.toThrow(/missing_payment_method/)
  })

  it('through the API: a trial ended with trial_end=now and no card follows trial_settings (pause, cancel)', async () => {
    const customer = await suite.stripe.customers.create({ email: 'nocard@example.com' })
    const create = (behaviour: 'pause' | 'cancel') =>
      suite.stripe.subscriptions.create({
        customer: customer.id,
        items: [{ price: price.id }],
        trial_period_days: 7,
        trial_settings: { end_behavior: { missing_payment_method: behaviour } },
      })
    const toPause = await create('pause')
    expect(await suite.stripe.subscriptions.update(toPause.id, { trial_end: 'now' })).toMatchObject({
      status: 'paused',
    })
    const toCancel = await create('cancel')
    expect(await suite.stripe.subscriptions.update(toCancel.id, { trial_end: 'now' })).toMatchObject({
      status: 'canceled',
    })
    await suite.emulator.idle()
    expect(suite.receiver.types()).toContain('customer.subscription.paused')
    expect((await suite.stripe.invoices.list({ subscription: toPause.id })).data).toHaveLength(1) // the trial's $0 one
  })
})
