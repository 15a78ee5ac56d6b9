/**
 * Makes Stripe match the catalog, idempotently: products are found by metadata
 * `tollgate_product_id`, prices by lookup key. A rerun changes nothing; a changed amount (or
 * currency, interval, product) creates a new price that takes over the lookup key
 * (`transfer_lookup_key`) and deactivates the old one. Returns the plan; `dryRun` only plans.
 * @module
 */
import type Stripe from 'stripe'
import { formatMoney } from '../../lib/money.js'
import { isStripeInvalidRequest } from '../../lib/stripe-errors.js'
import { billingCadence } from './cadence.js'
import type { CatalogContext } from './context.js'
import { upsertCatalogPrice } from './repo.js'
import { type FeatureAction, syncFeatures, syncProductFeatures } from './sync-features.js'
import { type PlanPrices, type PortalAction, syncPortalConfiguration } from './sync-portal.js'
import type { CatalogPrice, CatalogProduct } from './types.js'

export type SyncAction = {
  kind:
    | 'create-product'
    | 'update-product'
    | 'create-price'
    | 'replace-price'
    | 'reactivate-price'
    | FeatureAction['kind']
    | 'skip-features'
    | PortalAction['kind']
    | 'unchanged'
  target: string
  detail?: string
}

export type SyncPlan = { dryRun: boolean; actions: SyncAction[]; changes: number }

export const PRODUCT_METADATA_KEY = 'tollgate_product_id'

export async function syncCatalog(
  deps: CatalogContext,
  options: { dryRun?: boolean } = {},
): Promise<SyncPlan> {
  const dryRun = options.dryRun ?? false
  const actions: SyncAction[] = []
  const remote = await listTollgateProducts(deps.stripe)
  const pricesByKey = await listPricesByLookupKey(
    deps.stripe,
    deps.catalog.prices.map((p) => p.lookupKey),
  )
  const featureIds = await syncFeaturesIfAvailable(deps, dryRun, actions)
  const plans: PlanPrices = new Map()
  for (const product of deps.catalog.products) {
    const stripeProduct = await syncProduct(deps.stripe, product, remote.get(product.id), dryRun, actions)
    if (featureIds) await attachFeatures(deps.stripe, product, stripeProduct, featureIds, dryRun, actions)
    for (const price of product.prices) {
      const stripePrice = await syncPrice(
        deps.stripe,
        price,
        stripeProduct,
        pricesByKey.get(price.lookupKey),
        dryRun,
        actions,
      )
      if (!dryRun && stripePrice && stripeProduct) await recordPrice(deps, price, stripeProduct, stripePrice)
      if (price.recurring && stripePrice && stripeProduct) {
        plans.set(stripeProduct.id, [...(plans.get(stripeProduct.id) ?? []), stripePrice.id])
      }
    }
  }
  const portal = await syncPortalConfiguration(deps, plans, dryRun)
  if (portal) actions.push(portal)
  const changes = actions.filter((a) => a.kind !== 'unchanged' && a.kind !== 'skip-features').length
  return { dryRun, actions, changes }
}

/**
 * Stripe Entitlements features mirror the catalog's, so Stripe's entitlement summaries agree with
 * us. Access never depends on them; where the API is not offered (404 "Unrecognized request URL")
 * the step is skipped and says so in the plan.
 */
async function syncFeaturesIfAvailable(
  deps: CatalogContext,
  dryRun: boolean,
  actions: SyncAction[],
): Promise<Map<string, string> | undefined> {
  if (deps.catalog.features.length === 0) return undefined
  try {
    return await syncFeatures(deps.stripe, deps.catalog, dryRun, actions)
  } catch (err) {
    if (!isStripeInvalidRequest(err) || err.statusCode !== 404) throw err
    actions.push({
      kind: 'skip-features',
      target: 'features',
      detail: `Entitlements API unavailable: ${err.message}`,
    })
    deps.log.warn({ err: err.message }, 'Stripe Entitlements API unavailable; features not mirrored')
    return undefined
  }
}

async function attachFeatures(
  stripe: Stripe,
  product: CatalogProduct,
  stripeProduct: Stripe.Product | undefined,
  featureIds: Map<string, string>,
  dryRun: boolean,
  actions: SyncAction[],
): Promise<void> {
  if (stripeProduct) {
    await syncProductFeatures(stripe, product, stripeProduct.id, featureIds, dryRun, actions)
    return
  }
  // Dry run of a product that does not exist yet: every feature will be attached.
  for (const key of product.features)
    actions.push({ kind: 'attach-feature', target: `${product.id} ← ${key}` })
}

async function listTollgateProducts(stripe: Stripe): Promise<Map<string, Stripe.Product>> {
  const found = new Map<string, Stripe.Product>()
  for await (const product of stripe.products.list({ limit: 100 })) {
    const id = product.metadata?.[PRODUCT_METADATA_KEY]
    // Prefer an active product when an id was archived and recreated by hand.
    if (id && (!found.has(id) || product.active)) found.set(id, product)
  }
  return found
}

