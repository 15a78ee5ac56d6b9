/**
 * Recovery: fills gaps left by missed deliveries from `GET /v1/events`. A persisted cursor says up
 * to when the last complete run read Stripe's list; each run reads from there (less an overlap for
 * events that show up late), never further back than Stripe keeps events (30 days), inserts what
 * the inbox lacks and moves the cursor to the run's start. So an outage of any length within those
 * 30 days heals at start (the first scheduled run) and on every run after. The inbox handles
 * recovered events like delivered ones; duplicates are ignored by Stripe event id.
 *
 * Only events of the types Tollgate handles are asked for. The endpoint is subscribed to those
 * alone, so the others were never going to be delivered: read from the full list, every run
 * stored a purchase's payment_intent.* and charge.succeeded and the catalog's product.* and
 * price.* events as "missed", for the inbox to claim and stamp, and said so in the log.
 * @module
 */
import type { Deps } from '../../deps.js'
import { storeEvent } from './intake.js'
import { findCursor, hasStoredEvents, saveCursor } from './repo.js'

const CURSOR = 'stripe-events-recovery'
/** Events can appear in the list a little after their `created` time. */
const OVERLAP_SECONDS = 600
/** A new install (empty inbox) looks back this far. */
const FIRST_RUN_SECONDS = 3 * 86_400
/** Stripe lists events of the last 30 days only. */
const RETENTION_SECONDS = 30 * 86_400
/** Stripe's `types` filter takes at most 20 event types a request. */
const TYPES_PER_LIST = 20
/** How often the worker asks Stripe (by the app clock). */
export const RECOVERY_INTERVAL_MS = 5 * 60_000

/**
 * Inserts missing events of `types` (the ones Tollgate handles, as its endpoint is subscribed to:
 * HANDLED_EVENT_TYPES); returns how many were new.
 */
export async function recoverMissedEvents(deps: Deps, types: readonly string[]): Promise<number> {
  const startedAt = deps.clock.now()
  const nowSeconds = Math.floor(startedAt.getTime() / 1000)
  const since = Math.max(nowSeconds - RETENTION_SECONDS, await startOfWindow(deps, nowSeconds))
  let inserted = 0
  for (let i = 0; i < types.length; i += TYPES_PER_LIST) {
    const part = types.slice(i, i + TYPES_PER_LIST)
    for await (const event of deps.stripe.events.list({ created: { gte: since }, types: part, limit: 100 })) {
      const payload = JSON.stringify(event)
      if (await storeEvent(deps.db, event, { payload, source: 'recovery', now: deps.clock.now() })) inserted++
    }
  }
  // Only a complete read moves the cursor: a run that failed half-way starts again from the old one.
  await saveCursor(deps.db, CURSOR, startedAt.toISOString(), deps.clock.now().toISOString())
  if (inserted > 0) deps.log.info({ inserted, since }, 'recovered missed Stripe events')
  return inserted
}

/**
 * Where the next run starts reading Stripe's list (the cursor less the overlap), for the owner's
 * console; undefined before the first complete run (which reads a new install's few days, or all
 * 30 over an inbox from before the cursor).
 */
export async function recoveryResumesFrom(deps: Pick<Deps, 'db'>): Promise<Date | undefined> {
  const cursor = await findCursor(deps.db, CURSOR)
  return cursor === undefined ? undefined : new Date(Date.parse(cursor) - OVERLAP_SECONDS * 1000)
}

/** From the cursor; without one, a new install's few days, or (an inbox from before the cursor) all 30. */
async function startOfWindow(deps: Deps, nowSeconds: number): Promise<number> {
  const resumes = await recoveryResumesFrom(deps)
  if (resumes !== undefined) return Math.floor(resumes.getTime() / 1000)
  return (await hasStoredEvents(deps.db)) ? nowSeconds - RETENTION_SECONDS : nowSeconds - FIRST_RUN_SECONDS
}
