/**
 * MRR from the subscription ledger, as pure functions over its rows (docs/metrics.md): which rows
 * are in force at a moment, what each is worth per month, and the movements between two moments.
 * Money is integer minor units kept apart per currency.
 * @module
 */
import { roundDiv } from '../../lib/money.js'
import { discountedAmount, type LedgerEntry } from '../billing/index.js'

/** Amounts per currency (lower-case ISO code → integer minor units). */
export type PerCurrency = Record<string, number>

/** One ledger row as metrics read it (billing's ledger columns). */
export type LedgerRow = LedgerEntry

/** Statuses that count toward MRR: paying, or owing (Stripe counts past_due until it ends). */
export const EARNING: ReadonlySet<string> = new Set(['active', 'past_due'])

/** How many of an interval make a month, as a fraction: a year is 1/12 of it, a week 52/12. */
const MONTHS_PER: Record<LedgerRow['interval'], { num: number; den: number }> = {
  day: { num: 365, den: 12 },
  week: { num: 52, den: 12 },
  month: { num: 1, den: 1 },
  year: { num: 1, den: 12 },
}

/** One row's monthly worth at `at`: zero unless earning; yearly ÷ 12, rounded half up per row. */
export function monthlyAmount(row: LedgerRow, at: string): number {
  if (!EARNING.has(row.status)) return 0
  const per = MONTHS_PER[row.interval]
  return roundDiv(discountedAmount(row, at) * per.num, per.den * row.interval_count)
}

/** The row in force for each subscription at `at` (rows sorted by effective_at ascending). */
export function rowsInForce(rows: readonly LedgerRow[], at: string): LedgerRow[] {
  const latest = new Map<string, LedgerRow>()
  for (const row of rows) {
    if (row.effective_at > at) break
    latest.set(row.stripe_subscription_id, row)
  }
  return [...latest.values()]
}

/** MRR per currency at `at`. */
export function mrrAt(rows: readonly LedgerRow[], at: string): PerCurrency {
  const out: PerCurrency = {}
  for (const row of rowsInForce(rows, at)) add(out, row.currency, monthlyAmount(row, at))
  return dropZeros(out)
}

/** Each customer's MRR per currency at `at` (key `customer|currency`). */
export function customerMrrAt(rows: readonly LedgerRow[], at: string): Map<string, number> {
  const out = new Map<string, number>()
  for (const row of rowsInForce(rows, at)) {
    const amount = monthlyAmount(row, at)
    if (amount === 0) continue
    const key = `${row.customer_id}|${row.currency}`
    out.set(key, (out.get(key) ?? 0) + amount)
  }
  return out
}

export type StatusCounts = { activeSubscribers: number; trialing: number }

/** Customers with an earning subscription, and subscriptions in a trial, at `at`. */
export function countsAt(rows: readonly LedgerRow[], at: string): StatusCounts {
  const inForce = rowsInForce(rows, at)
  const subscribers = new Set(inForce.filter((r) => EARNING.has(r.status)).map((r) => r.customer_id))
  return {
    activeSubscribers: subscribers.size,
    trialing: inForce.filter((r) => r.status === 'trialing').length,
  }
}

export type Movements = {
  new: PerCurrency
  expansion: PerCurrency
  contraction: PerCurrency
  churned: PerCurrency
  reactivation: PerCurrency
}

/**
 * MRR movements in (from, to], per customer and currency (Stripe's customer-level view), change by
 * change: every ledger row and every end of a repeating discount moves that customer's MRR, and
 * each move is 0 → x new (or reactivation when the customer earned MRR in that currency before),
 * x → 0 churned, up expansion, down contraction. Contraction and churn are positive numbers, and
 * new + expansion + reactivation − contraction − churned = MRR(to) − MRR(from) exactly.
 */
