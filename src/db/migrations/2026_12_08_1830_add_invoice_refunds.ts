// What was refunded of a subscription invoice's payment, and when last, so the owner's refunds and
// net revenue count subscription refunds as they count one-time orders'. Indexed for the daily sums.
// Frozen: never import app code here.
import type { Kysely } from 'kysely'
import { columnTypes, dropIndex } from '../portable-schema.js'

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time and untyped by design
export async function up(db: Kysely<any>): Promise<void> {
  const t = await columnTypes(db)
  await db.schema
    .alterTable('invoices')
    .addColumn('amount_refunded', 'integer', (c) => c.notNull().defaultTo(0))
    .execute()
  await db.schema.alterTable('invoices').addColumn('refunded_at', t.time).execute()
  await db.schema
    .createIndex('invoices_by_refunded')
    .on('invoices')
    .columns(['refunded_at', 'currency', 'amount_refunded'])
    .execute()
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  await dropIndex(db, 'invoices_by_refunded', 'invoices')
  await db.schema.alterTable('invoices').dropColumn('refunded_at').execute()
  await db.schema.alterTable('invoices').dropColumn('amount_refunded').execute()
}
