/**
 * Housekeeping, hourly by the app clock: what has served its purpose leaves the database. Expired
 * sessions and used or expired sign-in and password links (they are only hashes, but nobody needs
 * them), handled webhook events after 30 days (failures stay for someone to look at), sealed
 * access tokens nobody came back for within the hour, and finished rate-limit windows; and from
 * the disk, per-buyer stamped PDFs not downloaded for two weeks.
 * @module
 */
import type { Deps } from '../deps.js'
import { pruneRateLimits } from '../http/rate-limit.js'
import { addDays } from '../lib/clock.js'
import { pruneSpentPasswordLinks } from '../modules/accounts/index.js'
import { pruneIdempotentAnswers } from '../modules/api-v1/index.js'
import { pruneExpiredAuth } from '../modules/customers/index.js'
import { pruneStampedCopies, STAMPED_COPIES_KEPT_DAYS } from '../modules/delivery/index.js'
import { forgetUnrevealedTokens } from '../modules/orders/index.js'
import { pruneHandledEvents } from '../modules/webhooks/index.js'

const HANDLED_EVENTS_KEPT_DAYS = 30

/** Returns how many rows (and stamped copies) it deleted. */
export async function pruneExpired(deps: Deps): Promise<number> {
  const now = deps.clock.now()
  const nowIso = now.toISOString()
  const counts = {
    auth: await pruneExpiredAuth(deps.db, nowIso),
    passwordLinks: await pruneSpentPasswordLinks(deps.db, nowIso),
    events: await pruneHandledEvents(deps.db, addDays(now, -HANDLED_EVENTS_KEPT_DAYS)),
    rateLimits: await pruneRateLimits(deps.db, addDays(now, -1).toISOString()),
    // Idempotency-Key answers are honoured for a day, as Stripe does.
    idempotency: await pruneIdempotentAnswers(deps.db, addDays(now, -1).toISOString()),
    // Files, not rows: per-buyer stamped PDFs nobody downloaded lately (made again on demand).
    stampedCopies: await pruneStampedCopies(deps.config.dataDir, addDays(now, -STAMPED_COPIES_KEPT_DAYS)),
  }
  await forgetUnrevealedTokens(deps.db, now)
  const total = Object.values(counts).reduce((a, b) => a + b, 0)
  if (total > 0) deps.log.info(counts, 'pruned expired rows')
  return total
}
