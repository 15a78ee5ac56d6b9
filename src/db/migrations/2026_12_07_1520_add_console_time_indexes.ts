// The owner console's sums by day (revenue, refunds, paid invoices) read one date range of orders
// and invoices; without these indexes every dashboard view scanned both tables whole. Each index
// also holds the columns those sums read, so SQLite answers from the index alone.
// Frozen: never import app code here.
import type { Kysely } from 'kysely'
import { dropIndex } from '../portable-schema.js'

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time and untyped by design
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createIndex('orders_by_created')
    .on('orders')
    .columns(['created_at', 'currency', 'product_id', 'amount'])
    .execute()
  await db.schema
    .createIndex('orders_by_refunded')
    .on('orders')
    .columns(['refunded_at', 'currency', 'amount_refunded'])
    .execute()
  await db.schema
    .createIndex('invoices_by_created')
    .on('invoices')
    .columns(['stripe_created', 'status', 'currency', 'amount_paid'])
    .execute()
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  await dropIndex(db, 'invoices_by_created', 'invoices')
  await dropIndex(db, 'orders_by_refunded', 'orders')
  await dropIndex(db, 'orders_by_created', 'orders')
}
