import type Stripe from 'stripe'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { assertStripeShape } from './shapes.js'
import { startTestEmulator, type TestEmulator } from './testing.js'

let t: TestEmulator
let stripe: Stripe

beforeAll(async () => {
  t = await startTestEmulator()
  stripe = t.stripe
})
afterAll(() => t.close())

describe('products, prices, customers', () => {
  it('filters prices by lookup_keys and moves a key with transfer_lookup_key', async () => {
    const product = await stripe.products.create({ name: 'Guide' })
    const old = await stripe.prices.create({
      product: product.id,
      currency: 'usd',
      unit_amount: 1900,
      lookup_key: 'guide',
    })
    await expect(
      stripe.prices.create({ product: product.id, currency: 'usd', unit_amount: 2500, lookup_key: 'guide' }),
    ).rejects.toMatchObject({ statusCode: 400 })
    const next = await stripe.prices.create({
      product: product.id,
      currency: 'USD',
      unit_amount: 2500,
      lookup_key: 'guide',
      transfer_lookup_key: true,
    })
    const found = await stripe.prices.list({ lookup_keys: ['guide'] })
    expect(found.data.map((p) => p.id)).toEqual([next.id])
    expect(next.currency).toBe('usd')
    expect((await stripe.prices.retrieve(old.id)).lookup_key).toBeNull()
  })

  it('creates recurring and zero-decimal prices with integer amounts', async () => {
    const price = await stripe.prices.create({
      currency: 'jpy',
      unit_amount: 1500,
      recurring: { interval: 'year' },
      product_data: { name: 'Yearly' },
    })
    expect(price).toMatchObject({
      type: 'recurring',
      unit_amount: 1500,
      recurring: { interval: 'year', interval_count: 1 },
    })
    await expect(
      stripe.prices.create({
        currency: 'usd',
        unit_amount: 1,
        recurring: { interval_count: 2 } as Stripe.PriceCreateParams.Recurring,
        product_data: { name: 'x' },
      }),
    ).rejects.toMatchObject({
      code: 'parameter_missing',
      param: 'recurring[interval]',
    })
  })

  it("serves objects with exactly the SDK types' keys", async () => {
    const product = await stripe.products.create({
      name: 'Shape',
      default_price_data: { currency: 'usd', unit_amount: 100 },
    })
    const price = await stripe.prices.retrieve(String(product.default_price))
    const customer = await stripe.customers.create({ email: 'shape@example.com' })
    const endpoint = await stripe.webhookEndpoints.create({
      url: 'http://127.0.0.1:9/x',
      enabled_events: ['*'],
    })
    const { lastResponse: _a, ...p } = product
    const { lastResponse: _b, ...pr } = price
    const { lastResponse: _c, ...cu } = customer
    const { lastResponse: _d, ...we } = endpoint
    for (const o of [p, pr, cu, we]) assertStripeShape(o)
    const events = await stripe.events.list({ limit: 5 })
    for (const e of events.data) assertStripeShape(e)
    expect(endpoint.secret).toMatch(/^whsec_/)
    expect((await stripe.webhookEndpoints.retrieve(endpoint.id)).secret).toBeUndefined()
    await stripe.webhookEndpoints.del(endpoint.id)
  })
})

describe('test-clock objects in lists', () => {
  it('are listed only for their clock (customers) or their clock or customer (subscriptions)', async () => {
    const clock = await stripe.testHelpers.testClocks.create({ frozen_time: 1_767_225_600 })
    const customer = await stripe.customers.create({
      email: 'clocked@example.com',
      test_clock: clock.id,
      payment_method: 'pm_card_visa',
      invoice_settings: { default_payment_method: 'pm_card_visa' },
    })
    const price = await stripe.prices.create({
      currency: 'usd',
      unit_amount: 500,
      recurring: { interval: 'month' },
      product_data: { name: 'Clocked' },
    })
    const sub = await stripe.subscriptions.create({ customer: customer.id, items: [{ price: price.id }] })
    expect((await stripe.customers.list({ email: 'clocked@example.com' })).data).toEqual([])
    expect((await stripe.customers.list({ test_clock: clock.id })).data.map((c) => c.id)).toEqual([
      customer.id,
    ])
    expect((await stripe.subscriptions.list({ limit: 100 })).data.map((s) => s.id)).not.toContain(sub.id)
    expect((await stripe.subscriptions.list({ customer: customer.id })).data.map((s) => s.id)).toEqual([
      sub.id,
    ])
    expect((await stripe.subscriptions.list({ test_clock: clock.id })).data.map((s) => s.id)).toEqual([
      sub.id,
    ])
  })
})

describe('events', () => {
  it('lists events with type wildcards, types[] and created filters', async () => {
    const c = await stripe.customers.create({ email: 'events@example.com' })
    await stripe.customers.update(c.id, { name: 'Evie' })
    const updated = await stripe.events.list({ type: 'customer.updated', limit: 100 })
    const mine = updated.data.find((e) => (e.data.object as Stripe.Customer).id === c.id)
    expect(mine?.data.previous_attributes).toEqual({ name: null })
    const wildcard = await stripe.events.list({ type: 'customer.*', limit: 100 })
    const types = new Set(wildcard.data.map((e) => e.type))
    expect([...types].every((type) => type.startsWith('customer.'))).toBe(true)
    expect([...types]).toEqual(expect.arrayContaining(['customer.created', 'customer.updated']))
    const both = await stripe.events.list({ types: ['customer.created', 'product.created'], limit: 100 })
    expect(both.data.every((e) => e.type === 'customer.created' || e.type === 'product.created')).toBe(true)
    const future = await stripe.events.list({ created: { gt: t.emulator.clock.now() + 10 } })
    expect(future.data).toEqual([])
    const one = await stripe.events.retrieve(mine!.id)
    expect(one.id).toBe(mine!.id)
    expect(one.api_version).toBe('2026-10-28.endive')
  })

  it('keeps only the last 30 days of events on the emulator clock', async () => {
    const own = await startTestEmulator()
    try {
      await own.stripe.customers.create({ email: 'old@example.com' })
      const [event] = (await own.stripe.events.list()).data
      expect(event).toBeDefined()
      await own.emulator.clock.advance(31 * 86_400)
      expect((await own.stripe.events.list()).data).toHaveLength(0)
      await expect(own.stripe.events.retrieve(event!.id)).rejects.toMatchObject({
        statusCode: 404,
        code: 'resource_missing',
      })
    } finally {
      await own.close()
    }
  })
})
