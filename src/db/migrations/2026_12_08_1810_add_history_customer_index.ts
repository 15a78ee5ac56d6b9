// A metrics report reads the whole ledger history of only the customers whose subscriptions
// change within its range; this index finds them without scanning the ledger.
// Frozen: never import app code here.
import type { Kysely } from 'kysely'
import { dropIndex } from '../portable-schema.js'

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time and untyped by design
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createIndex('subscription_history_by_customer')
    .on('subscription_history')
    .columns(['customer_id', 'effective_at'])
    .execute()
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  await dropIndex(db, 'subscription_history_by_customer', 'subscription_history')
}
