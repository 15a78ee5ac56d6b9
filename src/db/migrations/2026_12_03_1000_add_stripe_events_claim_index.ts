// The inbox claim reads unhandled events oldest first (`where handled_at is null order by
// event_created, id limit n for update skip locked`). With an index in that order the database
// reads, and locks, only the rows it returns; without it MySQL sorts every unhandled row and locks
// them all, so a second worker skipped the whole inbox instead of taking the next events.
// Frozen: never import app code here.
import type { Kysely } from 'kysely'
import { dropIndex } from '../portable-schema.js'

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time and untyped by design
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createIndex('stripe_events_claim')
    .on('stripe_events')
    .columns(['handled_at', 'event_created', 'id'])
    .execute()
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  await dropIndex(db, 'stripe_events_claim', 'stripe_events')
}
