// Answers to /api/v1 writes made with an Idempotency-Key (replays get the same answer; another
// body under the same key is refused). Frozen: never import app code here.
import type { Kysely } from 'kysely'
import { columnTypes } from '../portable-schema.js'

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time and untyped by design
export async function up(db: Kysely<any>): Promise<void> {
  const t = await columnTypes(db)
  await db.schema
    .createTable('api_idempotency')
    .addColumn('id', t.key, (c) => c.primaryKey())
    .addColumn('api_key_id', t.key, (c) => c.notNull())
    .addColumn('request_hash', t.key, (c) => c.notNull())
    .addColumn('status_code', 'integer', (c) => c.notNull())
    .addColumn('response', t.text, (c) => c.notNull())
    .addColumn('created_at', t.time, (c) => c.notNull())
    .execute()
  await db.schema.createIndex('api_idempotency_created_at').on('api_idempotency').column('created_at').execute()
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('api_idempotency').execute()
}
