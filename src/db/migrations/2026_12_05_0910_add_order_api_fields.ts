// Orders started by an integrator (/api/v1/checkout-sessions) keep what the catalog cannot tell:
// the ad-hoc product's name, the billing address collected by Checkout, the caller's metadata, the
// extra grants (JSON) and the API key that started it. All null for store purchases.
// Frozen: never import app code here.
import type { Kysely } from 'kysely'
import { columnTypes } from '../portable-schema.js'

const COLUMNS = ['product_name', 'billing_address', 'metadata', 'grants', 'api_key_id'] as const

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time and untyped by design
export async function up(db: Kysely<any>): Promise<void> {
  const t = await columnTypes(db)
  for (const column of COLUMNS) {
    await db.schema
      .alterTable('orders')
      .addColumn(column, column === 'api_key_id' ? t.key : t.text)
      .execute()
  }
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  for (const column of [...COLUMNS].reverse()) {
    await db.schema.alterTable('orders').dropColumn(column).execute()
  }
}
