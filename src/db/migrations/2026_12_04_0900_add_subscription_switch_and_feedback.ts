// A subscription's scheduled switch to another plan of its family (a downgrade, taken at the end
// of the paid period) and why a member canceled (Stripe's feedback choice and their words).
// Frozen: never import app code here.
import type { Kysely } from 'kysely'
import { columnTypes } from '../portable-schema.js'

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time and untyped by design
export async function up(db: Kysely<any>): Promise<void> {
  const t = await columnTypes(db)
  await db.schema.alterTable('subscriptions').addColumn('scheduled_price_lookup_key', t.key).execute()
  await db.schema.alterTable('subscriptions').addColumn('cancellation_feedback', t.key).execute()
  await db.schema.alterTable('subscriptions').addColumn('cancellation_comment', t.text).execute()
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('subscriptions').dropColumn('cancellation_comment').execute()
  await db.schema.alterTable('subscriptions').dropColumn('cancellation_feedback').execute()
  await db.schema.alterTable('subscriptions').dropColumn('scheduled_price_lookup_key').execute()
}
