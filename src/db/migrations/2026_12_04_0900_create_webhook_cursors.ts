// How far recovery of missed Stripe events has got, so that an outage of any length (up to Stripe's
// 30 days of events) heals on the next run. Frozen: never import app code here.
import type { Kysely } from 'kysely'
import { columnTypes } from '../portable-schema.js'

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time and untyped by design
export async function up(db: Kysely<any>): Promise<void> {
  const t = await columnTypes(db)
  await db.schema
    .createTable('webhook_cursors')
    .addColumn('name', t.key, (c) => c.primaryKey())
    .addColumn('position', t.time, (c) => c.notNull())
    .addColumn('updated_at', t.time, (c) => c.notNull())
    .execute()
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('webhook_cursors').execute()
}
