import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import type Stripe from 'stripe'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DIALECTS } from '../../../test/dialects.js'
import { createTestApp, type TestApp } from '../../../test/harness.js'
import { parseCatalog } from './load.js'
import { findCatalogPriceForStripeId, resolveStripePriceId } from './prices.js'
import { PRODUCT_METADATA_KEY, type SyncAction, type SyncPlan, syncCatalog } from './sync.js'
import type { Catalog } from './types.js'

const SOURCE = resolve('catalog.yaml')
const DEMO = readFileSync(SOURCE, 'utf8')

function editedCatalog(edit: (text: string) => string): Catalog {
  return parseCatalog(edit(DEMO), SOURCE)
}

/** Actions that change Stripe (a skipped optional step is not a change). */
function changesOf(plan: SyncPlan): SyncAction[] {
  return plan.actions.filter((a) => a.kind !== 'unchanged' && a.kind !== 'skip-features')
}

async function stripeState(stripe: Stripe): Promise<{ products: Stripe.Product[]; prices: Stripe.Price[] }> {
  const products: Stripe.Product[] = []
  for await (const p of stripe.products.list({ limit: 100 })) products.push(p)
  const prices: Stripe.Price[] = []
  for await (const p of stripe.prices.list({ limit: 100 })) prices.push(p)
  return { products, prices }
}

describe.each(DIALECTS)('syncCatalog against the emulator (%s)', (dialect) => {
  let t: TestApp
  beforeAll(async () => {
    t = await createTestApp({ dialect, workers: 'manual' })
  })
  afterAll(() => t.close())

  it('created every product and price at start, keyed by metadata and lookup key', async () => {
    const { products, prices } = await stripeState(t.stripe)
    expect(products.map((p) => p.metadata[PRODUCT_METADATA_KEY]).sort()).toEqual(
      t.deps.catalog.products.map((p) => p.id).sort(),
    )
    for (const price of t.deps.catalog.prices) {
      const remote = prices.find((p) => p.lookup_key === price.lookupKey)
      expect(remote, price.lookupKey).toMatchObject({
        currency: price.currency,
        unit_amount: price.unitAmount,
        active: true,
      })
      expect(remote?.recurring?.interval ?? null).toBe(price.recurring?.interval ?? null)
      expect(await resolveStripePriceId(t.deps, price.lookupKey)).toBe(remote?.id)
    }
    expect(prices.find((p) => p.lookup_key === 'tokyo-edition-jpy')?.unit_amount).toBe(1500)
  })

  it('changes nothing on a rerun', async () => {
    const before = await stripeState(t.stripe)
    const plan = await syncCatalog(t.deps)
    expect(plan.changes).toBe(0)
    expect(changesOf(plan)).toEqual([])
    const after = await stripeState(t.stripe)
    expect(after.prices.map((p) => p.id).sort()).toEqual(before.prices.map((p) => p.id).sort())
    expect(after.products.map((p) => p.id).sort()).toEqual(before.products.map((p) => p.id).sort())
  })

  it('plans an amount change on a dry run without touching Stripe', async () => {
    const catalog = editedCatalog((s) => s.replace('amount: "19.00"', 'amount: "24.00"'))
    const before = await stripeState(t.stripe)
    const plan = await syncCatalog({ ...t.deps, catalog }, { dryRun: true })
    expect(changesOf(plan)).toEqual([
      expect.objectContaining({ kind: 'replace-price', target: 'field-guide' }),
    ])
    const after = await stripeState(t.stripe)
    expect(after.prices).toEqual(before.prices)
  })

  it('replaces a price whose amount changed: new price takes the lookup key, old one deactivated', async () => {
    const oldId = await resolveStripePriceId(t.deps, 'field-guide')
    const catalog = editedCatalog((s) => s.replace('amount: "19.00"', 'amount: "24.00"'))
    const deps = { ...t.deps, catalog }
    const plan = await syncCatalog(deps)
    expect(plan.changes).toBe(1)
    const newId = await resolveStripePriceId(deps, 'field-guide')
    expect(newId).not.toBe(oldId)
    const listed = await t.stripe.prices.list({ lookup_keys: ['field-guide'] })
    expect(listed.data.map((p) => [p.id, p.unit_amount])).toEqual([[newId, 2400]])
    expect((await t.stripe.prices.retrieve(oldId)).active).toBe(false)
    // Subscriptions still on the old price map back to the same catalog entry.
    expect((await findCatalogPriceForStripeId(deps, oldId))?.lookupKey).toBe('field-guide')
    expect((await findCatalogPriceForStripeId(deps, newId))?.unitAmount).toBe(2400)
    expect(await findCatalogPriceForStripeId(deps, 'price_unknown')).toBeUndefined()
    expect((await syncCatalog(deps)).changes).toBe(0)
  })

  it('updates a renamed product in place', async () => {
    // Keeps the previous test's 24.00 so that only the name differs from Stripe.
    const catalog = editedCatalog((s) =>
      s
        .replace('name: Workshop Notes', 'name: Workshop Notes, 2nd edition')
        .replace('amount: "19.00"', 'amount: "24.00"'),
    )
    const plan = await syncCatalog({ ...t.deps, catalog })
    expect(changesOf(plan).map((a) => a.kind)).toEqual(['update-product'])
    const { products } = await stripeState(t.stripe)
    const notes = products.filter((p) => p.metadata[PRODUCT_METADATA_KEY] === 'workshop-notes')
    expect(notes.map((p) => p.name)).toEqual(['Workshop Notes, 2nd edition'])
  })

  it('mirrors catalog features into Stripe Entitlements (or plainly skips where the API is absent)', async () => {
    const plan = await syncCatalog(t.deps)
    if (plan.actions.some((a) => a.kind === 'skip-features')) {
      await expect(t.stripe.entitlements.features.list()).rejects.toMatchObject({ statusCode: 404 })
      return
    }
    const features = await t.stripe.entitlements.features.list()
    expect(features.data.map((f) => f.lookup_key).sort()).toEqual(['desktop-app', 'premium'])
    const { products } = await stripeState(t.stripe)
    const membership = products.find((p) => p.metadata[PRODUCT_METADATA_KEY] === 'membership')
    const attached = await t.stripe.products.listFeatures(membership?.id as string)
    expect(attached.data.map((f) => f.entitlement_feature.lookup_key)).toEqual(['premium'])
  })
})
