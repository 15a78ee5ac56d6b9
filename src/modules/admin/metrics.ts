/**
 * The metrics report for a date range and interval: MRR and its movements from the subscription
 * ledger (mrr.ts), revenue from orders and paid invoices, conversions from trials and checkouts.
 * Every definition is in docs/metrics.md. Money is integer minor units per currency.
 * @module
 */
import type { Executor } from '../../db/database.js'
import { roundDiv } from '../../lib/money.js'
import { sumInvoiceRefundsByDay, sumPaidInvoicesByDay } from '../billing/index.js'
import { countCheckoutsBetween } from '../checkout/index.js'
import { sumOrdersByDay, sumRefundsByDay } from '../orders/index.js'
import { readLedgerSlice } from './ledger-slice.js'
import { type SweptBucket, type SweptMoment, type SweptRange, sweepSlice } from './ledger-sweep.js'
import { add, type Movements, type PerCurrency, trialOutcomes } from './mrr.js'

export const INTERVALS = ['day', 'week', 'month'] as const
export type Interval = (typeof INTERVALS)[number]

/** `from` and `to` are UTC midnights; `to` is exclusive (the report covers [from, to)). */
export type MetricsQuery = { from: Date; to: Date; interval: Interval }

export type Bucket = {
  start: string
  end: string
  /** MRR at the bucket's last moment. */
  mrr: PerCurrency
  movements: Movements
  gross: PerCurrency
  refunds: PerCurrency
  activeSubscribers: number
  trialing: number
}

export type Ratio = { numerator: number; denominator: number; rate: number }

export type OneTimeSale = { productId: string; currency: string; count: number; amount: number }

export type MetricsReport = {
  from: string
  to: string
  interval: Interval
  mrr: PerCurrency
  arr: PerCurrency
  activeSubscribers: number
  trialing: number
  movements: Movements
  subscriberChurn: Ratio
  /** Per currency: (churned + contraction MRR) ÷ MRR at the start. */
  revenueChurn: Record<string, Ratio>
  trialConversion: Ratio
  checkoutConversion: Ratio
  revenue: { gross: PerCurrency; refunds: PerCurrency; net: PerCurrency }
  oneTimeSales: OneTimeSale[]
  arpu: PerCurrency
  series: Bucket[]
}

export async function buildMetricsReport(db: Executor, query: MetricsQuery): Promise<MetricsReport> {
  const fromIso = query.from.toISOString()
  const toIso = query.to.toISOString()
  // One pass over the ledger gives the chart's buckets and the range's own figures: the range
  // starts at the first bucket's start and ends at the last bucket's end. Only the slice of the
  // ledger the range needs is read (ledger-slice.ts).
  const ranges = buckets(query)
  const boundaries = [lastMomentBefore(query.from), ...ranges.map(([, end]) => lastMomentBefore(end))]
  const [slice, orders, orderRefunds, invoiceRefunds, invoices, checkouts] = await Promise.all([
    readLedgerSlice(db, boundaries[0] as string, boundaries.at(-1) as string),
    sumOrdersByDay(db, fromIso, toIso),
    sumRefundsByDay(db, fromIso, toIso),
    sumInvoiceRefundsByDay(db, fromIso, toIso),
    sumPaidInvoicesByDay(db, fromIso, toIso),
    countCheckoutsBetween(db, fromIso, toIso),
  ])
  const refunds = [...orderRefunds, ...invoiceRefunds]
  const swept = sweepSlice(slice, boundaries)
  const { mrr } = swept.end
  const gross: PerCurrency = {}
  for (const o of orders) add(gross, o.currency, o.amount)
  for (const i of invoices) add(gross, i.currency, i.amount)
  const refunded: PerCurrency = {}
  for (const r of refunds) add(refunded, r.currency, r.amount)
  // A trial ends in the range with a row there; whether one ran is in the row before it, which is
  // in the history of a followed customer (every customer with a row in the range is followed).
  const inRange = slice.changes.filter((r) => r.effective_at > slice.at)
  const trials = trialOutcomes([...slice.history, ...inRange], fromIso, toIso)
  return {
    from: fromIso,
    to: toIso,
    interval: query.interval,
    mrr,
    arr: mapValues(mrr, (v) => v * 12),
    activeSubscribers: swept.end.activeSubscribers,
    trialing: swept.end.trialing,
    movements: swept.movements,
    subscriberChurn: subscriberChurn(swept),
    revenueChurn: revenueChurn(swept.start.mrr, swept.movements),
    trialConversion: ratio(trials.converted, trials.ended),
    checkoutConversion: ratio(checkouts.completed, checkouts.created),
    revenue: { gross, refunds: refunded, net: subtract(gross, refunded) },
    oneTimeSales: oneTimeSales(orders),
    arpu: arpu(swept.end),
    series: seriesOf(swept, ranges, { orders, invoices, refunds }),
  }
}

