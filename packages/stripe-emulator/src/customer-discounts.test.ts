import type Stripe from 'stripe'
import { beforeAll, describe, expect, it } from 'vitest'
import { customerWithCard, monthlyPrice } from './billing/test-helpers.js'
import { useEmulatorSuite } from './test-suite.js'

const suite = useEmulatorSuite()
let price: Stripe.Price

beforeAll(async () => {
  price = await monthlyPrice(suite.stripe, 2000)
})

// `coupon` on customers left the SDK's types in basil; older clients still send it, so it is sent
// here the way they send it (stripe-node passes unknown keys through as form fields).
const legacy = (params: { coupon: string }) =>
  params as Stripe.CustomerUpdateParams & Stripe.CustomerCreateParams

async function types(): Promise<string[]> {
  await suite.emulator.idle()
  return suite.receiver.received.map((r) => r.event.type).filter((t) => t.startsWith('customer.'))
}

describe('a customer’s own discount (legacy coupon on customers)', () => {
  it('coupon on create sets customer.discount and discounts its subscription invoices; switching and removing send their events', async () => {
    const twenty = await suite.stripe.coupons.create({ percent_off: 20, duration: 'forever' })
    const thirty = await suite.stripe.coupons.create({ percent_off: 30, duration: 'forever' })
    const { customer } = await customerWithCard(suite.stripe)
    await suite.emulator.idle()
    suite.receiver.received.length = 0
    const updated = await suite.stripe.customers.update(customer.id, legacy({ coupon: twenty.id }))
    expect(updated.discount).toMatchObject({
      object: 'discount',
      customer: customer.id,
      source: { type: 'coupon', coupon: twenty.id },
      subscription: null,
    })
    expect(await types()).toEqual(['customer.discount.created', 'customer.updated'])

    const sub = await suite.stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: price.id }],
      expand: ['latest_invoice'],
    })
    const invoice = sub.latest_invoice as Stripe.Invoice
    expect(invoice).toMatchObject({ subtotal: 2000, total: 1600, amount_paid: 1600 })
    expect(invoice.total_discount_amounts).toEqual([{ amount: 400, discount: updated.discount!.id }])

    await suite.emulator.idle()
    suite.receiver.received.length = 0
    const switched = await suite.stripe.customers.update(customer.id, legacy({ coupon: thirty.id }))
    expect(switched.discount?.source.coupon).toBe(thirty.id)
    const cleared = await suite.stripe.customers.update(customer.id, legacy({ coupon: '' }))
    expect(cleared.discount).toBeNull()
    expect(await types()).toEqual([
      'customer.discount.updated',
      'customer.updated',
      'customer.discount.deleted',
      'customer.updated',
    ])
  })

  it('created with a coupon: customer.created carries it, then customer.discount.created; DELETE /discount removes it', async () => {
    const coupon = await suite.stripe.coupons.create({ amount_off: 500, currency: 'usd', duration: 'once' })
    const customer = await suite.stripe.customers.create(legacy({ coupon: coupon.id }))
    expect(customer.discount?.source.coupon).toBe(coupon.id)
    expect(await types()).toEqual(['customer.created', 'customer.discount.created'])
    // A one-off invoice would need the customer's discount, which is not modelled there: refused by name.
    await expect(suite.stripe.invoices.create({ customer: customer.id })).rejects.toMatchObject({
      statusCode: 400,
      code: 'parameter_unsupported',
    })
    suite.receiver.received.length = 0
    const deleted = await suite.stripe.customers.deleteDiscount(customer.id)
    expect(deleted).toMatchObject({ object: 'discount', deleted: true, customer: customer.id })
    expect(await types()).toEqual(['customer.discount.deleted', 'customer.updated'])
    await expect(suite.stripe.customers.deleteDiscount(customer.id)).rejects.toMatchObject({
      statusCode: 400,
      code: 'resource_missing',
    })
    await expect(suite.stripe.customers.create(legacy({ coupon: 'nope' }))).rejects.toMatchObject({
      statusCode: 400,
      code: 'resource_missing',
      param: 'coupon',
    })
  })
})
