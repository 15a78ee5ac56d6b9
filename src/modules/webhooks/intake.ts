/**
 * Storing verified events in the inbox. The webhook route hands each event to `acceptEvent`, which
 * stores it together with every other event that arrived in the same turn of the event loop, in one
 * statement (group commit): under load one insert, one commit, one NOTIFY (sent by the insert
 * itself on PostgreSQL) and one wake-up of the inbox serve many deliveries instead of one each, and
 * an event alone is stored as soon as the loop comes round. A delivery is answered only after the
 * statement holding its event has committed, so nothing is acknowledged that a crash could lose.
 * When that statement fails, each of its events is stored again on its own, so one event the
 * database refuses cannot fail the others' deliveries. An event the caller says nothing will handle
 * is stored handled, and wakes no one.
 * `storeEvent` stores one event on its own (recovery, tests).
 * @module
 */
import type Stripe from 'stripe'
import type { DB, Executor } from '../../db/database.js'
import { dbTimeOf } from '../../lib/clock.js'
import { newId } from '../../lib/ids.js'
import { announceInboxEvent, OTHER_INSTANCES, ringInbox } from './inbox-signal.js'
import { insertEventIfAbsent, insertEventsIfAbsent } from './repo.js'
import { INBOX_ID_PREFIX, type NewStripeEventRow, type StripeEventTable } from './table.js'

/** Most events one transaction stores (bound parameters stay far below every database's limit). */
export const INTAKE_BATCH = 50

type StoreInput = { payload: string; source: StripeEventTable['source']; now: Date; handled?: boolean }

/** Puts one event into the inbox (a duplicate Stripe id is a no-op); returns whether it was new. */
export async function storeEvent(db: Executor, event: Stripe.Event, input: StoreInput): Promise<boolean> {
  return insertEventIfAbsent(db, inboxRow(event, input))
}

function inboxRow(event: Stripe.Event, input: StoreInput): NewStripeEventRow {
  const nowIso = dbTimeOf(input.now)
  return {
    id: newId(INBOX_ID_PREFIX, input.now.getTime()),
    stripe_event_id: event.id,
    type: event.type,
    payload: input.payload,
    event_created: event.created,
    source: input.source,
    received_at: nowIso,
    handled_at: input.handled ? nowIso : null,
    attempts: 0,
    last_error: null,
    next_attempt_at: nowIso,
  }
}

type Waiting = { row: NewStripeEventRow; resolve: (stored: boolean) => void; reject: (err: unknown) => void }
type Queue = { waiting: Waiting[]; scheduled: boolean; flushing: boolean }

/** One queue per database handle (a process has one; tests have several). */
const queues = new WeakMap<DB, Queue>()

/**
 * Stores a delivered event with the others that arrive alongside it; resolves once it is committed,
 * with whether it was new (false: Stripe delivered it before, or twice at once), and wakes the inbox
 * (here and, on PostgreSQL, on every instance) when it was new and is to be handled. Rejects when it
 * could not be stored: the delivery must then fail, so that Stripe tries again.
 */
export function acceptEvent(
  db: DB,
  event: Stripe.Event,
  input: { payload: string; now: Date; handled: boolean },
): Promise<boolean> {
  const row = inboxRow(event, { ...input, source: 'webhook' })
  let queue = queues.get(db)
  if (!queue) {
    queue = { waiting: [], scheduled: false, flushing: false }
    queues.set(db, queue)
  }
  const promise = new Promise<boolean>((resolve, reject) => queue.waiting.push({ row, resolve, reject }))
  schedule(db, queue)
  return promise
}

/** After this turn's I/O (the other deliveries that arrived with it), unless a flush is under way. */
function schedule(db: DB, queue: Queue): void {
  if (queue.scheduled || queue.flushing) return
  queue.scheduled = true
  setImmediate(() => {
    queue.scheduled = false
    void flush(db, queue)
  })
}

/** Stores batches until nothing waits; what arrives meanwhile goes into the next batch. */
async function flush(db: DB, queue: Queue): Promise<void> {
  queue.flushing = true
  try {
    while (queue.waiting.length > 0) await storeBatch(db, queue.waiting.splice(0, INTAKE_BATCH))
  } finally {
    queue.flushing = false
  }
}

async function storeBatch(db: DB, batch: Waiting[]): Promise<void> {
  // Stripe may deliver one event twice at once: its first copy is stored, the others are duplicates.
  const first = new Map<string, Waiting>()
  for (const waiting of batch)
    if (!first.has(waiting.row.stripe_event_id)) first.set(waiting.row.stripe_event_id, waiting)
  const rows = [...first.values()].map((w) => w.row)
  const toHandle = rows.some((r) => r.handled_at === null)
  let inserted: Set<string>
  try {
    // One statement stores the batch (MySQL adds one that reads it back), committed on its own:
    // a transaction around it would only add BEGIN and COMMIT. On PostgreSQL that statement also
    // tells the other instances' workers when a row went in (once committed, so they find it); when
    // only the batch's handled events went in (the others duplicates) that wakes them for nothing,
    // which costs them a claim.
    inserted = await insertEventsIfAbsent(db, rows, toHandle ? OTHER_INSTANCES : undefined)
  } catch (err) {
    // A lone event is tried again only if its NOTIFY could have been what failed: stored alone, its
    // NOTIFY goes apart and may fail without failing the delivery.
    if (batch.length === 1 && !toHandle) return (batch[0] as Waiting).reject(err)
    for (const waiting of batch) await storeAlone(db, waiting)
    return
  }
  for (const waiting of batch) {
    const id = waiting.row.stripe_event_id
    waiting.resolve(first.get(id) === waiting && inserted.has(id))
  }
  // Committed, so this process's worker finds the events.
  if (toHandle && rows.some((r) => r.handled_at === null && inserted.has(r.stripe_event_id))) ringInbox()
}

/** One event in a statement of its own, after its batch failed. */
async function storeAlone(db: DB, waiting: Waiting): Promise<void> {
  try {
    const stored = await insertEventIfAbsent(db, waiting.row)
    // A NOTIFY that fails is not the delivery's failure: the other instances' poll finds the event.
    if (stored && waiting.row.handled_at === null) await announceInboxEvent(db).catch(() => undefined)
    waiting.resolve(stored)
  } catch (err) {
    waiting.reject(err)
  }
}
