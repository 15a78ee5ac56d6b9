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
