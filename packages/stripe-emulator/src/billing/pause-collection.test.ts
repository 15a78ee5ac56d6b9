import type Stripe from 'stripe'
import { beforeAll, describe, expect, it } from 'vitest'
import { useEmulatorSuite } from '../test-suite.js'
import { advanceClock, customerWithCard, DAY, monthlyPrice, T0 } from './test-helpers.js'

const suite = useEmulatorSuite()
let price: Stripe.Price

beforeAll(async () => {
  price = await monthlyPrice(suite.stripe)
})

async function subscribed(): Promise<{ clock: string; sub: Stripe.Subscription }> {
  const clock = await suite.stripe.testHelpers.testClocks.create({ frozen_time: T0 })
  const { customer } = await customerWithCard(suite.stripe, 'pm_card_visa', clock.id)
  const sub = await suite.stripe.subscriptions.create({ customer: customer.id, items: [{ price: price.id }] })
  return { clock: clock.id, sub }
}

describe('pause_collection and the subscription parameters modelled only at their default', () => {
  it('voids renewal invoices while paused, then charges again once resumed', async () => {
    const { clock, sub } = await subscribed()
    const paused = await suite.stripe.subscriptions.update(sub.id, {
      pause_collection: { behavior: 'void' },
      cancellation_details: { comment: 'on holiday', feedback: 'unused' },
    })
    expect(paused.pause_collection).toEqual({ behavior: 'void', resumes_at: null })
    expect(paused.cancellation_details).toMatchObject({ comment: 'on holiday', feedback: 'unused' })
    await advanceClock(suite.stripe, clock, T0 + 32 * DAY)
    const first = await suite.stripe.invoices.list({ subscription: sub.id })
    expect(first.data.map((i) => i.status)).toEqual(['void', 'paid'])
    expect((await suite.stripe.subscriptions.retrieve(sub.id)).status).toBe('active')
    await suite.stripe.subscriptions.update(sub.id, { pause_collection: '' })
    await advanceClock(suite.stripe, clock, T0 + 63 * DAY)
    const second = await suite.stripe.invoices.list({ subscription: sub.id })
    expect(second.data.map((i) => i.status)).toEqual(['paid', 'void', 'paid'])
  })

  it('keeps renewal invoices as drafts with keep_as_draft, and resumes by itself at resumes_at', async () => {
    const { clock, sub } = await subscribed()
    await suite.stripe.subscriptions.update(sub.id, {
      pause_collection: { behavior: 'keep_as_draft', resumes_at: T0 + 40 * DAY },
    })
    await advanceClock(suite.stripe, clock, T0 + 32 * DAY)
    await advanceClock(suite.stripe, clock, T0 + 63 * DAY)
    const invoices = await suite.stripe.invoices.list({ subscription: sub.id })
    expect(invoices.data.map((i) => i.status)).toEqual(['paid', 'draft', 'paid'])
    expect((await suite.stripe.subscriptions.retrieve(sub.id)).pause_collection).toBeNull()
  })

  it('refuses what it does not model by name: send_invoice, automatic tax, other currencies, trial pause on update', async () => {
    const { customer } = await customerWithCard(suite.stripe)
    const base = { customer: customer.id, items: [{ price: price.id }] }
    for (const [extra, param] of [
      [{ collection_method: 'send_invoice' }, 'collection_method'],
      [{ automatic_tax: { enabled: true } }, 'automatic_tax'],
      [{ currency: 'eur' }, 'currency'],
      [{ add_invoice_items: [{ price: price.id }] }, 'add_invoice_items'],
    ] as const) {
      await expect(
        suite.stripe.subscriptions.create({ ...base, ...extra } as Stripe.SubscriptionCreateParams),
      ).rejects.toMatchObject({ statusCode: 400, code: 'parameter_unsupported', param })
    }
    const fine = await suite.stripe.subscriptions.create({
      ...base,
      collection_method: 'charge_automatically',
      automatic_tax: { enabled: false },
      trial_settings: { end_behavior: { missing_payment_method: 'create_invoice' } },
    })
    expect(fine.status).toBe('active')
    // On create a trial may end in a pause (trial-end-behavior.test.ts); on update it is not modelled.
    const paused = await suite.stripe.subscriptions.create({
      ...base,
      trial_period_days: 7,
      trial_settings: { end_behavior: { missing_payment_method: 'pause' } },
    })
    expect(paused.trial_settings?.end_behavior.missing_payment_method).toBe('pause')
    await expect(
      suite.stripe.subscriptions.update(paused.id, {
        trial_settings: { end_behavior: { missing_payment_method: 'cancel' } },
      }),
    ).rejects.toMatchObject({ statusCode: 400, code: 'parameter_unsupported', param: 'trial_settings' })
  })
})
