import type { Insertable, Selectable } from 'kysely'

/** The Stripe ids a catalog price resolved to at the last sync; app code speaks lookup keys. */
export interface CatalogPriceTable {
  lookup_key: string
  product_id: string
  stripe_product_id: string
  stripe_price_id: string
  currency: string
  unit_amount: number
  synced_at: string
}

export type CatalogPriceRow = Selectable<CatalogPriceTable>
export type NewCatalogPriceRow = Insertable<CatalogPriceTable>
