import Stripe from 'stripe'
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

/** The SDK adds `lastResponse` to every object; the shape check looks at what the wire carried. */
function wire<T extends object>(obj: T): Omit<T, 'lastResponse'> {
  const { lastResponse: _ignored, ...rest } = obj as T & { lastResponse?: unknown }
  return rest
}

async function eventsFor(id: string): Promise<Stripe.Event[]> {
  const list = await stripe.events.list({ limit: 100 })
  return list.data.filter((e) => (e.data.object as { id?: string }).id === id).reverse()
}

describe('products', () => {
  it('creates with default_price_data, updates with previous_attributes, lists and deletes', async () => {
    const product = await stripe.products.create({
      name: 'Handbook',
      description: 'A book',
      default_price_data: { currency: 'EUR', unit_amount: 1200 },
    })
    assertStripeShape(wire(product))
    const price = await stripe.prices.retrieve(String(product.default_price))
    expect(price).toMatchObject({ currency: 'eur', unit_amount: 1200, product: product.id, type: 'one_time' })
    const updated = await stripe.products.update(product.id, { name: 'Handbook 2', description: '' })
    expect(updated).toMatchObject({ name: 'Handbook 2', description: null })
    const events = await eventsFor(product.id)
    expect(events.map((e) => e.type)).toEqual(['product.created', 'product.updated'])
    expect(events[1]!.data.previous_attributes).toMatchObject({ name: 'Handbook', description: 'A book' })
    for (const e of events) assertStripeShape(e)
    const inactive = await stripe.products.update(product.id, { active: false })
    expect(inactive.active).toBe(false)
    const active = await stripe.products.list({ active: false, limit: 100 })
    expect(active.data.map((p) => p.id)).toContain(product.id)
    const bare = await stripe.products.create({ name: 'Deletable' })
    const deleted = await stripe.products.del(bare.id)
    expect(deleted).toMatchObject({ id: bare.id, deleted: true })
    await expect(stripe.products.retrieve(bare.id)).rejects.toMatchObject({
      statusCode: 404,
      code: 'resource_missing',
    })
    expect((await eventsFor(bare.id)).map((e) => e.type)).toEqual(['product.created', 'product.deleted'])
  })

  it('refuses a product without a name and unknown nested params', async () => {
    await expect(stripe.products.create({} as Stripe.ProductCreateParams)).rejects.toMatchObject({
      code: 'parameter_missing',
      param: 'name',
    })
    await expect(
      stripe.products.create({
        name: 'x',
        default_price_data: { currency: 'usd', unit_amount: 1, bogus: 1 } as never,
      }),
    ).rejects.toMatchObject({ code: 'parameter_unknown', param: 'default_price_data[bogus]' })
  })
})

describe('product fields', () => {
  it('stores marketing features and optional fields, filters by shippable, and guards default_price and name', async () => {
    const p = await stripe.products.create({
      name: 'Course',
      marketing_features: [{ name: 'Video' }, { name: 'Forum' }],
      unit_label: 'seat',
      shippable: false,
    })
    assertStripeShape(wire(p))
    expect(p).toMatchObject({
      marketing_features: [{ name: 'Video' }, { name: 'Forum' }],
      unit_label: 'seat',
      shippable: false,
    })
    const u = await stripe.products.update(p.id, { unit_label: '', marketing_features: [{ name: 'Video' }] })
    expect(u).toMatchObject({ unit_label: null, marketing_features: [{ name: 'Video' }] })
    const unshippable = await stripe.products.list({ shippable: false, limit: 100 })
    expect(unshippable.data.map((x) => x.id)).toContain(p.id)
    const foreign = await stripe.prices.create({
      currency: 'usd',
      unit_amount: 5,
      product_data: { name: 'Other' },
    })
    await expect(stripe.products.update(p.id, { default_price: foreign.id })).rejects.toMatchObject({
      param: 'default_price',
    })
    await expect(stripe.products.update(p.id, { name: '' })).rejects.toMatchObject({
      statusCode: 400,
      param: 'name',
    })
    expect((await stripe.products.retrieve(p.id)).name).toBe('Course')
  })
})

