// Every signed-in request that the read cache cannot answer reads all of one customer's grants in
// id order; with only (customer_id, feature) indexed, SQLite sorted them in a temporary b-tree each
// time (a quarter of that read). This index hands them over in order.
// Frozen: never import app code here.
import type { Kysely } from 'kysely'
import { dropIndex } from '../portable-schema.js'

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time and untyped by design
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createIndex('entitlement_grants_by_customer')
    .on('entitlement_grants')
    .columns(['customer_id', 'id'])
    .execute()
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  await dropIndex(db, 'entitlement_grants_by_customer', 'entitlement_grants')
}
