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
import { trialHelpers } from './trial-test-helpers.js'

const suite = useEmulatorSuite()
let price: Stripe.Price

beforeAll(async () => {
  price = await monthlyPrice(suite.stripe, 1000)
})

const { trialWithoutCard, pastTrialEnd, typesFor } = trialHelpers(suite, () => price)

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
