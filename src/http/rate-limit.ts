/**
 * Fixed-window rate limiting kept in the database (table `rate_limits`), so it holds across
 * processes and restarts and works the same on SQLite, PostgreSQL and MySQL.
 * @module
 */
import { sql } from 'kysely'
import type { Executor } from '../db/database.js'
import { upsertCounter } from '../db/portable.js'
import type { Clock } from '../lib/clock.js'
import { AppError } from '../lib/errors.js'

export type { RateLimitTable } from './rate-limit.table.js'

export type RateLimit = { limit: number; windowSeconds: number }
export type RateLimitResult = { allowed: boolean; count: number; retryAfterSeconds: number }

/** Counts one hit for `key` in the current window and says whether it is within the limit. */
export async function hitRateLimit(
  db: Executor,
  clock: Clock,
  key: string,
  rule: RateLimit,
): Promise<RateLimitResult> {
  const nowMs = clock.now().getTime()
  const windowMs = rule.windowSeconds * 1000
  const startMs = nowMs - (nowMs % windowMs)
  const windowStart = new Date(startMs).toISOString()
  const count = await upsertCounter(
    db,
    db.insertInto('rate_limits').values({ key, window_start: windowStart, count: 1 }),
    'key',
    {
      column: 'count',
      next: sql<number>`case when rate_limits.window_start = ${windowStart} then rate_limits.count + 1 else 1 end`,
      inserted: 1,
    },
    { window_start: windowStart },
  )
  const retryAfterSeconds = Math.ceil((startMs + windowMs - nowMs) / 1000)
  return { allowed: count <= rule.limit, count, retryAfterSeconds }
}

/** Like hitRateLimit, but throws AppError('RATE_LIMITED') when over the limit. */
export async function enforceRateLimit(
  db: Executor,
  clock: Clock,
  key: string,
  rule: RateLimit,
): Promise<void> {
  const result = await hitRateLimit(db, clock, key, rule)
  if (!result.allowed) {
    throw new AppError('RATE_LIMITED', { details: { retryAfterSeconds: result.retryAfterSeconds } })
  }
}

/** Forgets a key, e.g. after a successful login. */
export async function clearRateLimit(db: Executor, key: string): Promise<void> {
  await db.deleteFrom('rate_limits').where('key', '=', key).execute()
}

/** Housekeeping: forgets windows that ended before `beforeIso` (every rule's window is far shorter than a day). */
export async function pruneRateLimits(db: Executor, beforeIso: string): Promise<number> {
  const result = await db.deleteFrom('rate_limits').where('window_start', '<', beforeIso).executeTakeFirst()
  return Number(result.numDeletedRows)
}