export function movementsBetween(rows: readonly LedgerRow[], from: string, to: string): Movements {
  const out: Movements = { new: {}, expansion: {}, contraction: {}, churned: {}, reactivation: {} }
  // Indexed by customer, so each change looks only at its own customer's subscriptions (a year of
  // ledger for tens of thousands of subscriptions stays linear; see the console row of the bench).
  const subsOf = new Map<string, Map<string, LedgerRow>>()
  const ownerOf = new Map<string, string>()
  const place = (r: LedgerRow): void => {
    const previous = ownerOf.get(r.stripe_subscription_id)
    if (previous !== undefined && previous !== r.customer_id)
      subsOf.get(previous)?.delete(r.stripe_subscription_id)
    ownerOf.set(r.stripe_subscription_id, r.customer_id)
    const subs = subsOf.get(r.customer_id) ?? new Map<string, LedgerRow>()
    subs.set(r.stripe_subscription_id, r)
    subsOf.set(r.customer_id, subs)
  }
  const current = new Map<string, Map<string, number>>()
  for (const r of rowsInForce(rows, from)) {
    place(r)
    const amount = monthlyAmount(r, from)
    if (amount === 0) continue
    const mine = current.get(r.customer_id) ?? new Map<string, number>()
    mine.set(r.currency, (mine.get(r.currency) ?? 0) + amount)
    current.set(r.customer_id, mine)
  }
  const earned = customersEarningBefore(rows, from)
  for (const change of changesBetween(rows, from, to)) {
    if (change.row) place(change.row)
    const { customer, at } = change
    const now = new Map<string, number>()
    for (const r of subsOf.get(customer)?.values() ?? []) {
      now.set(r.currency, (now.get(r.currency) ?? 0) + monthlyAmount(r, at))
    }
    const mine = current.get(customer) ?? new Map<string, number>()
    for (const currency of new Set([...now.keys(), ...mine.keys()])) {
      const key = `${customer}|${currency}`
      const before = mine.get(currency) ?? 0
      const after = now.get(currency) ?? 0
      classify(out, currency, before, after, earned.has(key))
      if (after > 0) earned.add(key)
      if (after === 0) mine.delete(currency)
      else mine.set(currency, after)
    }
    current.set(customer, mine)
  }
  return out
}

/** One customer's move in one currency, into the movement it is (docs/metrics.md). */
export function classify(
  out: Movements,
  currency: string,
  before: number,
  after: number,
  earnedBefore: boolean,
): void {
  if (before === 0 && after > 0) add(earnedBefore ? out.reactivation : out.new, currency, after)
  else if (before > 0 && after === 0) add(out.churned, currency, before)
  else if (after > before) add(out.expansion, currency, after - before)
  else if (before > after) add(out.contraction, currency, before - after)
}

type Change = { at: string; customer: string; row?: LedgerRow }

/** Ledger rows in (from, to], and the ends of repeating discounts there, in time order. */
function changesBetween(rows: readonly LedgerRow[], from: string, to: string): Change[] {
  const changes: Change[] = []
  for (const row of rows) {
    if (row.effective_at > from && row.effective_at <= to) {
      changes.push({ at: row.effective_at, customer: row.customer_id, row })
    }
    const end = row.discount_ends_at
    if (end !== null && end > from && end <= to && end > row.effective_at) {
      changes.push({ at: end, customer: row.customer_id })
    }
  }
  // Stable: rows keep their ledger order at equal times; a discount end counts after them.
  return changes.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0))
}

/** `customer|currency` keys that earned MRR at any moment up to `at` (each row's own start). */
function customersEarningBefore(rows: readonly LedgerRow[], at: string): Set<string> {
  const out = new Set<string>()
  for (const row of rows) {
    if (row.effective_at > at) break
    if (monthlyAmount(row, row.effective_at) > 0) out.add(`${row.customer_id}|${row.currency}`)
  }
  return out
}

export type TrialOutcome = { ended: number; converted: number }

/** Trials that ended in [from, to): how many, and how many turned into a paying subscription. */
export function trialOutcomes(rows: readonly LedgerRow[], from: string, to: string): TrialOutcome {
  const wasTrialing = new Set<string>()
  const result: TrialOutcome = { ended: 0, converted: 0 }
  for (const row of rows) {
    const id = row.stripe_subscription_id
    if (row.status === 'trialing') {
      wasTrialing.add(id)
      continue
    }
    if (!wasTrialing.has(id)) continue
    wasTrialing.delete(id)
    if (row.effective_at < from || row.effective_at >= to) continue
    result.ended += 1
    if (EARNING.has(row.status)) result.converted += 1
  }
  return result
}

export function add(target: PerCurrency, currency: string, amount: number): void {
  if (amount === 0) return
  target[currency] = (target[currency] ?? 0) + amount
}

function dropZeros(values: PerCurrency): PerCurrency {
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== 0))
}
