/** How often a plan bills, in the words a buyer reads. */
import { BILLING_INTERVALS } from '../../lib/stripe-currencies.js'
import type { CatalogPrice, Recurring } from './types.js'

const CADENCE: Record<Recurring['interval'], string> = {
  day: 'daily',
  week: 'weekly',
  month: 'monthly',
  year: 'yearly',
}

/** "monthly", or "every 3 months". */
export function billingCadence(every: Recurring): string {
  return every.intervalCount === 1
    ? CADENCE[every.interval]
    : `every ${every.intervalCount} ${every.interval}s`
}

/**
 * The cadences of `prices`' plans, shortest first and each once, joined for a sentence:
 * "weekly, monthly or every 3 months". Empty when none is a plan.
 */
export function plansCadences(prices: readonly CatalogPrice[]): string {
  const order = (r: Recurring) => BILLING_INTERVALS.indexOf(r.interval) * 10_000 + r.intervalCount
  const plans = prices.flatMap((p) => (p.recurring ? [p.recurring] : [])).sort((a, b) => order(a) - order(b))
  const words = [...new Set(plans.map(billingCadence))]
  return words.length < 2 ? (words[0] ?? '') : `${words.slice(0, -1).join(', ')} or ${words.at(-1)}`
}
