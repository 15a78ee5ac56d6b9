/**
 * The metrics of every bucket of a chart in one pass over the subscription ledger. Asking
 * `mrrAt`, `countsAt` and `movementsBetween` (mrr.ts) per bucket walks the whole ledger several
 * times per bucket, which for a year of daily buckets over a large ledger took minutes. This sweep
 * replays the ledger once, in time order, keeping each customer's MRR and the counts as it goes,
 * and reads them off at each boundary. It also keeps what the report's own figures need over the
 * whole range (MRR and the paying customers at its start and end, the range's movements), so a
 * report reads the ledger once, and only the slice of it the range needs (ledger-slice.ts): the
 * state at the range's start comes summed up per price, and only the customers that change are
 * replayed. It gives exactly what the per-bucket functions give (a property test holds it to that,
 * and another holds the slice read from each database to the slice of the whole ledger), so
 * docs/metrics.md describes both.
 * @module
 */
import { isLive, type LedgerSlice, rowOfSignature, sliceLedger } from './ledger-slice.js'
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

/** The paying side of the ledger at one moment. */
export type SweptMoment = {
  /** MRR per currency (as `mrrAt`). */
  mrr: PerCurrency
  /** How many customers have MRR in any currency (`customerMrrAt`'s keys, without the currency). */
  payingCustomers: number
  /** Per currency, how many customers have MRR in it. */
  customersPerCurrency: Record<string, number>
} & StatusCounts

export type SweptRange = {
  buckets: SweptBucket[]
  /** At the first boundary. */
  start: SweptMoment
  /** At the last boundary. */
  end: SweptMoment
  /** Movements in (first boundary, last boundary], as one `movementsBetween` over the range. */
  movements: Movements
  /** Customers paying at the first boundary and not at the last. */
  churnedCustomers: number
}

type Change = { at: string; customer: string; row?: LedgerRow }

/**
 * For boundaries b0 < b1 < … < bn (ISO instants), bucket i covers (b_i, b_{i+1}]: its movements
 * happen there, and its MRR and counts are those at b_{i+1}. Rows must be sorted by effective_at
 * (as the ledger is read), and a subscription keeps its customer (Stripe's never change).
 */
export function sweepLedger(rows: readonly LedgerRow[], boundaries: readonly string[]): SweptBucket[] {
  return sweepRange(rows, boundaries).buckets
}

/** The buckets as `sweepLedger` gives them, and the whole range's figures from the same pass. */
export function sweepRange(rows: readonly LedgerRow[], boundaries: readonly string[]): SweptRange {
  const first = boundaries[0]
  if (first === undefined) return sweepSlice({ at: '', groups: [], history: [], changes: [] }, [])
  return sweepSlice(sliceLedger(rows, first, boundaries.at(-1) as string), boundaries)
}

/** `sweepRange` over the slice of the ledger the range needs (`slice.at` is the first boundary). */
export function sweepSlice(slice: LedgerSlice, boundaries: readonly string[]): SweptRange {
  const state = new SweepState()
  const buckets: SweptBucket[] = []
  const movements = noMovements()
  if (boundaries[0] === undefined)
    return { buckets, start: state.moment(), end: state.moment(), movements, churnedCustomers: 0 }
  // The state at the first boundary is read once there; nothing is classified before it.
  state.begin(slice)
  const start = state.moment()
  const changes = changesAfter(slice.changes, slice.at)
  let next = 0
  for (let i = 1; i < boundaries.length; i++) {
    const end = boundaries[i] as string
    const inBucket = noMovements()
    state.startBucket()
    while (next < changes.length && (changes[next] as Change).at <= end) {
      state.apply(changes[next++] as Change, { bucket: inBucket, range: movements })
    }
    buckets.push({ mrr: state.mrr(), movements: inBucket, ...state.counts() })
  }
  return { buckets, start, end: state.moment(), movements, churnedCustomers: state.churned() }
}

function noMovements(): Movements {
  return { new: {}, expansion: {}, contraction: {}, churned: {}, reactivation: {} }
}

/**
 * The slice's rows after `after`, and the ends of repeating discounts after `after`, in time order
 * (at equal times, in the order of the rows they come from, a row before its own discount's end).
 */
