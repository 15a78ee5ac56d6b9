// The inbox's first index, on (handled_at, next_attempt_at), is covered by stripe_events_claim
// (handled_at, event_created, id): every reader of unhandled or handled events (the claim, the
// console's failing list and counts, pruning) starts from handled_at and the planners use the claim
// index. The spare index cost every webhook's insert and every claim's lease update a write.
// Frozen: never import app code here.
import type { Kysely } from 'kysely'
import { dropIndex } from '../portable-schema.js'

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time and untyped by design
export async function up(db: Kysely<any>): Promise<void> {
  await dropIndex(db, 'stripe_events_due', 'stripe_events')
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema
    .createIndex('stripe_events_due')
    .on('stripe_events')
    .columns(['handled_at', 'next_attempt_at'])
    .execute()
}
