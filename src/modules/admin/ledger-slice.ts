/**
 * The part of the subscription ledger a report over (at, until] needs, instead of the whole of it:
 * the state at `at` summed up per price for the customers nothing happens to one by one, the whole
 * history of the customers the report follows (those with a change in the range, and those with
 * more than one live subscription at `at`), and the changes themselves. A year of ledger for tens
 * of thousands of subscriptions is mostly the first kind; SQL sums it (billing's
 * `summarizeLedgerAt`), and `sliceLedger` does the same in memory, so the sweep gives the same
 * figures either way (a property test on all three databases holds the two together).
 * @module
 */
import type { Executor } from '../../db/database.js'
import {
  type LedgerSignature,
  listLedgerChanges,
  listLedgerOfChangedCustomers,
  summarizeLedgerAt,
} from '../billing/index.js'
import { EARNING, type LedgerRow } from './mrr.js'

export type SignatureCount = LedgerSignature & { customers: number }

export type LedgerSlice = {
  /** The moment the report's range starts after (its first boundary). */
  at: string
  /** Customers with exactly one live (earning or trialing) subscription at `at`, per signature. */
  groups: SignatureCount[]
  /** Every row up to `at` of the customers followed one by one, in ledger order per customer. */
  history: LedgerRow[]
  /** Rows in (at, until], and earlier rows whose repeating discount ends there, in ledger order. */
  changes: LedgerRow[]
}

const LIVE: ReadonlySet<string> = new Set([...EARNING, 'trialing'])

/** A subscription counted at a moment: earning MRR or in a trial. */
export function isLive(row: Pick<LedgerRow, 'status'>): boolean {
  return LIVE.has(row.status)
}

/** The slice for (at, until] read from the database: three reads, none of them the whole ledger. */
export async function readLedgerSlice(db: Executor, at: string, until: string): Promise<LedgerSlice> {
  const [summary, changes] = await Promise.all([summarizeLedgerAt(db, at), listLedgerChanges(db, at, until)])
  const history = await listLedgerOfChangedCustomers(db, { afterIso: at, untilIso: until }, summary.multi)
  return { at, groups: summary.groups, history, changes }
}

/** The same slice from a whole ledger in memory (sorted by effective_at, as it is read). */
export function sliceLedger(rows: readonly LedgerRow[], at: string, until: string): LedgerSlice {
  const latest = new Map<string, LedgerRow>()
  const changes: LedgerRow[] = []
  for (const row of rows) {
    const end = row.discount_ends_at
    if (row.effective_at <= at) {
      latest.set(row.stripe_subscription_id, row)
      if (end !== null && end > at && end <= until && end > row.effective_at) changes.push(row)
    } else if (row.effective_at <= until) changes.push(row)
  }
  const liveOf = new Map<string, LedgerRow[]>()
  for (const row of latest.values()) {
    if (!isLive(row)) continue
    liveOf.set(row.customer_id, [...(liveOf.get(row.customer_id) ?? []), row])
  }
  const followed = new Set(changes.map((r) => r.customer_id))
  const groups = new Map<string, SignatureCount>()
  for (const [customer, live] of liveOf) {
    if (live.length > 1) {
      followed.add(customer)
      continue
    }
    const signature = signatureAt(live[0] as LedgerRow, at)
    const key = JSON.stringify(signature)
    const group = groups.get(key) ?? { ...signature, customers: 0 }
    group.customers += 1
    groups.set(key, group)
  }
  const history = rows.filter((r) => r.effective_at <= at && followed.has(r.customer_id))
  return { at, groups: [...groups.values()], history, changes }
}

function signatureAt(row: LedgerRow, at: string): LedgerSignature {
  return {
    status: row.status,
    currency: row.currency,
    amount: row.amount,
    interval: row.interval,
    interval_count: row.interval_count,
    discount_percent_bp: row.discount_percent_bp,
    discount_amount_off: row.discount_amount_off,
    discountLive: row.discount_ends_at === null || row.discount_ends_at > at,
  }
}

/** A ledger row with a signature's figures at `at` (its discount running or already ended). */
export function rowOfSignature(signature: LedgerSignature, at: string): LedgerRow {
  const { discountLive, ...figures } = signature
  return {
    ...figures,
    stripe_subscription_id: '',
    customer_id: '',
    effective_at: at,
    discount_ends_at: discountLive ? null : at,
  }
}
