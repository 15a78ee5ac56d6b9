/**
 * Values Stripe refuses that a permissive emulator would store: metadata beyond Stripe's limits,
 * amounts below a currency's minimum charge, currencies Stripe does not support, webhook endpoint
 * settings it does not know, and expanding what cannot be expanded.
 */
import { describe, expect, it } from 'vitest'
import { useEmulatorSuite } from './test-suite.js'

const suite = useEmulatorSuite()

const invalid = (param: string, message: RegExp) => ({
  statusCode: 400,
  type: 'StripeInvalidRequestError',
  param,
  message: expect.stringMatching(message),
})

describe('metadata limits', () => {
  it('refuses a key over 40 characters, a value over 500, square brackets in a key and a 51st key', async () => {
    const { stripe } = suite
    await expect(stripe.customers.create({ metadata: { ['k'.repeat(41)]: 'v' } })).rejects.toMatchObject(
      invalid('metadata', /keys can have at most 40 characters/),
    )
    await expect(
      stripe.products.create({ name: 'M', metadata: { note: 'x'.repeat(501) } }),
    ).rejects.toMatchObject(invalid('metadata', /values can have up to 500 characters/))
    await expect(stripe.customers.create({ metadata: { 'a[b': 'v' } })).rejects.toMatchObject(
      invalid('metadata', /square brackets/),
    )
    const fifty = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`key${i}`, 'v']))
    const customer = await stripe.customers.create({ metadata: { ...fifty, ['k'.repeat(40)]: '' } })
    expect(Object.keys(customer.metadata)).toHaveLength(50)
    await expect(stripe.customers.update(customer.id, { metadata: { one_more: 'v' } })).rejects.toMatchObject(
      invalid('metadata', /at most 50 metadata keys/),
    )
    // Replacing or removing keys at the limit is fine.
    const updated = await stripe.customers.update(customer.id, {
      metadata: { key0: 'x'.repeat(500), key1: '', one_more: 'v' },
    })
    expect(Object.keys(updated.metadata)).toHaveLength(50)
  })
})

describe('minimum charge amounts', () => {
  it('refuses a PaymentIntent below the currency’s minimum, on create and on update', async () => {
    const { stripe } = suite
    await expect(
      stripe.paymentIntents.create({
        amount: 30,
        currency: 'usd',
        payment_method: 'pm_card_visa',
        confirm: true,
      }),
    ).rejects.toMatchObject({
      ...invalid('amount', /^Amount must be at least \$0\.50 usd$/),
      code: 'amount_too_small',
    })
    await expect(stripe.paymentIntents.create({ amount: 49, currency: 'jpy' })).rejects.toMatchObject({
      ...invalid('amount', /¥50 jpy/),
      code: 'amount_too_small',
    })
    // £0.30 is enough in pounds; the minimum follows a currency change on update.
    const pi = await stripe.paymentIntents.create({ amount: 30, currency: 'gbp' })
    await expect(stripe.paymentIntents.update(pi.id, { currency: 'usd' })).rejects.toMatchObject({
      code: 'amount_too_small',
    })
    await expect(stripe.paymentIntents.update(pi.id, { amount: 29 })).rejects.toMatchObject({
      code: 'amount_too_small',
    })
    const paid = await stripe.paymentIntents.confirm(pi.id, { payment_method: 'pm_card_visa' })
    expect(paid).toMatchObject({ status: 'succeeded', amount: 30, currency: 'gbp' })
  })

  it('refuses a Checkout Session in payment mode whose total is below the minimum', async () => {
    const { stripe } = suite
    await expect(
      stripe.checkout.sessions.create({
        mode: 'payment',
        success_url: 'https://shop.example/thanks',
        line_items: [
          {
            price_data: { currency: 'eur', unit_amount: 20, product_data: { name: 'Sticker' } },
            quantity: 2,
          },
        ],
      }),
    ).rejects.toMatchObject({ ...invalid('line_items', /at least €0\.50 eur/), code: 'amount_too_small' })
    const enough = await stripe.checkout.sessions.create({
      mode: 'payment',
      success_url: 'https://shop.example/thanks',
      line_items: [
        { price_data: { currency: 'eur', unit_amount: 25, product_data: { name: 'Sticker' } }, quantity: 2 },
      ],
    })
    expect(enough.amount_total).toBe(50)
  })
})

