/**
 * Recovery: fills gaps left by missed deliveries from `GET /v1/events`. Every event created since
 * the newest one in the inbox (minus an hour of overlap; three days back on an empty inbox) that
 * is not there yet is inserted, and the inbox handles it like a delivered one.
 * @module
 */
import type { Deps } from '../../deps.js'
import { storeEvent } from './intake.js'
import { findNewestEventCreated } from './repo.js'

const OVERLAP_SECONDS = 3600
const FIRST_RUN_SECONDS = 3 * 86_400
/** How often the worker asks Stripe (by the app clock). */
export const RECOVERY_INTERVAL_MS = 5 * 60_000

/** Inserts missing events; returns how many were new. */
export async function recoverMissedEvents(deps: Deps): Promise<number> {
  const now = deps.clock.now()
  const newest = await findNewestEventCreated(deps.db)
  const nowSeconds = Math.floor(now.getTime() / 1000)
  const since = newest !== undefined ? newest - OVERLAP_SECONDS : nowSeconds - FIRST_RUN_SECONDS
  let inserted = 0
  for await (const event of deps.stripe.events.list({ created: { gte: since }, limit: 100 })) {
    const payload = JSON.stringify(event)
    if (await storeEvent(deps.db, event, { payload, source: 'recovery', now: deps.clock.now() })) inserted++
  }
  if (inserted > 0) deps.log.info({ inserted }, 'recovered missed Stripe events')
  return inserted
}
