import type Stripe from 'stripe'
import { beforeAll, describe, expect, it } from 'vitest'
import { assertStripeShape } from '../shapes.js'
import { useEmulatorSuite } from '../test-suite.js'
import { advanceClock, customerWithCard, DAY, drain, eventsFor, monthlyPrice, T0 } from './test-helpers.js'

const suite = useEmulatorSuite()
let basic: Stripe.Price
let addon: Stripe.Price
let yearly: Stripe.Price

beforeAll(async () => {
  basic = await monthlyPrice(suite.stripe, 900)
  addon = await monthlyPrice(suite.stripe, 300)
  yearly = await monthlyPrice(suite.stripe, 9000, 'year')
})

async function midPeriod() {
  const clock = await suite.stripe.testHelpers.testClocks.create({ frozen_time: T0 })
  const { customer } = await customerWithCard(suite.stripe, 'pm_card_visa', clock.id)
  const sub = await suite.stripe.subscriptions.create({ customer: customer.id, items: [{ price: basic.id }] })
  await advanceClock(suite.stripe, clock.id, T0 + 15 * DAY)
  await suite.emulator.idle()
  drain(suite.receiver)
  return { clock, customer, sub }
}

describe('subscription items', () => {
  it('add an item mid-period: prorated charge pending, billed at renewal; then update and delete', async () => {
    const { clock, sub } = await midPeriod()
    const item = await suite.stripe.subscriptionItems.create({
      subscription: sub.id,
      price: addon.id,
      quantity: 2,
      metadata: { seat: 'extra' },
    })
    assertStripeShape(item)
    expect(item).toMatchObject({ subscription: sub.id, quantity: 2, metadata: { seat: 'extra' } })
    await suite.emulator.idle()
    expect(eventsFor(suite.receiver, 'customer.subscription.updated', sub.id)).toHaveLength(1)
    const [charge] = eventsFor(suite.receiver, 'invoiceitem.created').map(
      (e) => e.data.object as Stripe.InvoiceItem,
    )
    // 600 for the 16 of 31 days left (Jan 30 → Feb 15), rounded half up.
    expect(charge).toMatchObject({ amount: 310, proration: true })
    const listed = await suite.stripe.subscriptionItems.list({ subscription: sub.id })
    expect(listed.data.map((i) => i.price.id)).toEqual([basic.id, addon.id])

    const updated = await suite.stripe.subscriptionItems.update(item.id, {
      quantity: 1,
      proration_behavior: 'none',
    })
    expect(updated.quantity).toBe(1)
    await advanceClock(suite.stripe, clock.id, T0 + 31 * DAY + 2 * 3600)
    const [renewal] = (await suite.stripe.invoices.list({ subscription: sub.id, limit: 1 })).data
    expect(renewal!.lines.data.map((l) => l.amount).sort((a, b) => a - b)).toEqual([300, 310, 900])

    drain(suite.receiver)
    const removed = await suite.stripe.subscriptionItems.del(item.id, {
      proration_behavior: 'always_invoice',
    })
    expect(removed).toMatchObject({ id: item.id, object: 'subscription_item', deleted: true })
    expect((await suite.stripe.subscriptions.retrieve(sub.id)).items.data).toHaveLength(1)
    await expect(suite.stripe.subscriptionItems.retrieve(item.id)).rejects.toMatchObject({ statusCode: 404 })
  })

  it('refuses what Stripe refuses, in the envelope', async () => {
    const { sub } = await midPeriod()
    const only = sub.items.data[0]!.id
    await expect(suite.stripe.subscriptionItems.del(only)).rejects.toMatchObject({ statusCode: 400 })
    await expect(
      suite.stripe.subscriptionItems.create({ subscription: sub.id, price: yearly.id }),
    ).rejects.toMatchObject({ statusCode: 400, param: 'price' })
    await expect(
      suite.stripe.subscriptionItems.create({ subscription: sub.id, price: basic.id }),
    ).rejects.toMatchObject({ statusCode: 400, param: 'price' })
    await expect(
      suite.stripe.subscriptionItems.create({ subscription: 'sub_nope', price: addon.id }),
    ).rejects.toMatchObject({ statusCode: 400, code: 'resource_missing', param: 'subscription' })
    await expect(suite.stripe.subscriptionItems.update('si_nope', { quantity: 2 })).rejects.toMatchObject({
      statusCode: 404,
    })
    await expect(
      suite.stripe.subscriptionItems.create({
        subscription: sub.id,
        price: addon.id,
        payment_behavior: 'pending_if_incomplete',
      }),
    ).rejects.toMatchObject({ code: 'parameter_unsupported', param: 'payment_behavior' })
  })
})
