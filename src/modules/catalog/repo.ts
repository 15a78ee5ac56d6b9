import type { Executor } from '../../db/database.js'
import { upsert } from '../../db/portable.js'
import type { CatalogPriceRow, NewCatalogPriceRow } from './table.js'

export async function upsertCatalogPrice(db: Executor, row: NewCatalogPriceRow): Promise<void> {
  await upsert(db, db.insertInto('catalog_prices').values(row), 'lookup_key', {
    product_id: row.product_id,
    stripe_product_id: row.stripe_product_id,
    stripe_price_id: row.stripe_price_id,
    currency: row.currency,
    unit_amount: row.unit_amount,
    synced_at: row.synced_at,
  })
}

export async function findCatalogPrice(
  db: Executor,
  lookupKey: string,
): Promise<CatalogPriceRow | undefined> {
  return db.selectFrom('catalog_prices').selectAll().where('lookup_key', '=', lookupKey).executeTakeFirst()
}

export async function findCatalogPriceByStripeId(
  db: Executor,
  stripePriceId: string,
): Promise<CatalogPriceRow | undefined> {
  return db
    .selectFrom('catalog_prices')
    .selectAll()
    .where('stripe_price_id', '=', stripePriceId)
    .executeTakeFirst()
}
