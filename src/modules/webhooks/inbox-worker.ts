/**
 * The inbox worker: claims due events, runs their handlers (Stripe re-fetch outside any
 * transaction), then applies the changes and stamps `handled_at` in one transaction. A failure
 * rolls back, records `attempts` and `last_error`, and schedules a retry with back-off. Unknown
 * types are logged and marked handled. This is a worker edge: it opens its own transactions. The
 * handlers come from the caller (the composition root merges the modules' maps).
 *
 * A run handles its events in lanes: the events of one customer (or, for an object without one, of
 * that object) are handled one after another in the order claimed, and different customers' events
 * run side by side, so eight buyers paying at once wait for eight Stripe re-fetches in parallel,
 * not in a row; an event announced while a run is under way is claimed at once and joins it.
 * Exactly once does not rest on the lanes: the stamp in the applying transaction does.
 * @module
 */
import type Stripe from 'stripe'
import { dialectOfExecutor } from '../../db/portable.js'
import { transactionRetryingDeadlocks } from '../../db/retry.js'
import type { Deps } from '../../deps.js'
import { alertOwner, ownerNote } from '../alerts/index.js'
import { type ApplyEvent, type EventHandlerMap, handlersFor } from './handlers.js'
import { onInboxEvent } from './inbox-signal.js'
import {
  claimDueEvents,
  leaseDueEvents,
  markEventHandled,
  renewLease,
  resetEvent,
  stampHandled,
  updateEvent,
} from './repo.js'
import type { StripeEventRow } from './table.js'

export const MAX_ATTEMPTS = 12
/** Most events a run has in hand at once; a run that took fewer found everything that was due. */
export const INBOX_BATCH = 20
/** How many customers' events of one batch are handled at the same time. */
export const LANES = 8
/**
 * How long a claimed event is hidden from other workers. Short, and renewed while the batch runs,
 * so that the events of a worker that was killed are taken up by another within about 20 s.
 */
export const LEASE_MS = 15_000
/** Renewal period (real time): well inside the lease, so one slow renewal does not lose it. */
const RENEW_EVERY_MS = 5_000

export type InboxOptions = { renewEveryMs?: number }

/** 2 s, 4 s, 8 s, … capped at one hour. */
export function retryDelayMs(attempts: number): number {
  return Math.min(2000 * 2 ** (attempts - 1), 3_600_000)
}

/**
 * Handles due events; returns how many it took. The worker registry calls this. A run claims a
 * batch and handles it in lanes; events announced while it runs (the intake's signal, here or by
 * NOTIFY) are claimed at once and join the lanes, instead of waiting for the whole batch: eight
 * buyers paying at once used to wait, each, for the buyers before them to be re-fetched and
 * applied. At most INBOX_BATCH events are in hand at once; the run ends when its lanes are empty.
 */
export async function processInbox(
  deps: Deps,
  handlers: EventHandlerMap,
  options: InboxOptions = {},
): Promise<number> {
  const renewEveryMs = options.renewEveryMs ?? RENEW_EVERY_MS
  let claimed = 0
  let inHand = 0
  let more = false
  let progress: (() => void) | undefined
  const wake = (): void => progress?.()
  const renewals: Promise<void>[] = []
  const lanes = createLanes<Claimed>(LANES, ({ row, event }) => handleEvent(deps, handlers, row, event), wake)

  const claim = async (): Promise<void> => {
    const now = deps.clock.now()
    const lease = leaseFrom(now)
    const limit = INBOX_BATCH - inHand
    const input = { nowIso: now.toISOString(), leaseUntilIso: lease, maxAttempts: MAX_ATTEMPTS, limit }
    const wants = (row: StripeEventRow): boolean => handlersFor(handlers, row.type).length > 0
    const { leased: rows, stamped } = await claimEvents(deps, input, wants)
    for (const row of stamped)
      deps.log.debug({ eventId: row.stripe_event_id, type: row.type }, 'unhandled event type')
    claimed += rows.length + stamped.length
    // A full claim may have left due events behind.
    if (rows.length + stamped.length === limit) more = true
    if (rows.length === 0) return
    inHand += rows.length
    const renewal = keepLeased(deps, rows, lease, renewEveryMs)
    let left = rows.length
    for (const row of rows) {
      const event = parsePayload(row.payload)
      lanes.push(event ? laneKey(event) : `row:${row.id}`, {
        row,
        event,
        done: () => {
          inHand--
          renewal.release(row.id)
          if (--left === 0) renewals.push(renewal.stop())
        },
      })
    }
  }

  const unsubscribe = onInboxEvent(() => {
    more = true
    wake()
  })
  let failure: { err: unknown } | undefined
  try {
    await claim()
    while (!lanes.idle()) {
      if (more && inHand < INBOX_BATCH && !failure) {
        more = false
        await claim().catch((err: unknown) => {
          failure = { err }
        })
        continue
      }
      // Until an event is handled or another is announced.
      await new Promise<void>((resolve) => {
        progress = resolve
      })
      progress = undefined
    }
  } finally {
    unsubscribe()
    await Promise.all(renewals)
  }
  const err = failure?.err ?? lanes.firstError()
  if (err !== undefined) throw err
  return claimed
}

