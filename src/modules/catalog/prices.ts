/**
 * From lookup key to Stripe price id, as resolved by the last sync. App code names prices by
 * lookup key; only the Stripe call site needs the id.
 * @module
 */

import { AppError } from '../../lib/errors.js'
import type { CatalogContext } from './context.js'
import { findPrice, getPrice } from './find.js'
import { findCatalogPrice, findCatalogPriceByStripeId } from './repo.js'
import type { CatalogPrice } from './types.js'

export async function resolveStripePriceId(deps: CatalogContext, lookupKey: string): Promise<string> {
  getPrice(deps.catalog, lookupKey)
  const row = await findCatalogPrice(deps.db, lookupKey)
  if (row) return row.stripe_price_id
  // Not synced from this database yet (e.g. live mode with `tollgate sync` run elsewhere): ask Stripe.
  const listed = await deps.stripe.prices.list({ lookup_keys: [lookupKey], active: true, limit: 1 })
  const price = listed.data[0]
  if (!price)
    throw new AppError('PRICE_NOT_FOUND', { message: `Price ${lookupKey} is not synced to Stripe yet.` })
  return price.id
}

/**
 * The catalog price a Stripe price id stands for (e.g. a subscription item's price), or undefined
 * when it is not one of ours. Old ids replaced by a sync still resolve through Stripe's lookup key.
 */
export async function findCatalogPriceForStripeId(
  deps: CatalogContext,
  stripePriceId: string,
): Promise<CatalogPrice | undefined> {
  const row = await findCatalogPriceByStripeId(deps.db, stripePriceId)
  if (row) return findPrice(deps.catalog, row.lookup_key)
  const price = await deps.stripe.prices.retrieve(stripePriceId).catch(() => undefined)
  const key = price?.lookup_key ?? price?.metadata?.tollgate_lookup_key
  return key ? findPrice(deps.catalog, key) : undefined
}
