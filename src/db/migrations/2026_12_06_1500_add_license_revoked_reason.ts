// A licence key can be revoked on its own (an integrator's POST /api/v1/licenses/{id}/revoke),
// not only with its grant. The reason is kept on the row: it says who revoked it and why, and a
// key revoked by hand stays revoked when its grant changes (a renewal must not bring it back).
// Frozen: never import app code here.
import type { Kysely } from 'kysely'
import { columnTypes } from '../portable-schema.js'

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time and untyped by design
export async function up(db: Kysely<any>): Promise<void> {
  const t = await columnTypes(db)
  await db.schema.alterTable('license_keys').addColumn('revoked_reason', t.text).execute()
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('license_keys').dropColumn('revoked_reason').execute()
}
