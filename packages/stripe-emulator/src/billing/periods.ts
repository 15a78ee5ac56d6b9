/**
 * Billing-period arithmetic in UTC: months and years keep the anchor's day of month, clamped to
 * the month's last day (Jan 31 → Feb 28 → Mar 31), as Stripe does.
 * @module
 */

export type Interval = 'day' | 'week' | 'month' | 'year'

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month + 1, 0)).getUTCDate()
}

/** The end of the period that starts at `start`, `count` intervals later, anchored on `anchor`'s day. */
export function addInterval(start: number, interval: Interval, count: number, anchor = start): number {
  if (interval === 'day') return start + count * 86_400
  if (interval === 'week') return start + count * 7 * 86_400
  const d = new Date(start * 1000)
  const anchorDay = new Date(anchor * 1000).getUTCDate()
  const months = interval === 'month' ? count : count * 12
  const total = d.getUTCMonth() + months
  const year = d.getUTCFullYear() + Math.floor(total / 12)
  const month = ((total % 12) + 12) % 12
  const day = Math.min(anchorDay, daysInMonth(year, month))
  return Math.floor(Date.UTC(year, month, day, d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds()) / 1000)
}

/**
 * The share of `amount` for `remaining` of `total` seconds, in whole minor units. Integer
 * arithmetic with round-half-up, never floats.
 */
export function prorate(amount: number, remaining: number, total: number): number {
  if (total <= 0 || remaining <= 0) return 0
  if (remaining >= total) return amount
  const numerator = BigInt(amount) * BigInt(remaining) * 2n + BigInt(total)
  return Number(numerator / (BigInt(total) * 2n))
}
