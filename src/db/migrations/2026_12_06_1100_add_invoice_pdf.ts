// A subscription invoice's receipt page links to Stripe's PDF and shows the invoice number, so
// both are kept beside hosted_invoice_url. Null until the invoice is finalized (drafts have none).
// Frozen: never import app code here.
import type { Kysely } from 'kysely'
import { columnTypes } from '../portable-schema.js'

const COLUMNS = ['invoice_pdf', 'number'] as const

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time and untyped by design
export async function up(db: Kysely<any>): Promise<void> {
  const t = await columnTypes(db)
  for (const column of COLUMNS) {
    await db.schema.alterTable('invoices').addColumn(column, t.text).execute()
  }
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  for (const column of [...COLUMNS].reverse()) {
    await db.schema.alterTable('invoices').dropColumn(column).execute()
  }
}
