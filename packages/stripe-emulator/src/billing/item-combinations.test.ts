import type Stripe from 'stripe'
import { beforeAll, describe, expect, it } from 'vitest'
import { useEmulatorSuite } from '../test-suite.js'
import { customerWithCard, monthlyPrice } from './test-helpers.js'

const suite = useEmulatorSuite()
let basic: Stripe.Price
let addon: Stripe.Price
let yearly: Stripe.Price
let euro: Stripe.Price
let customer: Stripe.Customer

beforeAll(async () => {
  basic = await monthlyPrice(suite.stripe, 900)
  addon = await monthlyPrice(suite.stripe, 300)
  yearly = await monthlyPrice(suite.stripe, 9000, 'year')
  euro = await suite.stripe.prices.create({
    currency: 'eur',
    unit_amount: 800,
    recurring: { interval: 'month' },
    product_data: { name: 'Euro plan' },
  })
  ;({ customer } = await customerWithCard(suite.stripe))
})

const refused = (message: RegExp) => ({
  statusCode: 400,
  type: 'StripeInvalidRequestError',
  param: 'items',
  message: expect.stringMatching(message),
})

describe('a subscription’s items', () => {
  it.each([
    ['different currencies', () => [basic, euro], /mismatch in currency/],
    ['the same price twice', () => [basic, basic], /multiple subscription items with the same plan/],
    ['different intervals (classic billing mode)', () => [basic, yearly], /mismatch in interval/],
  ])('are refused on create with %s, and nothing is created', async (_what, prices, message) => {
    const before = (await suite.stripe.subscriptions.list({ customer: customer.id, status: 'all' })).data
      .length
    await expect(
      suite.stripe.subscriptions.create({
        customer: customer.id,
        items: prices().map((p) => ({ price: p.id })),
      }),
    ).rejects.toMatchObject(refused(message))
    const after = await suite.stripe.subscriptions.list({ customer: customer.id, status: 'all' })
    expect(after.data).toHaveLength(before)
  })

  it('are refused on update when a swap would repeat a price or mix intervals', async () => {
    const sub = await suite.stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: basic.id }, { price: addon.id }],
    })
    const [first, second] = sub.items.data
    await expect(
      suite.stripe.subscriptions.update(sub.id, { items: [{ id: second!.id, price: basic.id }] }),
    ).rejects.toMatchObject(refused(/same plan/))
    await expect(
      suite.stripe.subscriptions.update(sub.id, { items: [{ id: first!.id, price: yearly.id }] }),
    ).rejects.toMatchObject(refused(/mismatch in interval/))
    await expect(
      suite.stripe.subscriptionItems.update(second!.id, { price: basic.id }),
    ).rejects.toMatchObject({
      statusCode: 400,
      param: 'price',
    })
    const unchanged = await suite.stripe.subscriptions.retrieve(sub.id)
    expect(unchanged.items.data.map((i) => i.price.id)).toEqual([basic.id, addon.id])
    // Swapping both to yearly together is one consistent set.
    const swapped = await suite.stripe.subscriptions.update(sub.id, {
      items: [
        { id: first!.id, price: yearly.id },
        { id: second!.id, price: (await monthlyPrice(suite.stripe, 3000, 'year')).id },
      ],
      proration_behavior: 'none',
    })
    expect(swapped.items.data.map((i) => i.price.recurring?.interval)).toEqual(['year', 'year'])
  })

  it('refuses billing_mode flexible, which the emulator does not model', async () => {
    await expect(
      suite.stripe.subscriptions.create({
        customer: customer.id,
        items: [{ price: basic.id }, { price: yearly.id }],
        billing_mode: { type: 'flexible' },
      }),
    ).rejects.toMatchObject({ statusCode: 400, param: 'billing_mode' })
  })
})