describe('prices', () => {
  it('lists by recurring interval and refuses what the emulator does not model', async () => {
    const product = await stripe.products.create({ name: 'Intervals' })
    const yearly = await stripe.prices.create({
      product: product.id,
      currency: 'usd',
      unit_amount: 9900,
      recurring: { interval: 'year' },
    })
    await stripe.prices.create({
      product: product.id,
      currency: 'usd',
      unit_amount: 990,
      recurring: { interval: 'month' },
    })
    const list = await stripe.prices.list({ product: product.id, recurring: { interval: 'year' } })
    expect(list.data.map((x) => x.id)).toEqual([yearly.id])
    await expect(
      stripe.prices.create({
        product: product.id,
        currency: 'usd',
        billing_scheme: 'tiered',
        tiers_mode: 'graduated',
        tiers: [{ up_to: 'inf', unit_amount: 1 }],
      }),
    ).rejects.toMatchObject({ statusCode: 400, code: 'parameter_unsupported' })
    const eleven = Array.from({ length: 11 }, (_, i) => `key-${i}`)
    await expect(stripe.prices.list({ lookup_keys: eleven })).rejects.toMatchObject({
      statusCode: 400,
      param: 'lookup_keys',
    })
    expect((await stripe.prices.list({ lookup_keys: eleven.slice(0, 10) })).data).toEqual([])
  })

  it('keeps unit_amount_decimal as a string, filters by active/type/product and deactivates', async () => {
    const product = await stripe.products.create({ name: 'Decimal' })
    const decimal = await stripe.prices.create({
      product: product.id,
      currency: 'usd',
      unit_amount_decimal: Stripe.Decimal.from('250'),
    })
    assertStripeShape(wire(decimal))
    expect(decimal.unit_amount).toBe(250)
    // stripe-node turns the wire's decimal string into its Decimal type.
    expect(String(decimal.unit_amount_decimal)).toBe('250')
    const monthly = await stripe.prices.create({
      product: product.id,
      currency: 'usd',
      unit_amount: 900,
      recurring: { interval: 'month', interval_count: 3 },
      lookup_key: 'quarterly',
      nickname: 'Quarterly',
    })
    expect(monthly.recurring).toMatchObject({ interval: 'month', interval_count: 3, usage_type: 'licensed' })
    const recurring = await stripe.prices.list({ product: product.id, type: 'recurring' })
    expect(recurring.data.map((p) => p.id)).toEqual([monthly.id])
    const off = await stripe.prices.update(monthly.id, { active: false, lookup_key: '' })
    expect(off).toMatchObject({ active: false, lookup_key: null })
    const updated = (await eventsFor(monthly.id)).find((e) => e.type === 'price.updated')
    expect(updated?.data.previous_attributes).toMatchObject({ active: true, lookup_key: 'quarterly' })
    const actives = await stripe.prices.list({ product: product.id, active: true })
    expect(actives.data.map((p) => p.id)).toEqual([decimal.id])
    expect((await stripe.prices.list({ lookup_keys: ['quarterly'] })).data).toEqual([])
  })

  it('refuses non-integer amounts, unknown products and missing currency', async () => {
    const product = await stripe.products.create({ name: 'Strict' })
    await expect(
      stripe.prices.create({ product: product.id, currency: 'usd', unit_amount: 12.5 }),
    ).rejects.toMatchObject({ statusCode: 400, param: 'unit_amount' })
    await expect(
      stripe.prices.create({ product: 'prod_missing', currency: 'usd', unit_amount: 1 }),
    ).rejects.toMatchObject({ statusCode: 400, code: 'resource_missing', param: 'product' })
    await expect(
      stripe.prices.create({ product: product.id, unit_amount: 1 } as Stripe.PriceCreateParams),
    ).rejects.toMatchObject({ code: 'parameter_missing', param: 'currency' })
  })
})

