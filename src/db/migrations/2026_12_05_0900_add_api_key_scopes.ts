// API keys gain scopes and a per-key rate limit. Keys made before have no scopes (null): they keep
// reading /api/customers/:email/entitlements and nothing else. Frozen: never import app code here.
import type { Kysely } from 'kysely'
import { columnTypes } from '../portable-schema.js'

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time and untyped by design
export async function up(db: Kysely<any>): Promise<void> {
  const t = await columnTypes(db)
  await db.schema.alterTable('api_keys').addColumn('scopes', t.text).execute()
  await db.schema.alterTable('api_keys').addColumn('rate_limit_per_minute', 'integer').execute()
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('api_keys').dropColumn('rate_limit_per_minute').execute()
  await db.schema.alterTable('api_keys').dropColumn('scopes').execute()
}