/** Net revenue (gross − refunds) of the report's last bucket: "today" when it is by day up to today. */
export function lastBucketNet(report: MetricsReport): PerCurrency {
  const last = report.series.at(-1)
  return last ? subtract(last.gross, last.refunds) : {}
}

type DaySums = {
  orders: { day: string; currency: string; amount: number }[]
  invoices: { day: string; currency: string; amount: number }[]
  refunds: { day: string; currency: string; amount: number }[]
}

/** The chart's buckets: the ledger's figures from the sweep, the day sums added up per bucket. */
function seriesOf(swept: SweptRange, ranges: [Date, Date][], sums: DaySums): Bucket[] {
  return ranges.map(([start, end], i) => {
    const startIso = start.toISOString()
    const endIso = end.toISOString()
    const inBucket = (day: string): boolean => day >= startIso.slice(0, 10) && day < endIso.slice(0, 10)
    const gross: PerCurrency = {}
    for (const row of [...sums.orders, ...sums.invoices])
      if (inBucket(row.day)) add(gross, row.currency, row.amount)
    const refunds: PerCurrency = {}
    for (const row of sums.refunds) if (inBucket(row.day)) add(refunds, row.currency, row.amount)
    const ledgerFigures = swept.buckets[i] as SweptBucket
    return { start: startIso, end: endIso, gross, refunds, ...ledgerFigures }
  })
}

/** Bucket boundaries: days, ISO weeks (from Monday) or calendar months, clipped to the range. */
export function buckets(query: MetricsQuery): [Date, Date][] {
  const out: [Date, Date][] = []
  let cursor = query.from
  while (cursor < query.to) {
    const next = nextBoundary(cursor, query.interval)
    out.push([cursor, new Date(Math.min(next.getTime(), query.to.getTime()))])
    cursor = next
  }
  return out
}

function nextBoundary(at: Date, interval: Interval): Date {
  const y = at.getUTCFullYear()
  const m = at.getUTCMonth()
  const d = at.getUTCDate()
  if (interval === 'day') return new Date(Date.UTC(y, m, d + 1))
  if (interval === 'month') return new Date(Date.UTC(y, m + 1, 1))
  const daysToMonday = (8 - at.getUTCDay()) % 7 || 7
  return new Date(Date.UTC(y, m, d + daysToMonday))
}

function lastMomentBefore(at: Date): string {
  return new Date(at.getTime() - 1).toISOString()
}

/** Customers paying at the start and no longer at the end, of those paying at the start. */
function subscriberChurn(swept: SweptRange): Ratio {
  return ratio(swept.churnedCustomers, swept.start.payingCustomers)
}

function revenueChurn(startMrr: PerCurrency, movements: Movements): Record<string, Ratio> {
  const out: Record<string, Ratio> = {}
  for (const [currency, base] of Object.entries(startMrr)) {
    const lost = (movements.churned[currency] ?? 0) + (movements.contraction[currency] ?? 0)
    out[currency] = ratio(lost, base)
  }
  return out
}

function arpu(end: SweptMoment): PerCurrency {
  return mapValues(end.mrr, (amount, currency) => roundDiv(amount, end.customersPerCurrency[currency] ?? 1))
}

function oneTimeSales(
  orders: { currency: string; product_id: string; count: number; amount: number }[],
): OneTimeSale[] {
  const byKey = new Map<string, OneTimeSale>()
  for (const o of orders) {
    const key = `${o.product_id}|${o.currency}`
    const sale = byKey.get(key) ?? { productId: o.product_id, currency: o.currency, count: 0, amount: 0 }
    sale.count += o.count
    sale.amount += o.amount
    byKey.set(key, sale)
  }
  return [...byKey.values()].sort((a, b) => b.amount - a.amount || a.productId.localeCompare(b.productId))
}

/** A rate as the console and the command line show it: 0.3333 → "33.33%". */
export function percentText(rate: number): string {
  return `${Math.round(rate * 10_000) / 100}%`
}

/** A rate for display (not money): four decimals, 0 when nothing to divide by. */
export function ratio(numerator: number, denominator: number): Ratio {
  const rate = denominator === 0 ? 0 : Math.round((numerator / denominator) * 10_000) / 10_000
  return { numerator, denominator, rate }
}

function subtract(a: PerCurrency, b: PerCurrency): PerCurrency {
  const out: PerCurrency = { ...a }
  for (const [currency, amount] of Object.entries(b)) out[currency] = (out[currency] ?? 0) - amount
  return out
}

function mapValues(values: PerCurrency, fn: (value: number, currency: string) => number): PerCurrency {
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [k, fn(v, k)]))
}