async function listPricesByLookupKey(stripe: Stripe, keys: string[]): Promise<Map<string, Stripe.Price>> {
  const found = new Map<string, Stripe.Price>()
  // Stripe accepts at most 10 lookup keys per list call.
  for (let i = 0; i < keys.length; i += 10) {
    const chunk = keys.slice(i, i + 10)
    for await (const price of stripe.prices.list({ lookup_keys: chunk, limit: 100 })) {
      if (price.lookup_key) found.set(price.lookup_key, price)
    }
  }
  return found
}

async function syncProduct(
  stripe: Stripe,
  product: CatalogProduct,
  existing: Stripe.Product | undefined,
  dryRun: boolean,
  actions: SyncAction[],
): Promise<Stripe.Product | undefined> {
  const wanted = { name: product.name, description: product.description || null }
  if (!existing) {
    actions.push({ kind: 'create-product', target: product.id, detail: product.name })
    if (dryRun) return undefined
    return stripe.products.create({
      name: product.name,
      ...(product.description ? { description: product.description } : {}),
      metadata: { [PRODUCT_METADATA_KEY]: product.id },
    })
  }
  const stale =
    existing.name !== wanted.name || (existing.description ?? null) !== wanted.description || !existing.active
  if (!stale) {
    // Named as features and the portal are: a product and its price often share a name.
    actions.push({ kind: 'unchanged', target: `product ${product.id}` })
    return existing
  }
  actions.push({
    kind: 'update-product',
    target: product.id,
    detail: `${existing.id}: name, description or active`,
  })
  if (dryRun) return existing
  return stripe.products.update(existing.id, {
    name: wanted.name,
    description: product.description || '',
    active: true,
  })
}

async function syncPrice(
  stripe: Stripe,
  price: CatalogPrice,
  product: Stripe.Product | undefined,
  existing: Stripe.Price | undefined,
  dryRun: boolean,
  actions: SyncAction[],
): Promise<Stripe.Price | undefined> {
  const label = `${formatMoney(price.unitAmount, price.currency)}${price.recurring ? ` ${billingCadence(price.recurring)}` : ''}`
  if (!existing) {
    actions.push({ kind: 'create-price', target: price.lookupKey, detail: label })
    return dryRun || !product ? undefined : stripe.prices.create(priceParams(price, product.id, false))
  }
  if (!product || !samePrice(price, product.id, existing)) {
    actions.push({ kind: 'replace-price', target: price.lookupKey, detail: `${existing.id} → ${label}` })
    if (dryRun || !product) return undefined
    const created = await stripe.prices.create(priceParams(price, product.id, true))
    await stripe.prices.update(existing.id, { active: false })
    return created
  }
  if (!existing.active) {
    actions.push({ kind: 'reactivate-price', target: price.lookupKey, detail: existing.id })
    return dryRun ? existing : stripe.prices.update(existing.id, { active: true })
  }
  actions.push({ kind: 'unchanged', target: `price ${price.lookupKey}` })
  return existing
}

/** Amount, currency, product and billing period cannot change on a Stripe price. */
function samePrice(price: CatalogPrice, stripeProductId: string, existing: Stripe.Price): boolean {
  const productId = typeof existing.product === 'string' ? existing.product : existing.product.id
  const recurring = existing.recurring
  const sameRecurring = price.recurring
    ? recurring?.interval === price.recurring.interval &&
      recurring.interval_count === price.recurring.intervalCount
    : recurring === null || recurring === undefined
  return (
    productId === stripeProductId &&
    existing.currency === price.currency &&
    existing.unit_amount === price.unitAmount &&
    sameRecurring
  )
}

function priceParams(price: CatalogPrice, productId: string, transfer: boolean): Stripe.PriceCreateParams {
  return {
    product: productId,
    currency: price.currency,
    unit_amount: price.unitAmount,
    lookup_key: price.lookupKey,
    ...(transfer ? { transfer_lookup_key: true } : {}),
    ...(price.nickname ? { nickname: price.nickname } : {}),
    ...(price.recurring
      ? { recurring: { interval: price.recurring.interval, interval_count: price.recurring.intervalCount } }
      : {}),
    metadata: { tollgate_lookup_key: price.lookupKey },
  }
}

async function recordPrice(
  deps: CatalogContext,
  price: CatalogPrice,
  product: Stripe.Product,
  stripePrice: Stripe.Price,
): Promise<void> {
  await upsertCatalogPrice(deps.db, {
    lookup_key: price.lookupKey,
    product_id: price.productId,
    stripe_product_id: product.id,
    stripe_price_id: stripePrice.id,
    currency: price.currency,
    unit_amount: price.unitAmount,
    synced_at: deps.clock.now().toISOString(),
  })
}

/** Human-readable plan, one line per action, for the CLI. */
export function formatPlan(plan: SyncPlan): string {
  const lines = plan.actions.map(
    (a) => `  ${a.kind.padEnd(16)} ${a.target}${a.detail ? `  ${a.detail}` : ''}`,
  )
  const head = plan.dryRun ? `Plan (dry run): ${plan.changes} change(s)` : `Synced: ${plan.changes} change(s)`
  return [head, ...lines].join('\n')
}
