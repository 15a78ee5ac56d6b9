// Alerts to the shop's owner (issue 11): one row per alert, written with the change it announces;
// the Slack-style webhook is delivered from here by a worker. Frozen: never import app code here.
import type { Kysely } from 'kysely'
import { columnTypes } from '../portable-schema.js'

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time and untyped by design
export async function up(db: Kysely<any>): Promise<void> {
  const t = await columnTypes(db)
  await db.schema
    .createTable('owner_alerts')
    .addColumn('id', t.key, (c) => c.primaryKey())
    .addColumn('kind', t.key, (c) => c.notNull())
    .addColumn('dedupe_key', t.key, (c) => c.notNull().unique())
    .addColumn('subject', t.text, (c) => c.notNull())
    .addColumn('text_body', t.text, (c) => c.notNull())
    .addColumn('webhook_status', t.key, (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull())
    .addColumn('next_attempt_at', t.time, (c) => c.notNull())
    .addColumn('last_error', t.text)
    .addColumn('created_at', t.time, (c) => c.notNull())
    .addColumn('sent_at', t.time)
    .execute()
  await db.schema
    .createIndex('owner_alerts_due')
    .on('owner_alerts')
    .columns(['webhook_status', 'next_attempt_at'])
    .execute()
  await db.schema.createIndex('owner_alerts_created').on('owner_alerts').columns(['created_at']).execute()
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('owner_alerts').execute()
}
