import Stripe from 'stripe'
import { beforeAll, describe, expect, it } from 'vitest'
import { assertStripeShape } from '../shapes.js'
import { useEmulatorSuite } from '../test-suite.js'
import {
  advanceClock,
  billingTypes,
  customerWithCard,
  DAY,
  eventsFor,
  monthlyPrice,
  T0,
} from './test-helpers.js'

const suite = useEmulatorSuite()
let price: Stripe.Price

beforeAll(async () => {
  price = await monthlyPrice(suite.stripe)
})

describe('test clocks', () => {
  it('create, retrieve, list, refuse going back, delete — with their events', async () => {
    const clock = await suite.stripe.testHelpers.testClocks.create({ frozen_time: T0, name: 'crud' })
    expect(clock).toMatchObject({ status: 'ready', frozen_time: T0, name: 'crud' })
    expect(clock.id).toMatch(/^clock_/)
    expect((await suite.stripe.testHelpers.testClocks.list()).data.map((c) => c.id)).toContain(clock.id)
    await expect(
      suite.stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: T0 - 1 }),
    ).rejects.toMatchObject({
      type: 'StripeInvalidRequestError',
      param: 'frozen_time',
    })
    const advanced = await advanceClock(suite.stripe, clock.id, T0 + DAY)
    assertStripeShape(advanced)
    expect(advanced.frozen_time).toBe(T0 + DAY)
    const deleted = await suite.stripe.testHelpers.testClocks.del(clock.id)
    expect(deleted).toMatchObject({ id: clock.id, deleted: true })
    await expect(suite.stripe.testHelpers.testClocks.retrieve(clock.id)).rejects.toBeInstanceOf(
      Stripe.errors.StripeInvalidRequestError,
    )
    await suite.emulator.idle()
    expect(billingTypes(suite.receiver)).toEqual([
      'test_helpers.test_clock.created',
      'test_helpers.test_clock.advancing',
      'test_helpers.test_clock.ready',
      'test_helpers.test_clock.deleted',
    ])
  })
})

describe('a first payment that fails', () => {
  it('leaves the subscription incomplete with an open invoice, then incomplete_expired after 23 hours', async () => {
    const clock = await suite.stripe.testHelpers.testClocks.create({ frozen_time: T0 })
    const { customer } = await customerWithCard(suite.stripe, 'pm_card_chargeCustomerFail', clock.id)
    const sub = await suite.stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: price.id }],
    })
    expect(sub.status).toBe('incomplete')
    const invoice = await suite.stripe.invoices.retrieve(String(sub.latest_invoice))
    expect(invoice).toMatchObject({ status: 'open', amount_remaining: 900, attempt_count: 1 })
    await suite.emulator.idle()
    expect(eventsFor(suite.receiver, 'invoice.payment_failed', sub.id)).toHaveLength(1)

    await advanceClock(suite.stripe, clock.id, T0 + 22 * 3600)
    expect((await suite.stripe.subscriptions.retrieve(sub.id)).status).toBe('incomplete')
    await advanceClock(suite.stripe, clock.id, T0 + 24 * 3600)
    expect((await suite.stripe.subscriptions.retrieve(sub.id)).status).toBe('incomplete_expired')
    expect((await suite.stripe.invoices.retrieve(invoice.id)).status).toBe('void')
  })

  it('becomes active when the open invoice is paid with another card', async () => {
    const { customer } = await customerWithCard(suite.stripe, 'pm_card_chargeCustomerFail')
    const sub = await suite.stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: price.id }],
    })
    const good = await suite.stripe.paymentMethods.attach('pm_card_visa', { customer: customer.id })
    const paid = await suite.stripe.invoices.pay(String(sub.latest_invoice), { payment_method: good.id })
    expect(paid).toMatchObject({ status: 'paid', amount_paid: 900, amount_remaining: 0 })
    expect((await suite.stripe.subscriptions.retrieve(sub.id)).status).toBe('active')
    await expect(suite.stripe.invoices.pay(paid.id)).rejects.toBeInstanceOf(
      Stripe.errors.StripeInvalidRequestError,
    )
  })

  it('payment_behavior=error_if_incomplete answers 402', async () => {
    const { customer } = await customerWithCard(suite.stripe, 'pm_card_chargeCustomerFail')
    await expect(
      suite.stripe.subscriptions.create({
        customer: customer.id,
        items: [{ price: price.id }],
        payment_behavior: 'error_if_incomplete',
      }),
    ).rejects.toMatchObject({ statusCode: 402, type: 'StripeCardError' })
    expect(
      (await suite.stripe.subscriptions.list({ customer: customer.id, status: 'all' })).data,
    ).toHaveLength(0)
  })

  it('payment_behavior=default_incomplete finalizes the first invoice without charging it', async () => {
    const { customer } = await customerWithCard(suite.stripe)
    const sub = await suite.stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: price.id }],
      payment_behavior: 'default_incomplete',
    })
    expect(sub.status).toBe('incomplete')
    expect(await suite.stripe.invoices.retrieve(String(sub.latest_invoice))).toMatchObject({
      status: 'open',
      attempt_count: 0,
      amount_remaining: 900,
    })
    await suite.stripe.invoices.pay(String(sub.latest_invoice))
    expect((await suite.stripe.subscriptions.retrieve(sub.id)).status).toBe('active')
  })
})

describe('invoices API', () => {
  it('lists by customer, subscription and status, pages lines, and refuses to void a paid invoice', async () => {
    const { customer } = await customerWithCard(suite.stripe)
    const sub = await suite.stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: price.id, quantity: 2 }],
    })
    const byCustomer = await suite.stripe.invoices.list({ customer: customer.id })
    expect(byCustomer.data).toHaveLength(1)
    expect(byCustomer.data[0]).toMatchObject({ amount_due: 1800, customer: customer.id })
    expect((await suite.stripe.invoices.list({ customer: customer.id, status: 'open' })).data).toHaveLength(0)
    expect((await suite.stripe.invoices.list({ subscription: sub.id, status: 'paid' })).data).toHaveLength(1)
    const lines = await suite.stripe.invoices.listLineItems(String(sub.latest_invoice))
    expect(lines.data[0]).toMatchObject({ amount: 1800, quantity: 2 })
    expect(lines.data[0]?.pricing?.price_details?.price).toBe(price.id)
    await expect(suite.stripe.invoices.voidInvoice(String(sub.latest_invoice))).rejects.toBeInstanceOf(
      Stripe.errors.StripeInvalidRequestError,
    )
    const items = await suite.stripe.subscriptionItems.list({ subscription: sub.id })
    assertStripeShape(items.data[0])
    expect(items.data[0]?.current_period_end).toBeGreaterThan(items.data[0]!.current_period_start)
  })
})
