import type Stripe from 'stripe'
import type { Executor } from '../../db/database.js'
import { newId } from '../../lib/ids.js'
import { insertEventIfAbsent } from './repo.js'
import type { StripeEventTable } from './table.js'

/** Puts one event into the inbox (a duplicate Stripe id is a no-op); returns whether it was new. */
export async function storeEvent(
  db: Executor,
  event: Stripe.Event,
  input: { payload: string; source: StripeEventTable['source']; now: Date },
): Promise<boolean> {
  const nowIso = input.now.toISOString()
  return insertEventIfAbsent(db, {
    id: newId('ibx', input.now.getTime()),
    stripe_event_id: event.id,
    type: event.type,
    payload: input.payload,
    event_created: event.created,
    source: input.source,
    received_at: nowIso,
    handled_at: null,
    attempts: 0,
    last_error: null,
    next_attempt_at: nowIso,
  })
}
