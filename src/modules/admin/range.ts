/**
 * Date ranges as people type them (YYYY-MM-DD, both ends inclusive) → a MetricsQuery over UTC
 * midnights with an exclusive end. Shared by the pages and `tollgate metrics`.
 * @module
 */
import { parseCalendarDay } from '../../lib/clock.js'
import { AppError } from '../../lib/errors.js'
import { INTERVALS, type Interval, type MetricsQuery } from './metrics.js'

const DAY_MS = 86_400_000

export type RangeInput = { from?: string | undefined; to?: string | undefined; interval?: string | undefined }

/** Defaults: the 30 days up to and including today, by day. Bad input is INVALID_REQUEST. */
export function parseRange(input: RangeInput, now: Date): MetricsQuery {
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate())
  const to = input.to ? parseDay(input.to, 'to') + DAY_MS : today + DAY_MS
  const from = input.from ? parseDay(input.from, 'from') : to - 30 * DAY_MS
  const interval = (input.interval ?? 'day') as Interval
  if (!INTERVALS.includes(interval)) throw invalid('interval', `must be one of ${INTERVALS.join(', ')}`)
  if (from >= to) throw invalid('from', 'must be on or before to')
  if (to - from > 3 * 366 * DAY_MS && interval === 'day')
    throw invalid('interval', 'day covers at most three years')
  return { from: new Date(from), to: new Date(to), interval }
}

function parseDay(text: string, field: string): number {
  const day = parseCalendarDay(text)
  if (!day) throw invalid(field, 'must be a date, YYYY-MM-DD')
  return day.getTime()
}

function invalid(field: string, message: string): AppError {
  return new AppError('INVALID_REQUEST', { details: { fieldErrors: { [field]: [message] } } })
}

/** The range back as the inclusive dates a person typed. */
export function rangeLabels(query: MetricsQuery): { from: string; to: string } {
  return {
    from: query.from.toISOString().slice(0, 10),
    to: new Date(query.to.getTime() - DAY_MS).toISOString().slice(0, 10),
  }
}
