// One free trial per customer: every subscription that started with a trial, whose customer it
// was, and the fingerprint of the card behind it once one is known, so a second trial is refused
// by email (the customer) and by card (the fingerprint). Frozen: never import app code here.
import type { Kysely } from 'kysely'
import { columnTypes } from '../portable-schema.js'

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time and untyped by design
export async function up(db: Kysely<any>): Promise<void> {
  const t = await columnTypes(db)
  await db.schema
    .createTable('trial_uses')
    .addColumn('id', t.key, (c) => c.primaryKey())
    .addColumn('stripe_subscription_id', t.key, (c) => c.notNull().unique())
    .addColumn('customer_id', t.key, (c) => c.notNull())
    .addColumn('card_fingerprint', t.key)
    .addColumn('created_at', t.time, (c) => c.notNull())
    .execute()
  await db.schema.createIndex('trial_uses_customer').on('trial_uses').column('customer_id').execute()
  await db.schema.createIndex('trial_uses_fingerprint').on('trial_uses').column('card_fingerprint').execute()
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('trial_uses').execute()
}
