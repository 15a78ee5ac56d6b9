/**
 * The metrics of every bucket of a chart in one pass over the subscription ledger. Asking
 * `mrrAt`, `countsAt` and `movementsBetween` (mrr.ts) per bucket walks the whole ledger several
 * times per bucket, which for a year of daily buckets over a large ledger took minutes. This sweep
 * replays the ledger once, in time order, keeping each customer's MRR and the counts as it goes,
 * and reads them off at each boundary. It gives exactly what the per-bucket functions give (a
 * property test holds it to that), so docs/metrics.md describes both.
 * @module
 */
import {
  classify,
  EARNING,
  type LedgerRow,
  type Movements,
  monthlyAmount,
  type PerCurrency,
  type StatusCounts,
} from './mrr.js'

export type SweptBucket = {
  /** MRR at the bucket's last moment. */
  mrr: PerCurrency
  /** Movements in (previous boundary, this boundary]. */
  movements: Movements
} & StatusCounts

type Change = { at: string; customer: string; row?: LedgerRow }

/**
 * For boundaries b0 < b1 < … < bn (ISO instants), bucket i covers (b_i, b_{i+1}]: its movements
 * happen there, and its MRR and counts are those at b_{i+1}. Rows must be sorted by effective_at
 * (as the ledger is read), and a subscription keeps its customer (Stripe's never change).
 */
export function sweepLedger(rows: readonly LedgerRow[], boundaries: readonly string[]): SweptBucket[] {
  const state = new SweepState()
  const out: SweptBucket[] = []
  const changes = changesOf(rows)
  let next = 0
  const first = boundaries[0]
  if (first === undefined) return out
  // Everything up to the first boundary builds the state; nothing is classified there.
  while (next < changes.length && (changes[next] as Change).at <= first)
    state.apply(changes[next++] as Change, null)
  for (let i = 1; i < boundaries.length; i++) {
    const end = boundaries[i] as string
    const movements: Movements = { new: {}, expansion: {}, contraction: {}, churned: {}, reactivation: {} }
    state.startBucket()
    while (next < changes.length && (changes[next] as Change).at <= end) {
      state.apply(changes[next++] as Change, movements)
    }
    out.push({ mrr: state.mrr(), movements, ...state.counts() })
  }
  return out
}

/** Ledger rows and the ends of repeating discounts, in time order (rows first at equal times). */
function changesOf(rows: readonly LedgerRow[]): Change[] {
  const changes: Change[] = []
  for (const row of rows) {
    changes.push({ at: row.effective_at, customer: row.customer_id, row })
    const end = row.discount_ends_at
    if (end !== null && end > row.effective_at) changes.push({ at: end, customer: row.customer_id })
  }
  // Stable, and nearly sorted already (the ledger is): cheap.
  return changes.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0))
}

class SweepState {
  /** Each subscription's row in force, per customer. */
  private readonly subsOf = new Map<string, Map<string, LedgerRow>>()
  /** Each customer's MRR per currency, as of their latest change. */
  private readonly customerMrr = new Map<string, Map<string, number>>()
  private readonly total: PerCurrency = {}
  /** `customer|currency` keys whose ledger rows earned at their own start (mrr.ts's rule). */
  private readonly earnedByRows = new Set<string>()
  /** Keys that earned during the current bucket. */
  private earnedInBucket = new Set<string>()
  private readonly earningSubsOf = new Map<string, number>()
  private trialing = 0

  startBucket(): void {
    this.earnedInBucket = new Set()
  }

  apply(change: Change, movements: Movements | null): void {
    const { customer, at, row } = change
    if (row) this.place(row)
    const now = new Map<string, number>()
    for (const r of this.subsOf.get(customer)?.values() ?? []) {
      now.set(r.currency, (now.get(r.currency) ?? 0) + monthlyAmount(r, at))
    }
    const mine = this.customerMrr.get(customer) ?? new Map<string, number>()
    for (const currency of new Set([...now.keys(), ...mine.keys()])) {
      const key = `${customer}|${currency}`
      const before = mine.get(currency) ?? 0
      const after = now.get(currency) ?? 0
      if (movements) {
        const earned = this.earnedByRows.has(key) || this.earnedInBucket.has(key)
        classify(movements, currency, before, after, earned)
        if (after > 0) this.earnedInBucket.add(key)
      }
      this.total[currency] = (this.total[currency] ?? 0) + after - before
      if (after === 0) mine.delete(currency)
      else mine.set(currency, after)
    }
    this.customerMrr.set(customer, mine)
    if (row && monthlyAmount(row, row.effective_at) > 0) this.earnedByRows.add(`${customer}|${row.currency}`)
  }

  mrr(): PerCurrency {
    return Object.fromEntries(Object.entries(this.total).filter(([, v]) => v !== 0))
  }

  counts(): StatusCounts {
    let activeSubscribers = 0
    for (const n of this.earningSubsOf.values()) if (n > 0) activeSubscribers += 1
    return { activeSubscribers, trialing: this.trialing }
  }

  private place(row: LedgerRow): void {
    const subs = this.subsOf.get(row.customer_id) ?? new Map<string, LedgerRow>()
    const previous = subs.get(row.stripe_subscription_id)
    if (previous) this.count(previous, -1)
    subs.set(row.stripe_subscription_id, row)
    this.subsOf.set(row.customer_id, subs)
    this.count(row, 1)
  }

  private count(row: LedgerRow, sign: 1 | -1): void {
    if (row.status === 'trialing') this.trialing += sign
    if (EARNING.has(row.status)) {
      this.earningSubsOf.set(row.customer_id, (this.earningSubsOf.get(row.customer_id) ?? 0) + sign)
    }
  }
}
