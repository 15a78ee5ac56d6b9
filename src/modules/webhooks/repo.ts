import { type SelectQueryBuilder, sql, type Transaction } from 'kysely'
import type { Database, Executor } from '../../db/database.js'
import {
  insertAllIfAbsent,
  insertIfAbsent,
  lockSkippingLocked,
  type Notification,
  upsert,
} from '../../db/portable.js'
import { toDbTime } from '../../lib/clock.js'
import { firstIdAt } from '../../lib/ids.js'
import {
  INBOX_ID_PREFIX,
  type NewStripeEventRow,
  type StripeEventRow,
  type StripeEventUpdate,
} from './table.js'

/** Stores an event once; returns false when its Stripe id was already in the inbox. */
export async function insertEventIfAbsent(db: Executor, row: NewStripeEventRow): Promise<boolean> {
  return insertIfAbsent(db, db.insertInto('stripe_events').values(row), 'stripe_event_id')
}

/**
 * Stores several events, each once; returns the Stripe ids of those the inbox did not have yet. With
 * `notify`, PostgreSQL also sends that NOTIFY, in the same statement, if any went in.
 */
export async function insertEventsIfAbsent(
  db: Executor,
  rows: NewStripeEventRow[],
  notify?: Notification,
): Promise<Set<string>> {
  return insertAllIfAbsent(db, 'stripe_events', rows, { conflict: 'stripe_event_id', key: 'id' }, notify)
}

/** PostgreSQL only: NOTIFY on `channel` (delivered to listeners when the caller's work commits). */
export async function notifyChannel(db: Executor, channel: string, payload = ''): Promise<void> {
  await sql`select pg_notify(${channel}, ${payload})`.execute(db)
}

type DueInput = { nowIso: string; maxAttempts: number; limit: number }

/** The events due now, oldest first, at most `limit`: the one rule both claims use. */
function dueFirst<O>(input: DueInput) {
  return (qb: SelectQueryBuilder<Database, 'stripe_events', O>) =>
    qb
      .where('handled_at', 'is', null)
      .where('attempts', '<', input.maxAttempts)
      // A first attempt is always due, whichever clock stamped the row; retries wait their turn.
      .where((eb) => eb.or([eb('attempts', '=', 0), eb('next_attempt_at', '<=', input.nowIso)]))
      .orderBy('event_created')
      .orderBy('id')
      .limit(input.limit)
}

/**
 * Claims up to `limit` due events: those the caller `wants` are leased (their next attempt pushed
 * out by a lease), the others stamped handled at once (nothing to do for them), and every attempt
 * is counted. Two statements at most: the select and one update per kind present. PostgreSQL and
 * MySQL skip rows another worker has locked; SQLite has a single writer. Returns the wanted rows.
 */
export async function claimDueEvents(
  trx: Transaction<Database>,
  input: { nowIso: string; leaseUntilIso: string; maxAttempts: number; limit: number },
  wants: (row: StripeEventRow) => boolean = () => true,
): Promise<{ leased: StripeEventRow[]; stamped: StripeEventRow[] }> {
  const query = trx.selectFrom('stripe_events').selectAll().$call(dueFirst(input))
  const rows = (await lockSkippingLocked(trx, query).execute()).map((r) => ({
    ...r,
    attempts: r.attempts + 1,
  }))
  const leased = rows.filter(wants)
  const stamped = rows.filter((r) => !leased.includes(r))
  // The rows are ours (locked, or SQLite's single writer).
  if (leased.length > 0)
    await trx
      .updateTable('stripe_events')
      .set((eb) => ({ attempts: eb('attempts', '+', 1), next_attempt_at: input.leaseUntilIso }))
      .where(
        'id',
        'in',
        leased.map((r) => r.id),
      )
      .execute()
  if (stamped.length > 0)
    await trx
      .updateTable('stripe_events')
      .set((eb) => ({ attempts: eb('attempts', '+', 1), handled_at: input.nowIso, last_error: null }))
      .where(
        'id',
        'in',
        stamped.map((r) => r.id),
      )
      .execute()
  return { leased, stamped }
}

/**
 * PostgreSQL only: claims up to `limit` due events in one statement, outside any transaction (the
 * claim above is four round trips: begin, select, update, commit). The due rows are locked skipping
 * those another worker holds, and their attempts counted and lease set, by one
 * `with due as (select … for update skip locked) update … from due returning`; the rows come back
 * in claim order. The caller stamps the ones no handler wants (`stampHandled`).
 */
