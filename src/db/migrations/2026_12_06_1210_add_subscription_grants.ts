// The grants an integrator's checkout asked for (`/api/v1/checkout-sessions` `grants`), kept on the
// subscription it started so they follow it: granted while active, revoked on lapse. JSON text of
// [feature, days] pairs; null for plans from the catalog. Frozen: never import app code here.
import type { Kysely } from 'kysely'
import { columnTypes } from '../portable-schema.js'

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time and untyped by design
export async function up(db: Kysely<any>): Promise<void> {
  const t = await columnTypes(db)
  await db.schema.alterTable('subscriptions').addColumn('grants', t.text).execute()
  await db.schema.alterTable('subscriptions').addColumn('product_name', t.text).execute()
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('subscriptions').dropColumn('product_name').execute()
  await db.schema.alterTable('subscriptions').dropColumn('grants').execute()
}
