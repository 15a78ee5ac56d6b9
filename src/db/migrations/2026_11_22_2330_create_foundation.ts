// Foundation tables: the mail outbox, Stripe ids resolved for catalog prices, login rate limits.
// Frozen: never import app code here.
import type { Kysely } from 'kysely'
import { columnTypes } from '../portable-schema.js'

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time and untyped by design
export async function up(db: Kysely<any>): Promise<void> {
  const t = await columnTypes(db)
  await db.schema
    .createTable('mail_outbox')
    .addColumn('id', t.key, (c) => c.primaryKey())
    .addColumn('to_address', t.key, (c) => c.notNull())
    .addColumn('template', t.key, (c) => c.notNull())
    .addColumn('data', t.text, (c) => c.notNull())
    .addColumn('subject', t.text, (c) => c.notNull())
    .addColumn('text_body', t.text, (c) => c.notNull())
    .addColumn('html_body', t.text, (c) => c.notNull())
    .addColumn('status', t.key, (c) => c.notNull())
    .addColumn('transport', t.key)
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_error', t.text)
    .addColumn('next_attempt_at', t.time, (c) => c.notNull())
    .addColumn('created_at', t.time, (c) => c.notNull())
    .addColumn('sent_at', t.time)
    .execute()
  await db.schema
    .createIndex('mail_outbox_due')
    .on('mail_outbox')
    .columns(['status', 'next_attempt_at'])
    .execute()
  await db.schema
    .createIndex('mail_outbox_to')
    .on('mail_outbox')
    .columns(['to_address', 'created_at'])
    .execute()

  await db.schema
    .createTable('catalog_prices')
    .addColumn('lookup_key', t.key, (c) => c.primaryKey())
    .addColumn('product_id', t.key, (c) => c.notNull())
    .addColumn('stripe_product_id', t.key, (c) => c.notNull())
    .addColumn('stripe_price_id', t.key, (c) => c.notNull())
    .addColumn('currency', t.key, (c) => c.notNull())
    .addColumn('unit_amount', 'integer', (c) => c.notNull())
    .addColumn('synced_at', t.time, (c) => c.notNull())
    .execute()

  await db.schema
    .createTable('rate_limits')
    .addColumn('key', t.key, (c) => c.primaryKey())
    .addColumn('window_start', t.time, (c) => c.notNull())
    .addColumn('count', 'integer', (c) => c.notNull())
    .execute()
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('rate_limits').execute()
  await db.schema.dropTable('catalog_prices').execute()
  await db.schema.dropTable('mail_outbox').execute()
}