export async function leaseDueEvents(
  db: Executor,
  input: { nowIso: string; leaseUntilIso: string; maxAttempts: number; limit: number },
): Promise<StripeEventRow[]> {
  const rows = await db
    .with('due', (qb) =>
      qb.selectFrom('stripe_events').select('id').$call(dueFirst(input)).forUpdate().skipLocked(),
    )
    .updateTable('stripe_events')
    .from('due')
    .set((eb) => ({ attempts: eb('stripe_events.attempts', '+', 1), next_attempt_at: input.leaseUntilIso }))
    .whereRef('stripe_events.id', '=', 'due.id')
    .returningAll('stripe_events')
    .execute()
  return rows.sort((a, b) => a.event_created - b.event_created || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
}

/** Stamps claimed events handled at once (nothing wants them). */
export async function stampHandled(db: Executor, ids: string[], nowIso: string): Promise<void> {
  if (ids.length === 0) return
  await db
    .updateTable('stripe_events')
    .set({ handled_at: nowIso, last_error: null })
    .where('id', 'in', ids)
    .where('handled_at', 'is', null)
    .execute()
}

/** Stamps an event handled inside the applying transaction; false if someone else already did. */
export async function markEventHandled(db: Executor, id: string, nowIso: string): Promise<boolean> {
  const result = await db
    .updateTable('stripe_events')
    .set({ handled_at: nowIso, last_error: null })
    .where('id', '=', id)
    .where('handled_at', 'is', null)
    .executeTakeFirst()
  return Number(result.numUpdatedRows) > 0
}

export async function updateEvent(db: Executor, id: string, update: StripeEventUpdate): Promise<void> {
  await db.updateTable('stripe_events').set(update).where('id', '=', id).execute()
}

export async function findEventByStripeId(
  db: Executor,
  stripeEventId: string,
): Promise<StripeEventRow | undefined> {
  return db
    .selectFrom('stripe_events')
    .selectAll()
    .where('stripe_event_id', '=', stripeEventId)
    .executeTakeFirst()
}

export async function listEvents(db: Executor, limit = 200): Promise<StripeEventRow[]> {
  return db.selectFrom('stripe_events').selectAll().orderBy('event_created', 'desc').limit(limit).execute()
}

/**
 * Whether the inbox holds any event (recovery's first run: a new install or an older inbox). One
 * row read, where `max(event_created)` scanned every stored event: 22 ms at 200,000 on PostgreSQL.
 */
export async function hasStoredEvents(db: Executor): Promise<boolean> {
  return (await db.selectFrom('stripe_events').select('id').limit(1).executeTakeFirst()) !== undefined
}

/**
 * Deletes events handled before `before`; the inbox keeps failures for inspection. On SQLite and
 * PostgreSQL the claim index holds unhandled events only, so handled ones are found by their ids,
 * which sort by when each was stored: an event is handled after it is stored, so those handled
 * before the cut-off were all stored before it. (Were the app clock ever set back, an event stored
 * "later" than one handled before the cut-off is kept until the clock passes it again: pruning can
 * only keep rows longer, never delete them sooner.)
 */
export async function pruneHandledEvents(db: Executor, before: Date): Promise<number> {
  const result = await db
    .deleteFrom('stripe_events')
    .where('id', '<', firstIdAt(INBOX_ID_PREFIX, before.getTime()))
    .where('handled_at', 'is not', null)
    .where('handled_at', '<', toDbTime(before))
    .executeTakeFirst()
  return Number(result.numDeletedRows)
}

/** Makes an event due again from scratch (attempts, error and handled stamp cleared); false if unknown. */
export async function resetEvent(db: Executor, stripeEventId: string, nowIso: string): Promise<boolean> {
  const result = await db
    .updateTable('stripe_events')
    .set({ handled_at: null, attempts: 0, last_error: null, next_attempt_at: nowIso })
    .where('stripe_event_id', '=', stripeEventId)
    .executeTakeFirst()
  return Number(result.numUpdatedRows) > 0
}

/** How each of these Stripe events reached the inbox (absent: not at all). */
export async function findEventSources(
  db: Executor,
  stripeEventIds: readonly string[],
): Promise<Map<string, StripeEventRow['source']>> {
  if (stripeEventIds.length === 0) return new Map()
  const rows = await db
    .selectFrom('stripe_events')
    .select(['stripe_event_id', 'source'])
    .where('stripe_event_id', 'in', stripeEventIds)
    .execute()
  return new Map(rows.map((r) => [r.stripe_event_id, r.source]))
}

/** How many events arrived by webhook since `sinceIso` (a delivery that passed verification). */
export async function countWebhookEventsSince(db: Executor, sinceIso: string): Promise<number> {
  const row = await db
    .selectFrom('stripe_events')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('source', '=', 'webhook')
    .where('received_at', '>=', sinceIso)
    .executeTakeFirstOrThrow()
  return Number(row.n)
}

export async function findCursor(db: Executor, name: string): Promise<string | undefined> {
  const row = await db
    .selectFrom('webhook_cursors')
    .select('position')
    .where('name', '=', name)
    .executeTakeFirst()
  return row?.position
}

export async function saveCursor(
  db: Executor,
  name: string,
  position: string,
  nowIso: string,
): Promise<void> {
  await upsert(db, db.insertInto('webhook_cursors').values({ name, position, updated_at: nowIso }), 'name', {
    position,
    updated_at: nowIso,
  })
}

/** Extends the lease of claimed, unhandled events that still carry `currentLeaseIso`. */
export async function renewLease(
  db: Executor,
  ids: string[],
  currentLeaseIso: string,
  nextLeaseIso: string,
): Promise<void> {
  await db
    .updateTable('stripe_events')
    .set({ next_attempt_at: nextLeaseIso })
    .where('id', 'in', ids)
    .where('handled_at', 'is', null)
    .where('next_attempt_at', '=', currentLeaseIso)
    .execute()
}

/** The inbox for the owner console, newest first; `failing` = not handled and tried at least once. */
export async function listInboxPage(
  db: Executor,
  options: { failing: boolean; limit: number; offset: number; stripeEventId?: string },
): Promise<StripeEventRow[]> {
  let q = db.selectFrom('stripe_events').selectAll()
  if (options.stripeEventId !== undefined) q = q.where('stripe_event_id', '=', options.stripeEventId)
  if (options.failing) q = q.where('handled_at', 'is', null).where('attempts', '>', 0)
  return q
    .orderBy('event_created', 'desc')
    .orderBy('id', 'desc')
    .limit(options.limit)
    .offset(options.offset)
    .execute()
}

/**
 * The newest inbox events whose payload names any of `stripeIds` (a customer `cus_…`, a Checkout
 * Session `cs_…`, a PaymentIntent `pi_…`), for the console's customer page. The inbox has no
 * customer column, so this matches each quoted id in the stored JSON and stays bounded by `limit`;
 * `_` is a LIKE wildcard, so rows are re-checked.
 */
export async function listEventsNaming(
  db: Executor,
  stripeIds: string[],
  limit = 50,
): Promise<StripeEventRow[]> {
  const quoted = [...new Set(stripeIds.filter((id) => id !== ''))].map((id) => `"${id}"`)
  if (quoted.length === 0) return []
  const rows = await db
    .selectFrom('stripe_events')
    .selectAll()
    .where((eb) => eb.or(quoted.map((q) => eb('payload', 'like', `%${q}%`))))
    .orderBy('event_created', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute()
  return rows.filter((r) => quoted.some((q) => r.payload.includes(q)))
}

/**
 * Health of the inbox: failing events (`inboxStatus`'s rule in SQL), and unhandled events waiting
 * longer than `stuckBeforeIso`.
 */
export async function countInboxTrouble(
  db: Executor,
  stuckBeforeIso: string,
): Promise<{ failing: number; stuck: number }> {
  const row = await db
    .selectFrom('stripe_events')
    .select((eb) => [
      eb.fn
        .sum<number | string | null>(eb.case().when('attempts', '>', 0).then(1).else(0).end())
        .as('failing'),
      eb.fn
        .sum<number | string | null>(eb.case().when('received_at', '<', stuckBeforeIso).then(1).else(0).end())
        .as('stuck'),
    ])
    .where('handled_at', 'is', null)
    .executeTakeFirstOrThrow()
  return { failing: Number(row.failing ?? 0), stuck: Number(row.stuck ?? 0) }
}

export async function listFailingEventIds(db: Executor): Promise<string[]> {
  const rows = await db
    .selectFrom('stripe_events')
    .select('stripe_event_id')
    .where('handled_at', 'is', null)
    .where('attempts', '>', 0)
    .orderBy('event_created')
    .execute()
  return rows.map((r) => r.stripe_event_id)
}
