// Outbound webhooks for other apps (Standard Webhooks): endpoints and one delivery row per event
// and endpoint, written in the transaction of the change. Frozen: never import app code here.
import type { Kysely } from 'kysely'
import { columnTypes } from '../portable-schema.js'

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time and untyped by design
export async function up(db: Kysely<any>): Promise<void> {
  const t = await columnTypes(db)
  await db.schema
    .createTable('webhook_endpoints')
    .addColumn('id', t.key, (c) => c.primaryKey())
    .addColumn('url', t.text, (c) => c.notNull())
    .addColumn('secret', t.text, (c) => c.notNull())
    .addColumn('events', t.text, (c) => c.notNull())
    .addColumn('status', t.key, (c) => c.notNull())
    .addColumn('consecutive_failures', 'integer', (c) => c.notNull())
    .addColumn('created_at', t.time, (c) => c.notNull())
    .addColumn('disabled_at', t.time)
    .execute()
  await db.schema
    .createTable('webhook_deliveries')
    .addColumn('id', t.key, (c) => c.primaryKey())
    .addColumn('endpoint_id', t.key, (c) => c.notNull())
    .addColumn('message_id', t.key, (c) => c.notNull())
    .addColumn('event_type', t.key, (c) => c.notNull())
    .addColumn('payload', t.text, (c) => c.notNull())
    .addColumn('status', t.key, (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull())
    .addColumn('next_attempt_at', t.time, (c) => c.notNull())
    .addColumn('last_status', 'integer')
    .addColumn('last_error', t.text)
    .addColumn('created_at', t.time, (c) => c.notNull())
    .addColumn('delivered_at', t.time)
    .execute()
  await db.schema
    .createIndex('webhook_deliveries_due')
    .on('webhook_deliveries')
    .columns(['status', 'next_attempt_at'])
    .execute()
  await db.schema
    .createIndex('webhook_deliveries_endpoint')
    .on('webhook_deliveries')
    .columns(['endpoint_id', 'status', 'id'])
    .execute()
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('webhook_deliveries').execute()
  await db.schema.dropTable('webhook_endpoints').execute()
}
