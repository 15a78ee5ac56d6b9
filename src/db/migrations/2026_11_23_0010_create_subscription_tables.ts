// Subscriptions: local subscription and invoice rows synced from Stripe, password reset / claim
// links, API keys and the access-token signing keys. Frozen: never import app code here.
import type { Kysely } from 'kysely'
import { columnTypes } from '../portable-schema.js'

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time and untyped by design
export async function up(db: Kysely<any>): Promise<void> {
  const t = await columnTypes(db)
  await db.schema
    .createTable('subscriptions')
    .addColumn('id', t.key, (c) => c.primaryKey())
    .addColumn('stripe_subscription_id', t.key, (c) => c.notNull().unique())
    .addColumn('customer_id', t.key, (c) => c.notNull().references('customers.id'))
    .addColumn('stripe_customer_id', t.key, (c) => c.notNull())
    .addColumn('status', t.key, (c) => c.notNull())
    .addColumn('price_lookup_key', t.key)
    .addColumn('stripe_price_id', t.key)
    .addColumn('product_id', t.key)
    .addColumn('plan_family', t.key)
    .addColumn('start_date', t.time, (c) => c.notNull())
    .addColumn('current_period_start', t.time)
    .addColumn('current_period_end', t.time)
    .addColumn('cancel_at_period_end', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('cancel_at', t.time)
    .addColumn('canceled_at', t.time)
    .addColumn('ended_at', t.time)
    .addColumn('trial_start', t.time)
    .addColumn('trial_end', t.time)
    .addColumn('latest_invoice_id', t.key)
    .addColumn('latest_invoice_status', t.key)
    .addColumn('latest_invoice_created', t.time)
    .addColumn('cancellation_reason', t.text)
    .addColumn('fetched_at', t.time, (c) => c.notNull())
    .addColumn('created_at', t.time, (c) => c.notNull())
    .addColumn('updated_at', t.time, (c) => c.notNull())
    .execute()
  await db.schema.createIndex('subscriptions_customer').on('subscriptions').column('customer_id').execute()

  await db.schema
    .createTable('invoices')
    .addColumn('id', t.key, (c) => c.primaryKey())
    .addColumn('stripe_invoice_id', t.key, (c) => c.notNull().unique())
    .addColumn('stripe_subscription_id', t.key)
    .addColumn('customer_id', t.key, (c) => c.notNull().references('customers.id'))
    .addColumn('status', t.key, (c) => c.notNull())
    .addColumn('billing_reason', t.key)
    .addColumn('currency', t.key, (c) => c.notNull())
    .addColumn('subtotal', 'integer', (c) => c.notNull())
    .addColumn('total', 'integer', (c) => c.notNull())
    .addColumn('amount_due', 'integer', (c) => c.notNull())
    .addColumn('amount_paid', 'integer', (c) => c.notNull())
    .addColumn('attempt_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('hosted_invoice_url', t.text)
    .addColumn('period_start', t.time)
    .addColumn('period_end', t.time)
    .addColumn('stripe_created', t.time, (c) => c.notNull())
    .addColumn('updated_at', t.time, (c) => c.notNull())
    .execute()
  await db.schema.createIndex('invoices_customer').on('invoices').column('customer_id').execute()
  await db.schema
    .createIndex('invoices_subscription')
    .on('invoices')
    .column('stripe_subscription_id')
    .execute()

  await db.schema
    .createTable('password_links')
    .addColumn('id', t.key, (c) => c.primaryKey())
    .addColumn('customer_id', t.key, (c) => c.notNull().references('customers.id').onDelete('cascade'))
    .addColumn('purpose', t.key, (c) => c.notNull())
    .addColumn('pending_password_hash', t.text)
    .addColumn('token_hash', t.key, (c) => c.notNull().unique())
    .addColumn('created_at', t.time, (c) => c.notNull())
    .addColumn('expires_at', t.time, (c) => c.notNull())
    .addColumn('used_at', t.time)
    .execute()

  await db.schema
    .createTable('api_keys')
    .addColumn('id', t.key, (c) => c.primaryKey())
    .addColumn('name', t.text, (c) => c.notNull())
    .addColumn('key_hash', t.key, (c) => c.notNull().unique())
    .addColumn('prefix', t.key, (c) => c.notNull())
    .addColumn('created_at', t.time, (c) => c.notNull())
    .addColumn('last_used_at', t.time)
    .addColumn('revoked_at', t.time)
    .execute()

  await db.schema
    .createTable('signing_keys')
    .addColumn('kid', t.key, (c) => c.primaryKey())
    .addColumn('algorithm', t.key, (c) => c.notNull())
    .addColumn('public_jwk', t.text, (c) => c.notNull())
    .addColumn('private_jwk', t.text, (c) => c.notNull())
    .addColumn('created_at', t.time, (c) => c.notNull())
    .execute()
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['signing_keys', 'api_keys', 'password_links', 'invoices', 'subscriptions']) {
    await db.schema.dropTable(table).execute()
  }
}
