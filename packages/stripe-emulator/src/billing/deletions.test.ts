import type Stripe from 'stripe'
import { beforeAll, describe, expect, it } from 'vitest'
import { useEmulatorSuite } from '../test-suite.js'
import { advanceClock, customerWithCard, DAY, eventsFor, monthlyPrice, T0 } from './test-helpers.js'

const suite = useEmulatorSuite()
let price: Stripe.Price

beforeAll(async () => {
  price = await monthlyPrice(suite.stripe)
})

describe('deleting a customer', () => {
  it('cancels its subscriptions at once, with customer.subscription.deleted before customer.deleted', async () => {
    const clock = await suite.stripe.testHelpers.testClocks.create({ frozen_time: T0 })
    const { customer } = await customerWithCard(suite.stripe, 'pm_card_visa', clock.id)
    const sub = await suite.stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: price.id }],
    })
    const trialing = await suite.stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: (await monthlyPrice(suite.stripe, 500)).id }],
      trial_period_days: 7,
    })
    await advanceClock(suite.stripe, clock.id, T0 + DAY)
    await suite.stripe.customers.del(customer.id)
    for (const id of [sub.id, trialing.id]) {
      const ended = await suite.stripe.subscriptions.retrieve(id)
      expect(ended).toMatchObject({ status: 'canceled', ended_at: T0 + DAY, canceled_at: T0 + DAY })
      expect(ended.cancellation_details?.reason).toBe('cancellation_requested')
    }
    await suite.emulator.idle()
    const types = suite.receiver.received
      .map((r) => r.event)
      .filter((e) => e.type === 'customer.subscription.deleted' || e.type === 'customer.deleted')
      .map((e) => `${e.type} ${(e.data.object as { id: string }).id}`)
    expect(types).toEqual([
      `customer.subscription.deleted ${sub.id}`,
      `customer.subscription.deleted ${trialing.id}`,
      `customer.deleted ${customer.id}`,
    ])
    // Nothing of theirs runs any more: no renewal a month on.
    const invoices = eventsFor(suite.receiver, 'invoice.created', sub.id).length
    await advanceClock(suite.stripe, clock.id, T0 + 40 * DAY)
    await suite.emulator.idle()
    expect(eventsFor(suite.receiver, 'invoice.created', sub.id)).toHaveLength(invoices)
  })
})

describe('deleting a test clock', () => {
  it('deletes its customers and cancels their subscriptions; customers elsewhere stay', async () => {
    const clock = await suite.stripe.testHelpers.testClocks.create({ frozen_time: T0 })
    const { customer } = await customerWithCard(suite.stripe, 'pm_card_visa', clock.id)
    const sub = await suite.stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: price.id }],
    })
    const bystander = await suite.stripe.customers.create({ email: 'elsewhere@example.com' })
    await suite.stripe.testHelpers.testClocks.del(clock.id)
    await expect(suite.stripe.customers.retrieve(customer.id)).resolves.toMatchObject({ deleted: true })
    expect(await suite.stripe.subscriptions.retrieve(sub.id)).toMatchObject({ status: 'canceled' })
    await expect(suite.stripe.customers.retrieve(bystander.id)).resolves.toMatchObject({
      id: bystander.id,
      email: 'elsewhere@example.com',
    })
    await suite.emulator.idle()
    expect(suite.receiver.types().slice(-3)).toEqual([
      'customer.subscription.deleted',
      'customer.deleted',
      'test_helpers.test_clock.deleted',
    ])
  })
})
