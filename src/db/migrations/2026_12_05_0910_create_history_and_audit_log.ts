// The append-only ledger of subscription states that MRR on any past day is recomputed from, and
// the owner console's append-only audit log. Frozen: never import app code here.
import type { Kysely } from 'kysely'
import { columnTypes } from '../portable-schema.js'

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time and untyped by design
export async function up(db: Kysely<any>): Promise<void> {
  const t = await columnTypes(db)
  await db.schema
    .createTable('subscription_history')
    .addColumn('id', t.key, (c) => c.primaryKey())
    .addColumn('stripe_subscription_id', t.key, (c) => c.notNull())
    .addColumn('customer_id', t.key, (c) => c.notNull())
    .addColumn('effective_at', t.time, (c) => c.notNull())
    .addColumn('status', t.key, (c) => c.notNull())
    .addColumn('price_lookup_key', t.key)
    .addColumn('currency', t.key, (c) => c.notNull())
    .addColumn('amount', 'integer', (c) => c.notNull())
    .addColumn('interval', t.key, (c) => c.notNull())
    .addColumn('interval_count', 'integer', (c) => c.notNull())
    .addColumn('discount_percent_bp', 'integer')
    .addColumn('discount_amount_off', 'integer')
    .addColumn('discount_ends_at', t.time)
    .addColumn('source', t.key, (c) => c.notNull())
    .addColumn('recorded_at', t.time, (c) => c.notNull())
    .execute()
  await db.schema
    .createIndex('subscription_history_by_subscription')
    .on('subscription_history')
    .columns(['stripe_subscription_id', 'effective_at'])
    .execute()
  await db.schema
    .createIndex('subscription_history_by_time')
    .on('subscription_history')
    .columns(['effective_at'])
    .execute()
  await db.schema
    .createTable('admin_audit_log')
    .addColumn('id', t.key, (c) => c.primaryKey())
    .addColumn('actor_email', t.key, (c) => c.notNull())
    .addColumn('action', t.key, (c) => c.notNull())
    .addColumn('target_type', t.key, (c) => c.notNull())
    .addColumn('target_id', t.key, (c) => c.notNull())
    .addColumn('customer_id', t.key)
    .addColumn('before_json', t.text)
    .addColumn('after_json', t.text)
    .addColumn('reason', t.text)
    .addColumn('created_at', t.time, (c) => c.notNull())
    .execute()
  await db.schema
    .createIndex('admin_audit_log_by_customer')
    .on('admin_audit_log')
    .columns(['customer_id', 'created_at'])
    .execute()
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('admin_audit_log').execute()
  await db.schema.dropTable('subscription_history').execute()
}
