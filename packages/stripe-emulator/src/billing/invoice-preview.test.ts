import type Stripe from 'stripe'
import { beforeAll, describe, expect, it } from 'vitest'
import { assertStripeShape } from '../shapes.js'
import { useEmulatorSuite } from '../test-suite.js'
import { advanceClock, customerWithCard, DAY, drain, monthlyPrice, T0 } from './test-helpers.js'

const suite = useEmulatorSuite()
let basic: Stripe.Price
let premium: Stripe.Price
let yearly: Stripe.Price

beforeAll(async () => {
  basic = await monthlyPrice(suite.stripe, 900)
  premium = await monthlyPrice(suite.stripe, 1800)
  yearly = await monthlyPrice(suite.stripe, 9000, 'year')
})

async function subscribedMidPeriod(price: Stripe.Price) {
  const clock = await suite.stripe.testHelpers.testClocks.create({ frozen_time: T0 })
  const { customer } = await customerWithCard(suite.stripe, 'pm_card_visa', clock.id)
  const sub = await suite.stripe.subscriptions.create({ customer: customer.id, items: [{ price: price.id }] })
  await advanceClock(suite.stripe, clock.id, T0 + 15 * DAY)
  await suite.emulator.idle()
  drain(suite.receiver)
  return { clock, customer, sub, item: sub.items.data[0]!.id }
}

const strip = (invoice: Stripe.Invoice): Stripe.Invoice => {
  const { lastResponse: _, ...rest } = invoice as Stripe.Invoice & { lastResponse?: unknown }
  return rest as Stripe.Invoice
}
const amounts = (invoice: Stripe.Invoice): number[] =>
  invoice.lines.data.map((l) => l.amount).sort((a, b) => a - b)

describe('invoices/create_preview', () => {
  it('previews a price change with the arithmetic the change then uses, and changes nothing', async () => {
    const { clock, sub, item } = await subscribedMidPeriod(basic)
    const preview = await suite.stripe.invoices.createPreview({
      subscription: sub.id,
      subscription_details: { items: [{ id: item, price: premium.id }], proration_date: T0 + 15 * DAY },
    })
    assertStripeShape(strip(preview))
    expect(preview.id).toMatch(/^upcoming_in_/)
    expect(amounts(preview)).toEqual([-465, 929, 1800])
    expect(preview).toMatchObject({
      total: 2264,
      amount_due: 2264,
      status: 'draft',
      billing_reason: 'subscription_cycle',
    })
    // Nothing was stored or emitted.
    await suite.emulator.idle()
    expect(suite.receiver.received).toEqual([])
    await expect(suite.stripe.invoices.retrieve(preview.id)).rejects.toMatchObject({ statusCode: 404 })
    expect((await suite.stripe.subscriptions.retrieve(sub.id)).items.data[0]!.price.id).toBe(basic.id)

    await suite.stripe.subscriptions.update(sub.id, { items: [{ id: item, price: premium.id }] })
    await advanceClock(suite.stripe, clock.id, T0 + 31 * DAY + 2 * 3600)
    const [renewal] = (await suite.stripe.invoices.list({ subscription: sub.id, limit: 1 })).data
    expect(amounts(renewal!)).toEqual(amounts(preview))
    expect(renewal!.total).toBe(preview.total)
  })

  it('quantity change, always_invoice, none, and a month → year switch', async () => {
    const { sub, item } = await subscribedMidPeriod(basic)
    const quantity = await suite.stripe.invoices.createPreview({
      subscription: sub.id,
      subscription_details: { items: [{ id: item, quantity: 3 }], proration_behavior: 'always_invoice' },
    })
    expect(amounts(quantity)).toEqual([-465, 1394])
    expect(quantity).toMatchObject({ total: 929, billing_reason: 'subscription_update' })
    const none = await suite.stripe.invoices.createPreview({
      subscription: sub.id,
      subscription_details: { items: [{ id: item, price: premium.id }], proration_behavior: 'none' },
    })
    expect(amounts(none)).toEqual([1800])
    const year = await suite.stripe.invoices.createPreview({
      subscription: sub.id,
      subscription_details: { items: [{ id: item, price: yearly.id }] },
    })
    expect(amounts(year)).toEqual([-465, 9000])
    const plain = await suite.stripe.invoices.createPreview({ subscription: sub.id })
    expect(amounts(plain)).toEqual([900])
  })

  it("previews a customer's pending invoice items", async () => {
    const customer = await suite.stripe.customers.create({})
    await suite.stripe.invoiceItems.create({ customer: customer.id, amount: 700, currency: 'eur' })
    await suite.stripe.invoiceItems.create({ customer: customer.id, amount: 300, currency: 'eur' })
    const preview = await suite.stripe.invoices.createPreview({ customer: customer.id })
    expect(preview).toMatchObject({ total: 1000, currency: 'eur', billing_reason: 'manual' })
    expect(
      (await suite.stripe.invoiceItems.list({ customer: customer.id, pending: true })).data,
    ).toHaveLength(2)
  })

  it('bad input: in the envelope, never a 500', async () => {
    const { sub, item } = await subscribedMidPeriod(basic)
    await expect(suite.stripe.invoices.createPreview({})).rejects.toMatchObject({
      statusCode: 400,
      code: 'parameter_missing',
      param: 'customer',
    })
    await expect(suite.stripe.invoices.createPreview({ subscription: 'sub_nope' })).rejects.toMatchObject({
      statusCode: 400,
      code: 'resource_missing',
      param: 'subscription',
    })
    await expect(
      suite.stripe.invoices.createPreview({
        subscription: sub.id,
        subscription_details: { items: [{ id: item, price: premium.id }], proration_date: T0 - DAY },
      }),
    ).rejects.toMatchObject({ statusCode: 400, param: 'subscription_details[proration_date]' })
    await expect(
      suite.stripe.invoices.createPreview({
        subscription: sub.id,
        subscription_details: { cancel_at_period_end: true },
      }),
    ).rejects.toMatchObject({ statusCode: 400, code: 'parameter_unsupported' })
  })
})
