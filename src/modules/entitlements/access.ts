/**
 * "May customer X use feature F now?", answered from the local grants table only: no request path
 * asks Stripe. Webhooks, the success page and reconciliation keep the table current.
 * @module
 */
import type { Executor } from '../../db/database.js'
import { cachedRead, cachedValue, grantsKey } from '../../db/read-cache.js'
import { dbTimeOf } from '../../lib/clock.js'
import type { GrantSource } from './grants.js'
import { listGrantsOfCustomer } from './repo.js'
import type { GrantRow } from './table.js'

export type AccessDecision = {
  allowed: boolean
  /** The grant that allows it (the longest-lasting one when several do). */
  source?: GrantSource & { grantId: string }
  /** When access ends; null = forever. Absent when not allowed. */
  until?: Date | null
  /** Not allowed, but a grant for the feature existed and ran out (or was revoked). */
  lapsed?: boolean
  /** Lapsed because the last grant to end was revoked, not run out: its reason (refunded, disputed…). */
  revokedBecause?: string
  /** Not allowed: when the last grant ended or was revoked (absent when none ever ended). */
  endedAt?: Date
}

export async function checkAccess(
  db: Executor,
  customerId: string,
  feature: string,
  now: Date,
): Promise<AccessDecision> {
  return decideFeature(await grantsOfCustomer(db, customerId), feature, now)
}

/**
 * `checkAccess` for a gate on every request (`requireFeature`): answered synchronously when the
 * customer's grants are in the read cache, as a signed-in customer's are from their session's
 * lookup on (db/read-cache.ts), else as checkAccess's promise. A cached answer saves the promises
 * and microtask turns of two async layers per gated request.
 */
export function checkAccessNow(
  db: Executor,
  customerId: string,
  feature: string,
  now: Date,
): AccessDecision | Promise<AccessDecision> {
  const kept = cachedValue<readonly GrantRow[]>(db, grantsKey(customerId))
  return kept === undefined ? checkAccess(db, customerId, feature, now) : decideFeature(kept, feature, now)
}

/**
 * `decideAccess` over the customer's grants of `feature`. A gate asks this on every request, and
 * it is nearly always allowed: that answer is found in one pass over the grants, without the two
 * arrays and closures that filtering by feature and then by liveness made per request (3 k
 * instructions of a /premium view under callgrind). Anything else goes the general way. Exported
 * for its test only (the module's face is index.ts).
 */
export function decideFeature(grants: readonly GrantRow[], feature: string, now: Date): AccessDecision {
  const at = dbTimeOf(now)
  let best: GrantRow | undefined
  for (const g of grants) {
    if (g.feature === feature && isLive(g, at) && (best === undefined || outlasts(g, best))) best = g
  }
  if (best) return allowedBy(best)
  return decideAccess(
    grants.filter((g) => g.feature === feature),
    now,
  )
}

/**
 * Every grant of the customer, ordered by id. Through a handle's read cache (at most a second
 * old, never across a write of this instance: db/read-cache.ts); in a transaction, read directly.
 */
export function grantsOfCustomer(db: Executor, customerId: string): Promise<readonly GrantRow[]> {
  return cachedRead(db, grantsKey(customerId), () => listGrantsOfCustomer(db, customerId))
}

/** Pure decision over a customer's grants of one feature. */
export function decideAccess(grants: readonly GrantRow[], now: Date): AccessDecision {
  const at = dbTimeOf(now)
  const live = grants.filter((g) => isLive(g, at))
  if (live.length === 0) {
    const last = lastEnded(grants)
    const endedAt = last ? (last.revoked_at ?? last.ends_at) : null
    return {
      allowed: false,
      lapsed: grants.some((g) => g.starts_at <= at),
      ...(last?.revoked_at ? { revokedBecause: last.reason ?? 'revoked' } : {}),
      ...(endedAt ? { endedAt: new Date(endedAt) } : {}),
    }
  }
  return allowedBy(live.reduce((a, b) => (outlasts(b, a) ? b : a)))
}

/** Not revoked, started, not ended, at `at` (ISO times in the database's format compare as text). */
function isLive(g: GrantRow, at: string): boolean {
  return g.revoked_at === null && g.starts_at <= at && (g.ends_at === null || g.ends_at > at)
}

/** Allowed by `best`, the longest-lasting live grant (the first of those that last as long). */
function allowedBy(best: GrantRow): AccessDecision {
  return {
    allowed: true,
    source: { type: best.source_type, id: best.source_id, grantId: best.id },
    until: best.ends_at === null ? null : new Date(best.ends_at),
  }
}

function outlasts(a: GrantRow, b: GrantRow): boolean {
  if (a.ends_at === null) return b.ends_at !== null
  if (b.ends_at === null) return false
  return a.ends_at > b.ends_at
}

/** The grant that ended last, revoked or run out (ISO times compare as text). */
function lastEnded(grants: readonly GrantRow[]): GrantRow | undefined {
  const endOf = (g: GrantRow): string | null => g.revoked_at ?? g.ends_at
  const ended = grants.filter((g) => endOf(g) !== null)
  return ended.sort((a, b) => (endOf(a) as string).localeCompare(endOf(b) as string)).at(-1)
}
