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

function plain<T extends object>(o: T): Omit<T, 'lastResponse'> {
  const { lastResponse: _, ...rest } = o as T & { lastResponse?: unknown }
  return rest
}

describe('entitlement features', () => {
  it('creates, lists by lookup key, updates and archives features', async () => {
    const feature = await stripe.entitlements.features.create({
      name: 'Premium articles',
      lookup_key: 'premium',
    })
    assertStripeShape(plain(feature))
    expect(feature.id).toMatch(/^feat_/)
    await expect(
      stripe.entitlements.features.create({ name: 'Again', lookup_key: 'premium' }),
    ).rejects.toMatchObject({
      statusCode: 400,
    })
    const found = await stripe.entitlements.features.list({ lookup_key: 'premium' })
    expect(found.data.map((f) => f.id)).toEqual([feature.id])
    await stripe.entitlements.features.update(feature.id, { active: false })
    expect((await stripe.entitlements.features.list({ archived: true })).data.map((f) => f.id)).toEqual([
      feature.id,
    ])
    expect((await stripe.entitlements.features.list({ archived: false })).data).toEqual([])
  })

  it('attaches features to products once, lists and detaches them', async () => {
    const product = await stripe.products.create({ name: 'Membership' })
    const feature = await stripe.entitlements.features.create({ name: 'Downloads', lookup_key: 'downloads' })
    const attached = await stripe.products.createFeature(product.id, { entitlement_feature: feature.id })
    assertStripeShape(plain(attached))
    const again = await stripe.products.createFeature(product.id, { entitlement_feature: feature.id })
    expect(again.id).toBe(attached.id)
    const list = await stripe.products.listFeatures(product.id)
    expect(list.data.map((pf) => pf.entitlement_feature.lookup_key)).toEqual(['downloads'])
    await expect(
      stripe.products.createFeature(product.id, { entitlement_feature: 'feat_nope' }),
    ).rejects.toMatchObject({
      statusCode: 400,
      param: 'entitlement_feature',
    })
    await stripe.products.deleteFeature(product.id, attached.id)
    expect((await stripe.products.listFeatures(product.id)).data).toEqual([])
  })

  it('lists no active entitlements for a customer without subscriptions, and refuses unknown customers (400 resource_missing)', async () => {
    const customer = await stripe.customers.create({ email: 'nobody@example.com' })
    expect((await stripe.entitlements.activeEntitlements.list({ customer: customer.id })).data).toEqual([])
    await expect(stripe.entitlements.activeEntitlements.list({ customer: 'cus_nope' })).rejects.toMatchObject(
      {
        statusCode: 400,
      },
    )
  })
})
