/**
 * Rate limits and sign-in back-off at the edges, on `deps.rateLimits` (memory or Redis, never the
 * database: checking a limit must not write on a read path). Keys name the client and the target
 * (`signin:<ip>:<email>`), so one client's attempts never lock anyone else out.
 * @module
 */

import type { Executor } from '../db/database.js'
import type { Deps } from '../deps.js'
import { AppError } from '../lib/errors.js'
import type { BackOffPolicy, RateLimitResult, RateLimitRule } from '../lib/rate-limiter.js'

export type { BackOffPolicy, RateLimitRule as RateLimit } from '../lib/rate-limiter.js'
export type { RateLimitTable } from './rate-limit.table.js'

type Limits = Pick<Deps, 'rateLimits'>

/** Counts one attempt for `key`; throws AppError('RATE_LIMITED') (429) when over `rule`. */
export function enforceRateLimit(deps: Limits, key: string, rule: RateLimitRule): Promise<void> {
  return deps.rateLimits.hit(key, rule).then(refuseOverLimit)
}

function refuseOverLimit(result: RateLimitResult): void {
  if (!result.allowed) {
    throw new AppError('RATE_LIMITED', { details: { retryAfterSeconds: result.retryAfterSeconds } })
  }
}

/** Throws AppError('RATE_LIMITED') while `key` is waiting out the back-off from its failures. */
export async function enforceBackOff(deps: Limits, key: string): Promise<void> {
  const retryAfterSeconds = await deps.rateLimits.backOffSeconds(key)
  if (retryAfterSeconds > 0) throw new AppError('RATE_LIMITED', { details: { retryAfterSeconds } })
}

/**
 * Sign-in by password or access token, per client and account: five free failures, then 1 s,
 * 2 s, 4 s … up to 15 minutes between tries; forgotten a day after the last failure. The owner,
 * from another address or by emailed link, is never locked out by someone else's guesses.
 */
export const SIGN_IN_BACK_OFF: BackOffPolicy = {
  freeFailures: 5,
  firstDelaySeconds: 1,
  maxDelaySeconds: 900,
  memorySeconds: 86_400,
}

/**
 * Housekeeping for the `rate_limits` table, where earlier versions kept their counters: forgets
 * windows that started before `beforeIso`.
 */
export async function pruneRateLimits(db: Executor, beforeIso: string): Promise<number> {
  const result = await db.deleteFrom('rate_limits').where('window_start', '<', beforeIso).executeTakeFirst()
  return Number(result.numDeletedRows)
}
