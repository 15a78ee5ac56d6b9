import Stripe from 'stripe'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { assertStripeShape } from '../shapes.js'
import { type Receiver, startReceiver, startTestEmulator, type TestEmulator } from '../testing.js'
import {
  advanceClock,
  billingTypes,
  customerWithCard,
  drain,
  DAY,
  eventsFor,
  monthlyPrice,
  T0,
} from './test-helpers.js'

let t: TestEmulator
let stripe: Stripe
let receiver: Receiver
let price: Stripe.Price

beforeAll(async () => {
  t = await startTestEmulator()
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

describe('test clocks', () => {
  it('create, retrieve, list, refuse going back, delete — with their events', async () => {
    const clock = await stripe.testHelpers.testClocks.create({ frozen_time: T0, name: 'crud' })
    expect(clock).toMatchObject({ status: 'ready', frozen_time: T0, name: 'crud' })
    expect(clock.id).toMatch(/^clock_/)
    expect((await stripe.testHelpers.testClocks.list()).data.map((c) => c.id)).toContain(clock.id)
    await expect(
      stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: T0 - 1 }),
    ).rejects.toMatchObject({
      type: 'StripeInvalidRequestError',
      param: 'frozen_time',
    })
    const advanced = await advanceClock(stripe, clock.id, T0 + DAY)
    assertStripeShape(advanced)
    expect(advanced.frozen_time).toBe(T0 + DAY)
    const deleted = await stripe.testHelpers.testClocks.del(clock.id)
    expect(deleted).toMatchObject({ id: clock.id, deleted: true })
    await expect(stripe.testHelpers.testClocks.retrieve(clock.id)).rejects.toBeInstanceOf(
      Stripe.errors.StripeInvalidRequestError,
    )
    await t.emulator.idle()
    expect(billingTypes(receiver)).toEqual([
      'test_helpers.test_clock.created',
      'test_helpers.test_clock.advancing',
      'test_helpers.test_clock.ready',
      'test_helpers.test_clock.deleted',
    ])
  })
})

describe('a first payment that fails', () => {
  it('leaves the subscription incomplete with an open invoice, then incomplete_expired after 23 hours', async () => {
    const clock = await stripe.testHelpers.testClocks.create({ frozen_time: T0 })
    const { customer } = await customerWithCard(stripe, 'pm_card_chargeCustomerFail', clock.id)
    const sub = await stripe.subscriptions.create({ customer: customer.id, items: [{ price: price.id }] })
    expect(sub.status).toBe('incomplete')
    const invoice = await stripe.invoices.retrieve(String(sub.latest_invoice))
    expect(invoice).toMatchObject({ status: 'open', amount_remaining: 900, attempt_count: 1 })
    await t.emulator.idle()
    expect(eventsFor(receiver, 'invoice.payment_failed', sub.id)).toHaveLength(1)

    await advanceClock(stripe, clock.id, T0 + 22 * 3600)
    expect((await stripe.subscriptions.retrieve(sub.id)).status).toBe('incomplete')
    await advanceClock(stripe, clock.id, T0 + 24 * 3600)
    expect((await stripe.subscriptions.retrieve(sub.id)).status).toBe('incomplete_expired')
    expect((await stripe.invoices.retrieve(invoice.id)).status).toBe('void')
  })

  it('becomes active when the open invoice is paid with another card', async () => {
    const { customer } = await customerWithCard(stripe, 'pm_card_chargeCustomerFail')
    const sub = await stripe.subscriptions.create({ customer: customer.id, items: [{ price: price.id }] })
    const good = await stripe.paymentMethods.attach('pm_card_visa', { customer: customer.id })
    const paid = await stripe.invoices.pay(String(sub.latest_invoice), { payment_method: good.id })
    expect(paid).toMatchObject({ status: 'paid', amount_paid: 900, amount_remaining: 0 })
    expect((await stripe.subscriptions.retrieve(sub.id)).status).toBe('active')
    await expect(stripe.invoices.pay(paid.id)).rejects.toBeInstanceOf(Stripe.errors.StripeInvalidRequestError)
  })

  it('payment_behavior=error_if_incomplete answers 402', async () => {
    const { customer } = await customerWithCard(stripe, 'pm_card_chargeCustomerFail')
    await expect(
      stripe.subscriptions.create({
        customer: customer.id,
        items: [{ price: price.id }],
        payment_behavior: 'error_if_incomplete',
      }),
    ).rejects.toMatchObject({ statusCode: 402, type: 'StripeCardError' })
    expect((await stripe.subscriptions.list({ customer: customer.id, status: 'all' })).data).toHaveLength(0)
  })

  it('payment_behavior=default_incomplete finalizes the first invoice without charging it', async () => {
    const { customer } = await customerWithCard(stripe)
    const sub = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: price.id }],
      payment_behavior: 'default_incomplete',
    })
    expect(sub.status).toBe('incomplete')
    expect(await stripe.invoices.retrieve(String(sub.latest_invoice))).toMatchObject({
      status: 'open',
      attempt_count: 0,
      amount_remaining: 900,
    })
    await stripe.invoices.pay(String(sub.latest_invoice))
    expect((await stripe.subscriptions.retrieve(sub.id)).status).toBe('active')
  })
})

describe('invoices API', () => {
  it('lists by customer, subscription and status, pages lines, and refuses to void a paid invoice', async () => {
    const { customer } = await customerWithCard(stripe)
    const sub = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: price.id, quantity: 2 }],
    })
    const byCustomer = await stripe.invoices.list({ customer: customer.id })
    expect(byCustomer.data).toHaveLength(1)
    expect(byCustomer.data[0]).toMatchObject({ amount_due: 1800, customer: customer.id })
    expect((await stripe.invoices.list({ customer: customer.id, status: 'open' })).data).toHaveLength(0)
    expect((await stripe.invoices.list({ subscription: sub.id, status: 'paid' })).data).toHaveLength(1)
    const lines = await stripe.invoices.listLineItems(String(sub.latest_invoice))
    expect(lines.data[0]).toMatchObject({ amount: 1800, quantity: 2 })
    expect(lines.data[0]?.pricing?.price_details?.price).toBe(price.id)
    await expect(stripe.invoices.voidInvoice(String(sub.latest_invoice))).rejects.toBeInstanceOf(
      Stripe.errors.StripeInvalidRequestError,
    )
    const items = await stripe.subscriptionItems.list({ subscription: sub.id })
    assertStripeShape(items.data[0])
    expect(items.data[0]?.current_period_end).toBeGreaterThan(items.data[0]!.current_period_start)
  })
})