describe('currencies', () => {
  it('refuses a currency Stripe does not support wherever one is given', async () => {
    const { stripe } = suite
    const unknown = (param: string) =>
      invalid(param, /^Invalid currency: zzz\. Stripe currently supports these currencies: usd, /)
    await expect(
      stripe.prices.create({ currency: 'zzz', unit_amount: 500, product_data: { name: 'Z' } }),
    ).rejects.toMatchObject(unknown('currency'))
    await expect(stripe.paymentIntents.create({ amount: 500, currency: 'zzz' })).rejects.toMatchObject(
      unknown('currency'),
    )
    await expect(stripe.coupons.create({ amount_off: 100, currency: 'zzz' })).rejects.toMatchObject(
      unknown('currency'),
    )
    const customer = await stripe.customers.create({})
    await expect(
      stripe.invoiceItems.create({ customer: customer.id, amount: 500, currency: 'zzz' }),
    ).rejects.toMatchObject(unknown('currency'))
    await expect(
      stripe.checkout.sessions.create({
        mode: 'payment',
        success_url: 'https://shop.example/thanks',
        line_items: [
          { price_data: { currency: 'zzz', unit_amount: 500, product_data: { name: 'Z' } }, quantity: 1 },
        ],
      }),
    ).rejects.toMatchObject(unknown('line_items[0][price_data][currency]'))
    // Upper case is read as lower case, as Stripe does; a supported rarer currency is fine.
    const price = await stripe.prices.create({
      currency: 'ISK',
      unit_amount: 50_000,
      product_data: { name: 'I' },
    })
    expect(price.currency).toBe('isk')
  })
})

describe('webhook endpoint settings', () => {
  it('refuses an event type Stripe does not send and an API version the emulator does not speak', async () => {
    const { stripe } = suite
    const url = 'http://127.0.0.1:9/hook'
    await expect(
      stripe.webhookEndpoints.create({
        url,
        enabled_events: ['customer.created', 'customer.exploded' as 'customer.created'],
      }),
    ).rejects.toMatchObject(invalid('enabled_events[1]', /customer\.exploded/))
    await expect(
      stripe.webhookEndpoints.create({ url, enabled_events: ['*'], api_version: '2024-06-20' }),
    ).rejects.toMatchObject(invalid('api_version', /2026-10-28\.endive/))
    await expect(
      stripe.webhookEndpoints.create({ url, enabled_events: ['*'], api_version: 'latest' as '2024-06-20' }),
    ).rejects.toMatchObject(invalid('api_version', /Invalid api_version/))
    const endpoint = await stripe.webhookEndpoints.create({
      url,
      enabled_events: ['invoice_payment.paid'],
      api_version: '2026-10-28.endive',
    })
    expect(endpoint.api_version).toBe('2026-10-28.endive')
    await expect(
      stripe.webhookEndpoints.update(endpoint.id, { enabled_events: ['invoice.exploded' as 'invoice.paid'] }),
    ).rejects.toMatchObject(invalid('enabled_events[0]', /invoice\.exploded/))
    await stripe.webhookEndpoints.del(endpoint.id)
  })
})

describe('expand', () => {
  it('refuses a field that is not expandable, naming it, and still expands ids and empty expandable fields', async () => {
    const { stripe } = suite
    const price = await stripe.prices.create({
      currency: 'usd',
      unit_amount: 500,
      product_data: { name: 'E' },
    })
    await expect(stripe.prices.retrieve(price.id, { expand: ['currency'] })).rejects.toMatchObject(
      invalid('expand', /^This property cannot be expanded \(currency\)\.$/),
    )
    await expect(stripe.prices.retrieve(price.id, { expand: ['nickname'] })).rejects.toMatchObject(
      invalid('expand', /\(nickname\)/),
    )
    await expect(stripe.prices.list({ expand: ['data.unit_amount'] })).rejects.toMatchObject(
      invalid('expand', /\(unit_amount\)/),
    )
    const expanded = await stripe.prices.retrieve(price.id, { expand: ['product'] })
    expect(expanded.product).toMatchObject({ object: 'product', name: 'E' })
    const customer = await stripe.customers.create({ expand: ['test_clock'] })
    expect(customer.test_clock).toBeNull()
  })
})