/**
 * Claims due events: on PostgreSQL with one statement (a claim is a round trip, not four, and a
 * run now claims each time an event is announced), elsewhere in a transaction of its own (SQLite's
 * is in process; MySQL has no UPDATE … RETURNING). Types no handler wants (events that reached
 * the inbox by recovery or a replay: the intake stores them handled) are stamped at once, in the
 * claiming transaction where there is one: nothing to fetch or apply.
 */
async function claimEvents(
  deps: Deps,
  input: { nowIso: string; leaseUntilIso: string; maxAttempts: number; limit: number },
  wants: (row: StripeEventRow) => boolean,
): Promise<{ leased: StripeEventRow[]; stamped: StripeEventRow[] }> {
  if (dialectOfExecutor(deps.db) !== 'postgres')
    return deps.db.transaction().execute((trx) => claimDueEvents(trx, input, wants))
  const rows = await leaseDueEvents(deps.db, input)
  const leased = rows.filter(wants)
  const stamped = rows.filter((r) => !leased.includes(r))
  await stampHandled(
    deps.db,
    stamped.map((r) => r.id),
    input.nowIso,
  )
  return { leased, stamped }
}

type Claimed = { row: StripeEventRow; event: Stripe.Event | undefined; done: () => void }

/** The customer an event is about, else the object it carries (events of a customer stay in order). */
export function laneKey(event: Stripe.Event): string {
  const object = (event.data?.object ?? {}) as { id?: unknown; object?: unknown; customer?: unknown }
  const customer =
    typeof object.customer === 'string'
      ? object.customer
      : (object.customer as { id?: unknown } | null | undefined)?.id
  if (typeof customer === 'string') return `customer:${customer}`
  if (object.object === 'customer' && typeof object.id === 'string') return `customer:${object.id}`
  return typeof object.id === 'string' ? `object:${object.id}` : `event:${event.id}`
}

/**
 * Lanes by key, up to `width` running at once: a lane's items are handled one after another in
 * the order pushed (an item pushed to a running lane waits its turn), lanes beyond `width` wait for
 * one to finish. `progress` is called after every item; an item that throws is remembered (the
 * first error) and the lane goes on.
 */
function createLanes<T extends { done: () => void }>(
  width: number,
  handle: (item: T) => Promise<unknown>,
  progress: () => void,
): { push(key: string, item: T): void; idle(): boolean; firstError(): unknown } {
  const queues = new Map<string, T[]>()
  const waiting: string[] = []
  let running = 0
  let error: { err: unknown } | undefined
  const run = async (key: string): Promise<void> => {
    running++
    const queue = queues.get(key) as T[]
    for (let item = queue.shift(); item !== undefined; item = queue.shift()) {
      try {
        await handle(item)
      } catch (err) {
        error ??= { err }
      } finally {
        item.done()
      }
      if (queue.length === 0) queues.delete(key)
      progress()
    }
    running--
    const next = waiting.shift()
    if (next !== undefined) void run(next)
  }
  return {
    push(key, item) {
      const queue = queues.get(key)
      if (queue) {
        queue.push(item)
        return
      }
      queues.set(key, [item])
      if (running < width) void run(key)
      else waiting.push(key)
    },
    idle: () => queues.size === 0,
    firstError: () => error?.err,
  }
}

function parsePayload(payload: string): Stripe.Event | undefined {
  try {
    return JSON.parse(payload) as Stripe.Event
  } catch {
    return undefined
  }
}

function leaseFrom(now: Date): string {
  return new Date(now.getTime() + LEASE_MS).toISOString()
}

/**
 * Pushes the lease of the batch's unfinished events forward every `everyMs` until stopped. A renewal
 * only touches rows still carrying the lease it last wrote, so it never undoes a retry time that a
 * failure just recorded, nor anything another worker did after the lease was lost.
 */
