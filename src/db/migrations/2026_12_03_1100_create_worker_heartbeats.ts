// When each background worker last ran, for readiness checks where the workers are not in the
// same process (serverless: the cron endpoint). Frozen: never import app code here.
import type { Kysely } from 'kysely'
import { columnTypes } from '../portable-schema.js'

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time and untyped by design
export async function up(db: Kysely<any>): Promise<void> {
  const t = await columnTypes(db)
  await db.schema
    .createTable('worker_heartbeats')
    .addColumn('worker', t.key, (c) => c.primaryKey())
    .addColumn('beat_at', t.time, (c) => c.notNull())
    .execute()
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('worker_heartbeats').execute()
}
