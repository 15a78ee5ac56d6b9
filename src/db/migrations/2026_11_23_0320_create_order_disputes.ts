// Disputes (chargebacks and inquiries) on one-time orders, as last seen from Stripe. Frozen: never
// import app code here.
import type { Kysely } from 'kysely'
import { columnTypes } from '../portable-schema.js'

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time and untyped by design
export async function up(db: Kysely<any>): Promise<void> {
  const t = await columnTypes(db)
  await db.schema
    .createTable('order_disputes')
    .addColumn('stripe_dispute_id', t.key, (c) => c.primaryKey())
    .addColumn('order_id', t.key, (c) => c.notNull().references('orders.id'))
    .addColumn('status', t.key, (c) => c.notNull())
    .addColumn('reason', t.text, (c) => c.notNull())
    .addColumn('amount', 'integer', (c) => c.notNull())
    .addColumn('currency', t.key, (c) => c.notNull())
    .addColumn('evidence_due_by', t.time)
    .addColumn('created_at', t.time, (c) => c.notNull())
    .addColumn('updated_at', t.time, (c) => c.notNull())
    .execute()
  await db.schema.createIndex('order_disputes_order').on('order_disputes').column('order_id').execute()
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('order_disputes').execute()
}