function keepLeased(
  deps: Deps,
  rows: StripeEventRow[],
  firstLease: string,
  everyMs: number,
): { release(id: string): void; stop(): Promise<void> } {
  const pending = new Set(rows.map((r) => r.id))
  let lease = firstLease
  let running: Promise<void> = Promise.resolve()
  const timer = setInterval(() => {
    running = running.then(async () => {
      if (pending.size === 0) return
      const next = leaseFrom(deps.clock.now())
      try {
        await renewLease(deps.db, [...pending], lease, next)
        lease = next
      } catch (err) {
        deps.log.warn({ err: (err as Error).message }, 'inbox lease renewal failed; will retry')
      }
    })
  }, everyMs)
  return {
    release: (id) => pending.delete(id),
    async stop() {
      clearInterval(timer)
      pending.clear()
      await running
    },
  }
}

/** Runs the inbox until nothing is due; for tests and the CLI. Returns how many events it took. */
export async function processInboxNow(
  deps: Deps,
  handlers: EventHandlerMap,
  maxRounds = 50,
): Promise<number> {
  let total = 0
  for (let round = 0; round < maxRounds; round++) {
    const handled = await processInbox(deps, handlers)
    total += handled
    if (handled === 0) break
  }
  return total
}

/**
 * Replays one event (for an operator, e.g. after fixing a handler that gave up): it is made due
 * again and handled at once. Handlers are idempotent, so replaying a handled event changes nothing.
 */
export async function replayEvent(
  deps: Deps,
  handlers: EventHandlerMap,
  stripeEventId: string,
): Promise<boolean> {
  if (!(await resetEvent(deps.db, stripeEventId, deps.clock.now().toISOString()))) return false
  await processInboxNow(deps, handlers)
  return true
}

export type HandleOutcome = 'handled' | 'ignored' | 'already-handled' | 'failed'

/** Handles one claimed event: handlers outside a transaction, then apply and stamp in one. */
export async function handleEvent(
  deps: Deps,
  map: EventHandlerMap,
  row: StripeEventRow,
  parsed?: Stripe.Event,
): Promise<HandleOutcome> {
  const event = parsed ?? (JSON.parse(row.payload) as Stripe.Event)
  const handlers = handlersFor(map, row.type)
  try {
    const applies: ApplyEvent[] = []
    for (const handler of handlers) {
      const apply = await handler(deps, event as never)
      if (apply) applies.push(apply)
    }
    // Lanes run side by side, so two customers' applies may deadlock on MySQL or PostgreSQL: the
    // loser is rolled back whole and run again.
    const stamped = await transactionRetryingDeadlocks(deps.db, async (trx) => {
      // Stamp first: on PostgreSQL this row lock makes a second worker on the same event wait, then skip.
      if (!(await markEventHandled(trx, row.id, deps.clock.now().toISOString()))) return false
      for (const apply of applies) await apply(trx)
      return true
    })
    if (handlers.length === 0)
      deps.log.debug({ eventId: row.stripe_event_id, type: row.type }, 'unhandled event type')
    if (!stamped) return 'already-handled'
    return handlers.length === 0 ? 'ignored' : 'handled'
  } catch (err) {
    await recordFailure(deps, row, err)
    return 'failed'
  }
}

async function recordFailure(deps: Deps, row: StripeEventRow, err: unknown): Promise<void> {
  const message = err instanceof Error ? err.message : String(err)
  const next = new Date(deps.clock.now().getTime() + retryDelayMs(row.attempts))
  const context = { eventId: row.stripe_event_id, type: row.type, attempts: row.attempts, err: message }
  const update = { last_error: message.slice(0, 2000), next_attempt_at: next.toISOString() }
  if (row.attempts < MAX_ATTEMPTS) {
    deps.log.warn(context, 'event failed; will retry')
    await updateEvent(deps.db, row.id, update)
    return
  }
  // After MAX_ATTEMPTS the row stays unhandled with its last error, for someone to look at and
  // replay: the owner is told in the same transaction that records the last failure.
  deps.log.error(context, 'event gave up after the last retry')
  const note = {
    subject: `A Stripe event gave up: ${row.type}`,
    lines: [
      `${row.stripe_event_id} (${row.type}) failed ${row.attempts} times; last error: ${message.slice(0, 300)}`,
      `Replay it from the console: ${deps.config.publicUrl}/admin/events?status=failing`,
    ],
  }
  await deps.db.transaction().execute(async (trx) => {
    await updateEvent(trx, row.id, update)
    await alertOwner(trx, deps, ownerNote('event_failed', note, `event_failed:${row.id}:${row.attempts}`))
  })
}
