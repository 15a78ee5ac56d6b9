/**
 * Mirrors the catalog's features into Stripe Entitlements: one Feature per catalog feature
 * (lookup key = feature key), attached to the products that grant it, so Stripe's active
 * entitlement summaries match the catalog. Access decisions never depend on this; they read local
 * grants. `file:<id>` features stay local (they are per-file download rights).
 * @module
 */
import type Stripe from 'stripe'
import type { Catalog, CatalogProduct } from './types.js'

export type FeatureAction = {
  kind: 'create-feature' | 'update-feature' | 'attach-feature' | 'detach-feature' | 'unchanged'
  target: string
  detail?: string
}

/** Where actions are recorded (the sync plan's list). */
export type ActionLog = { push(...actions: FeatureAction[]): number }

/** Creates or renames Stripe features; returns feature key → Stripe feature id. */
export async function syncFeatures(
  stripe: Stripe,
  catalog: Catalog,
  dryRun: boolean,
  actions: ActionLog,
): Promise<Map<string, string>> {
  const remote = new Map<string, Stripe.Entitlements.Feature>()
  for await (const feature of stripe.entitlements.features.list({ limit: 100 }))
    remote.set(feature.lookup_key, feature)
  const ids = new Map<string, string>()
  for (const feature of catalog.features) {
    const existing = remote.get(feature.key)
    if (!existing) {
      actions.push({ kind: 'create-feature', target: feature.key, detail: feature.name })
      if (!dryRun)
        ids.set(
          feature.key,
          (await stripe.entitlements.features.create({ lookup_key: feature.key, name: feature.name })).id,
        )
      continue
    }
    ids.set(feature.key, existing.id)
    if (existing.name === feature.name && existing.active) {
      actions.push({ kind: 'unchanged', target: `feature ${feature.key}` })
      continue
    }
    actions.push({ kind: 'update-feature', target: feature.key, detail: feature.name })
    if (!dryRun) await stripe.entitlements.features.update(existing.id, { name: feature.name, active: true })
  }
  return ids
}

/** Attaches the product's catalog features in Stripe and detaches ones it no longer grants. */
export async function syncProductFeatures(
  stripe: Stripe,
  product: CatalogProduct,
  stripeProductId: string,
  featureIds: Map<string, string>,
  dryRun: boolean,
  actions: ActionLog,
): Promise<void> {
  const attached = new Map<string, Stripe.ProductFeature>()
  for await (const pf of stripe.products.listFeatures(stripeProductId, { limit: 100 })) {
    attached.set(pf.entitlement_feature.lookup_key, pf)
  }
  for (const key of product.features) {
    if (attached.has(key)) continue
    actions.push({ kind: 'attach-feature', target: `${product.id} ← ${key}` })
    const featureId = featureIds.get(key)
    if (!dryRun && featureId)
      await stripe.products.createFeature(stripeProductId, { entitlement_feature: featureId })
  }
  for (const [key, pf] of attached) {
    if (product.features.includes(key)) continue
    actions.push({ kind: 'detach-feature', target: `${product.id} ✕ ${key}` })
    if (!dryRun) await stripe.products.deleteFeature(stripeProductId, pf.id)
  }
}