function changesAfter(rows: readonly LedgerRow[], after: string): Change[] {
  const changes: Change[] = []
  for (const row of rows) {
    if (row.effective_at > after) changes.push({ at: row.effective_at, customer: row.customer_id, row })
    const end = row.discount_ends_at
    if (end !== null && end > row.effective_at && end > after)
      changes.push({ at: end, customer: row.customer_id })
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
  /** Keys that earned during the current bucket, and since the first boundary. */
  private earnedInBucket = new Set<string>()
  private readonly earnedInRange = new Set<string>()
  private readonly earningSubsOf = new Map<string, number>()
  private activeSubscribers = 0
  private trialing = 0
  /** Customers with MRR, in all and per currency, kept as MRR changes. */
  private payingCustomers = 0
  private readonly customersPerCurrency: Record<string, number> = {}
  /** Customers changed within the range, and whether they were paying at its start. */
  private readonly payingAtStart = new Map<string, boolean>()

  startBucket(): void {
    this.earnedInBucket = new Set()
  }

  /**
   * The state at the slice's moment: the followed customers' rows replayed (each in force from its
   * time on, and earning at its own start or not), their MRR read at that moment; then the totals
   * of everyone, from the groups and from the followed customers the groups leave out (those with
   * more than one live subscription).
   */
  begin(slice: LedgerSlice): void {
    const { at } = slice
    for (const row of slice.history) {
      const subs = this.subsOf.get(row.customer_id) ?? new Map<string, LedgerRow>()
      subs.set(row.stripe_subscription_id, row)
      this.subsOf.set(row.customer_id, subs)
      if (monthlyAmount(row, row.effective_at) > 0)
        this.earnedByRows.add(`${row.customer_id}|${row.currency}`)
    }
    for (const [customer, subs] of this.subsOf) {
      const mine = new Map<string, number>()
      let earning = 0
      let live = 0
      let trialing = 0
      for (const r of subs.values()) {
        if (EARNING.has(r.status)) earning += 1
        if (isLive(r)) live += 1
        if (r.status === 'trialing') trialing += 1
        const amount = monthlyAmount(r, at)
        if (amount > 0) mine.set(r.currency, (mine.get(r.currency) ?? 0) + amount)
      }
      this.earningSubsOf.set(customer, earning)
      this.customerMrr.set(customer, mine)
      if (live > 1) this.addToTotals({ mrr: mine, earning: earning > 0, trialing, customers: 1 })
    }
    for (const group of slice.groups) {
      const row = rowOfSignature(group, at)
      const amount = monthlyAmount(row, at)
      this.addToTotals({
        mrr: new Map(amount > 0 ? [[row.currency, amount * group.customers]] : []),
        earning: EARNING.has(row.status),
        trialing: row.status === 'trialing' ? group.customers : 0,
        customers: group.customers,
      })
    }
  }

  /** `customers` customers alike: their MRR (summed), whether they earn, their trials. */
  private addToTotals(part: {
    mrr: Map<string, number>
    earning: boolean
    trialing: number
    customers: number
  }): void {
    for (const [currency, amount] of part.mrr) {
      this.total[currency] = (this.total[currency] ?? 0) + amount
      this.customersPerCurrency[currency] = (this.customersPerCurrency[currency] ?? 0) + part.customers
    }
    if (part.mrr.size > 0) this.payingCustomers += part.customers
    if (part.earning) this.activeSubscribers += part.customers
    this.trialing += part.trialing
  }

  apply(change: Change, movements: { bucket: Movements; range: Movements }): void {
    const { customer, at, row } = change
    if (row) this.place(row)
    const now = new Map<string, number>()
    for (const r of this.subsOf.get(customer)?.values() ?? []) {
      now.set(r.currency, (now.get(r.currency) ?? 0) + monthlyAmount(r, at))
    }
    const mine = this.customerMrr.get(customer) ?? new Map<string, number>()
    const wasPaying = mine.size > 0
    if (!this.payingAtStart.has(customer)) this.payingAtStart.set(customer, wasPaying)
    for (const currency of new Set([...now.keys(), ...mine.keys()])) {
      const key = `${customer}|${currency}`
      const before = mine.get(currency) ?? 0
      const after = now.get(currency) ?? 0
      // A key counts as having earned before when a row of it earned at its own start, or when
      // it earned within the window asked about (the bucket, or the whole range): each window is
      // classified as movementsBetween classifies it on its own.
      const byRows = this.earnedByRows.has(key)
      classify(movements.bucket, currency, before, after, byRows || this.earnedInBucket.has(key))
      classify(movements.range, currency, before, after, byRows || this.earnedInRange.has(key))
      if (after > 0) {
        this.earnedInBucket.add(key)
        this.earnedInRange.add(key)
      }
      this.total[currency] = (this.total[currency] ?? 0) + after - before
      if (before === 0 && after > 0) this.countPaying(currency, 1)
      if (before > 0 && after === 0) this.countPaying(currency, -1)
      if (after === 0) mine.delete(currency)
      else mine.set(currency, after)
    }
    if (!wasPaying && mine.size > 0) this.payingCustomers += 1
    if (wasPaying && mine.size === 0) this.payingCustomers -= 1
    this.customerMrr.set(customer, mine)
    if (row && monthlyAmount(row, row.effective_at) > 0) this.earnedByRows.add(`${customer}|${row.currency}`)
  }

  mrr(): PerCurrency {
    return Object.fromEntries(Object.entries(this.total).filter(([, v]) => v !== 0))
  }

  moment(): SweptMoment {
    const customersPerCurrency = Object.fromEntries(
      Object.entries(this.customersPerCurrency).filter(([, n]) => n > 0),
    )
    return { mrr: this.mrr(), payingCustomers: this.payingCustomers, customersPerCurrency, ...this.counts() }
  }

  /** Customers paying at the range's start who pay nothing now (only those changed can be). */
  churned(): number {
    let churned = 0
    for (const [customer, was] of this.payingAtStart)
      if (was && (this.customerMrr.get(customer)?.size ?? 0) === 0) churned += 1
    return churned
  }

  private countPaying(currency: string, sign: 1 | -1): void {
    this.customersPerCurrency[currency] = (this.customersPerCurrency[currency] ?? 0) + sign
  }

  counts(): StatusCounts {
    return { activeSubscribers: this.activeSubscribers, trialing: this.trialing }
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
      const before = this.earningSubsOf.get(row.customer_id) ?? 0
      this.earningSubsOf.set(row.customer_id, before + sign)
      if (before === 0 && sign === 1) this.activeSubscribers += 1
      if (before === 1 && sign === -1) this.activeSubscribers -= 1
    }
  }
}
