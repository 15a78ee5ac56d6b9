// One-time purchases: customers and their sessions, access tokens and sign-in links, pending
// checkouts, orders, entitlement grants, downloads and the Stripe webhook inbox.
// Frozen: never import app code here.
import type { Kysely } from 'kysely'
import { columnTypes } from '../portable-schema.js'

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time and untyped by design
export async function up(db: Kysely<any>): Promise<void> {
  const t = await columnTypes(db)
  await db.schema
    .createTable('customers')
    .addColumn('id', t.key, (c) => c.primaryKey())
    .addColumn('email', t.key, (c) => c.notNull().unique())
    .addColumn('stripe_customer_id', t.key, (c) => c.unique())
    .addColumn('password_hash', t.text)
    .addColumn('created_at', t.time, (c) => c.notNull())
    .execute()

  await db.schema
    .createTable('sessions')
    .addColumn('id', t.key, (c) => c.primaryKey())
    .addColumn('customer_id', t.key, (c) => c.notNull().references('customers.id').onDelete('cascade'))
    .addColumn('token_hash', t.key, (c) => c.notNull().unique())
    .addColumn('created_at', t.time, (c) => c.notNull())
    .addColumn('expires_at', t.time, (c) => c.notNull())
    .execute()
  await db.schema.createIndex('sessions_customer').on('sessions').column('customer_id').execute()

  await db.schema
    .createTable('access_tokens')
    .addColumn('id', t.key, (c) => c.primaryKey())
    .addColumn('customer_id', t.key, (c) => c.notNull().references('customers.id').onDelete('cascade'))
    .addColumn('token_hash', t.key, (c) => c.notNull().unique())
    .addColumn('order_id', t.key)
    .addColumn('created_at', t.time, (c) => c.notNull())
    .addColumn('revoked_at', t.time)
    .execute()
  await db.schema.createIndex('access_tokens_customer').on('access_tokens').column('customer_id').execute()

  await db.schema
    .createTable('sign_in_links')
    .addColumn('id', t.key, (c) => c.primaryKey())
    .addColumn('customer_id', t.key, (c) => c.notNull().references('customers.id').onDelete('cascade'))
    .addColumn('token_hash', t.key, (c) => c.notNull().unique())
    .addColumn('created_at', t.time, (c) => c.notNull())
    .addColumn('expires_at', t.time, (c) => c.notNull())
    .addColumn('used_at', t.time)
    .execute()

  await db.schema
    .createTable('pending_checkouts')
    .addColumn('id', t.key, (c) => c.primaryKey())
    .addColumn('stripe_checkout_session_id', t.key, (c) => c.notNull().unique())
    .addColumn('email', t.key)
    .addColumn('customer_id', t.key)
    .addColumn('price_lookup_key', t.key, (c) => c.notNull())
    .addColumn('quantity', 'integer', (c) => c.notNull())
    .addColumn('mode', t.key, (c) => c.notNull())
    .addColumn('url', t.text)
    .addColumn('status', t.key, (c) => c.notNull())
    .addColumn('expires_at', t.time, (c) => c.notNull())
    .addColumn('created_at', t.time, (c) => c.notNull())
    .execute()
  await db.schema
    .createIndex('pending_checkouts_lookup')
    .on('pending_checkouts')
    .columns(['email', 'price_lookup_key', 'status'])
    .execute()

  await db.schema
    .createTable('orders')
    .addColumn('id', t.key, (c) => c.primaryKey())
    .addColumn('customer_id', t.key, (c) => c.notNull().references('customers.id'))
    .addColumn('stripe_checkout_session_id', t.key, (c) => c.notNull().unique())
    .addColumn('stripe_payment_intent_id', t.key)
    .addColumn('product_id', t.key, (c) => c.notNull())
    .addColumn('price_lookup_key', t.key, (c) => c.notNull())
    .addColumn('quantity', 'integer', (c) => c.notNull())
    .addColumn('amount', 'integer', (c) => c.notNull())
    .addColumn('amount_refunded', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('currency', t.key, (c) => c.notNull())
    .addColumn('status', t.key, (c) => c.notNull())
    .addColumn('sealed_access_token', t.text)
    .addColumn('revealed_at', t.time)
    .addColumn('created_at', t.time, (c) => c.notNull())
    .addColumn('refunded_at', t.time)
    .execute()
  await db.schema.createIndex('orders_customer').on('orders').column('customer_id').execute()
  await db.schema
    .createIndex('orders_payment_intent')
    .on('orders')
    .column('stripe_payment_intent_id')
    .execute()

  await db.schema
    .createTable('entitlement_grants')
    .addColumn('id', t.key, (c) => c.primaryKey())
    .addColumn('customer_id', t.key, (c) => c.notNull().references('customers.id'))
    .addColumn('feature', t.key, (c) => c.notNull())
    .addColumn('source_type', t.key, (c) => c.notNull())
    .addColumn('source_id', t.key, (c) => c.notNull())
    .addColumn('starts_at', t.time, (c) => c.notNull())
    .addColumn('ends_at', t.time)
    .addColumn('revoked_at', t.time)
    .addColumn('reason', t.text)
    .addColumn('created_at', t.time, (c) => c.notNull())
    .execute()
  await db.schema
    .createIndex('entitlement_grants_customer_feature')
    .on('entitlement_grants')
    .columns(['customer_id', 'feature'])
    .execute()
  await db.schema
    .createIndex('entitlement_grants_source')
    .on('entitlement_grants')
    .columns(['source_type', 'source_id'])
    .execute()

  await db.schema
    .createTable('downloads')
    .addColumn('id', t.key, (c) => c.primaryKey())
    .addColumn('customer_id', t.key, (c) => c.notNull().references('customers.id'))
    .addColumn('file_id', t.key, (c) => c.notNull())
    .addColumn('grant_id', t.key)
    .addColumn('range', t.text)
    .addColumn('created_at', t.time, (c) => c.notNull())
    .execute()
  await db.schema.createIndex('downloads_customer').on('downloads').column('customer_id').execute()

  await db.schema
    .createTable('stripe_events')
    .addColumn('id', t.key, (c) => c.primaryKey())
    .addColumn('stripe_event_id', t.key, (c) => c.notNull().unique())
    .addColumn('type', t.key, (c) => c.notNull())
    .addColumn('payload', t.text, (c) => c.notNull())
    .addColumn('event_created', 'integer', (c) => c.notNull())
    .addColumn('source', t.key, (c) => c.notNull())
    .addColumn('received_at', t.time, (c) => c.notNull())
    .addColumn('handled_at', t.time)
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_error', t.text)
    .addColumn('next_attempt_at', t.time, (c) => c.notNull())
    .execute()
  await db.schema
    .createIndex('stripe_events_due')
    .on('stripe_events')
    .columns(['handled_at', 'next_attempt_at'])
    .execute()
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    'stripe_events',
    'downloads',
    'entitlement_grants',
    'orders',
    'pending_checkouts',
    'sign_in_links',
    'access_tokens',
    'sessions',
    'customers',
  ]) {
    await db.schema.dropTable(table).execute()
  }
}
