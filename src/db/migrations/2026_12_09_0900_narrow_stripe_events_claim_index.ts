// The claim index (handled_at, event_created, id) held every event, but only the unhandled ones
// are ever read through it (the claim, the console's failing list and counts), and most events are
// stored already handled (no handler wants their type): each cost the webhook's insert an index
// entry, about 2 µs of a webhook's CPU on SQLite. Where partial indexes exist the index now holds
// the unhandled events only, in claim order. Pruning finds handled events by id instead (ids sort
// by when the event was stored). MySQL and MariaDB have no partial indexes and keep the full one.
// Frozen: never import app code here.
import { type Kysely, sql } from 'kysely'
import { dropIndex, hasPartialIndexes } from '../portable-schema.js'

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time and untyped by design
export async function up(db: Kysely<any>): Promise<void> {
  if (!hasPartialIndexes(db)) return
  await db.schema
    .createIndex('stripe_events_unhandled')
    .on('stripe_events')
    .columns(['event_created', 'id'])
    .where(sql.ref('handled_at'), 'is', null)
    .execute()
  await dropIndex(db, 'stripe_events_claim', 'stripe_events')
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  if (!hasPartialIndexes(db)) return
  await db.schema
    .createIndex('stripe_events_claim')
    .on('stripe_events')
    .columns(['handled_at', 'event_created', 'id'])
    .execute()
  await dropIndex(db, 'stripe_events_unhandled', 'stripe_events')
}
