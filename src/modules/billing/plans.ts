/** Plans are the catalog's recurring prices; helpers to name and group them. */
import type { Catalog, CatalogPrice, CatalogProduct } from '../catalog/index.js'
import type { SubscriptionRow } from './table.js'

export type Plan = { product: CatalogProduct; price: CatalogPrice }

export function listPlans(catalog: Catalog, interval?: 'month' | 'year'): Plan[] {
  return catalog.products.flatMap((product) =>
    product.prices
      .filter((p) => p.recurring && (interval === undefined || p.recurring.interval === interval))
      .map((price) => ({ product, price })),
  )
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

export function intervalLabel(price: CatalogPrice): string {
  const r = price.recurring
  if (!r) return ''
  const unit = r.interval === 'month' ? 'month' : 'year'
  return r.intervalCount === 1 ? `/ ${unit}` : `/ ${r.intervalCount} ${unit}s`
}
