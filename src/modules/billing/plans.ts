/** Plans are the catalog's recurring prices; helpers to name and group them. */
import { BILLING_INTERVALS, type BillingInterval } from '../../lib/stripe-currencies.js'
import { billingCadence, type Catalog, type CatalogPrice, type CatalogProduct } from '../catalog/index.js'
import type { SubscriptionRow } from './table.js'

export type Plan = { product: CatalogProduct; price: CatalogPrice }

export function listPlans(catalog: Catalog, interval?: BillingInterval): Plan[] {
  return catalog.products.flatMap((product) =>
    product.prices
      .filter((p) => p.recurring && (interval === undefined || p.recurring.interval === interval))
      .map((price) => ({ product, price })),
  )
}

/** The intervals the catalog's plans bill by, shortest first: the pricing page's tabs. */
export function planIntervals(catalog: Catalog): BillingInterval[] {
  const used = new Set(catalog.prices.flatMap((p) => (p.recurring ? [p.recurring.interval] : [])))
  return BILLING_INTERVALS.filter((i) => used.has(i))
}

export function planName(
  catalog: Catalog,
  row: Pick<SubscriptionRow, 'product_id' | 'price_lookup_key'>,
): string {
  const product = catalog.products.find((p) => p.id === row.product_id)
  const price = product?.prices.find((p) => p.lookupKey === row.price_lookup_key)
  const name = product?.name ?? 'your plan'
  return price?.nickname ? `${name} (${price.nickname})` : name
}

/** What a member calls a plan of a family: its nickname, or how often it bills ("Every 3 months"), never the lookup key. */
export function planNickname(price: CatalogPrice): string {
  if (price.nickname) return price.nickname
  if (!price.recurring) return price.lookupKey
  const cadence = billingCadence(price.recurring)
  return cadence.charAt(0).toUpperCase() + cadence.slice(1)
}

export function intervalLabel(price: CatalogPrice): string {
  const r = price.recurring
  if (!r) return ''
  return r.intervalCount === 1 ? `/ ${r.interval}` : `/ ${r.intervalCount} ${r.interval}s`
}