describe('customers', () => {
  it('lists by email, updates invoice settings with a magic payment method, deletes', async () => {
    const c = await stripe.customers.create({
      email: 'list@example.com',
      name: 'Lee',
      payment_method: 'pm_card_visa',
    })
    assertStripeShape(wire(c))
    const other = await stripe.customers.create({ email: 'other@example.com' })
    const byEmail = await stripe.customers.list({ email: 'list@example.com' })
    expect(byEmail.data.map((x) => x.id)).toEqual([c.id])
    const pms = await stripe.paymentMethods.list({ customer: c.id, type: 'card' })
    expect(pms.data).toHaveLength(1)
    const u = await stripe.customers.update(c.id, {
      invoice_settings: { default_payment_method: pms.data[0]!.id },
    })
    expect(u.invoice_settings.default_payment_method).toBe(pms.data[0]!.id)
    const expanded = await stripe.customers.retrieve(c.id, {
      expand: ['invoice_settings.default_payment_method'],
    })
    expect(
      ((expanded as Stripe.Customer).invoice_settings.default_payment_method as Stripe.PaymentMethod).id,
    ).toBe(pms.data[0]!.id)
    const updates = (await eventsFor(c.id)).filter((e) => e.type === 'customer.updated')
    expect(updates.at(-1)?.data.previous_attributes).toEqual({
      invoice_settings: { default_payment_method: null },
    })
    await stripe.customers.update(c.id, { metadata: { plan: 'gold' } })
    const metaUpdate = (await eventsFor(c.id)).filter((e) => e.type === 'customer.updated').at(-1)
    expect(metaUpdate?.data.previous_attributes).toEqual({ metadata: { plan: null } })
    const gone = await stripe.customers.del(other.id)
    expect(gone).toMatchObject({ id: other.id, deleted: true })
    expect(await stripe.customers.retrieve(other.id)).toMatchObject({ id: other.id, deleted: true })
    await expect(stripe.customers.update(other.id, { name: 'x' })).rejects.toMatchObject({ statusCode: 404 })
    await expect(stripe.customers.del(other.id)).rejects.toMatchObject({ statusCode: 404 })
    await expect(stripe.subscriptions.create({ customer: other.id, items: [] })).rejects.toMatchObject({
      statusCode: 400,
      code: 'resource_missing',
      param: 'customer',
    })
    expect((await eventsFor(other.id)).map((e) => e.type)).toEqual(['customer.created', 'customer.deleted'])
  })

  it('stores address, shipping, balance, locales and tax_exempt, and unsets them with empty strings', async () => {
    const c = await stripe.customers.create({
      email: 'addr@example.com',
      address: { line1: '1 Main St', city: 'Berlin', country: 'DE' },
      shipping: { name: 'Ann', address: { line1: '2 Side St', country: 'DE' } },
      balance: -500,
      preferred_locales: ['de', 'en'],
      tax_exempt: 'reverse',
    })
    assertStripeShape(wire(c))
    expect(c.address).toEqual({
      line1: '1 Main St',
      line2: null,
      city: 'Berlin',
      country: 'DE',
      postal_code: null,
      state: null,
    })
    expect(c.shipping).toMatchObject({ name: 'Ann', phone: null, address: { line1: '2 Side St' } })
    expect(c).toMatchObject({ balance: -500, preferred_locales: ['de', 'en'], tax_exempt: 'reverse' })
    const u = await stripe.customers.update(c.id, { address: '', shipping: '' })
    expect(u).toMatchObject({ address: null, shipping: null })
    await expect(
      stripe.customers.create({ shipping: { address: { line1: 'x' } } } as Stripe.CustomerCreateParams),
    ).rejects.toMatchObject({ code: 'parameter_missing', param: 'shipping[name]' })
    await expect(stripe.customers.create({ plan: 'x' } as Stripe.CustomerCreateParams)).rejects.toMatchObject(
      {
        code: 'parameter_unknown',
        param: 'plan',
      },
    )
    // The legacy coupon older clients send is read (customer-discounts.ts), so a wrong one is missing.
    await expect(
      stripe.customers.create({ coupon: 'x' } as Stripe.CustomerCreateParams),
    ).rejects.toMatchObject({ code: 'resource_missing', param: 'coupon' })
    await expect(stripe.customers.create({ tax_exempt: 'maybe' as 'none' })).rejects.toMatchObject({
      statusCode: 400,
    })
  })

  it('refuses an unknown test clock and an unknown customer', async () => {
    await expect(stripe.customers.create({ test_clock: 'clock_missing' })).rejects.toMatchObject({
      statusCode: 400,
      param: 'test_clock',
    })
    await expect(stripe.customers.update('cus_missing', { name: 'x' })).rejects.toMatchObject({
      statusCode: 404,
    })
  })
})

describe('webhook endpoints', () => {
  it('creates with a secret shown once, updates enabled_events, lists and deletes', async () => {
    const endpoint = await stripe.webhookEndpoints.create({
      url: 'http://127.0.0.1:9/hook',
      enabled_events: ['customer.created', 'product.created'],
      description: 'mine',
    })
    assertStripeShape(wire(endpoint))
    expect(endpoint.secret).toMatch(/^whsec_/)
    const updated = await stripe.webhookEndpoints.update(endpoint.id, {
      enabled_events: ['*'],
      disabled: true,
    })
    expect(updated).toMatchObject({ enabled_events: ['*'], status: 'disabled' })
    expect(updated.secret).toBeUndefined()
    const list = await stripe.webhookEndpoints.list()
    expect(list.data.map((e) => e.id)).toContain(endpoint.id)
    expect(list.data.every((e) => e.secret === undefined)).toBe(true)
    expect(await stripe.webhookEndpoints.del(endpoint.id)).toMatchObject({ id: endpoint.id, deleted: true })
    await expect(stripe.webhookEndpoints.retrieve(endpoint.id)).rejects.toMatchObject({ statusCode: 404 })
    await expect(
      stripe.webhookEndpoints.create({ url: 'http://127.0.0.1:9/x' } as Stripe.WebhookEndpointCreateParams),
    ).rejects.toMatchObject({ code: 'parameter_missing', param: 'enabled_events' })
    for (const bad of [['product.*'], ['*', 'customer.created'], ['nonsense']]) {
      await expect(
        stripe.webhookEndpoints.create({ url: 'http://127.0.0.1:9/x', enabled_events: bad as ['*'] }),
      ).rejects.toMatchObject({ statusCode: 400, param: expect.stringMatching(/^enabled_events\[\d\]$/) })
    }
  })
})
