import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { type SweptMoment, sweepLedger, sweepRange } from './ledger-sweep.js'
import { countsAt, customerMrrAt, type LedgerRow, movementsBetween, mrrAt } from './mrr.js'

const day = (n: number, minute = 0): string => new Date(Date.UTC(2026, 0, 1 + n, 12, minute)).toISOString()

/** A random ledger: a few customers, each subscription fixed to one customer and one currency. */
const ledgerArb: fc.Arbitrary<LedgerRow[]> = fc
  .array(
    fc.record({
      sub: fc.integer({ min: 0, max: 7 }),
      day: fc.integer({ min: 0, max: 40 }),
      minute: fc.integer({ min: 0, max: 2 }),
      status: fc.constantFrom('active', 'past_due', 'trialing', 'canceled', 'incomplete', 'paused'),
      amount: fc.integer({ min: 0, max: 50_000 }),
      interval: fc.constantFrom('day', 'week', 'month', 'year') as fc.Arbitrary<LedgerRow['interval']>,
      intervalCount: fc.integer({ min: 1, max: 3 }),
      percent: fc.option(fc.integer({ min: 0, max: 10_000 })),
      amountOff: fc.option(fc.integer({ min: 0, max: 20_000 })),
      discountDays: fc.option(fc.integer({ min: 0, max: 30 })),
    }),
    { maxLength: 40 },
  )
  .map((drafts) =>
    drafts
      .map(
        (d): LedgerRow => ({
          stripe_subscription_id: `sub_${d.sub}`,
          customer_id: `cus_${d.sub % 4}`,
          effective_at: day(d.day, d.minute),
          status: d.status,
          currency: d.sub % 3 === 0 ? 'eur' : 'usd',
          amount: d.amount,
          interval: d.interval,
          interval_count: d.intervalCount,
          discount_percent_bp: d.percent,
          discount_amount_off: d.amountOff,
          discount_ends_at: d.discountDays === null ? null : day(d.day + d.discountDays, d.minute + 1),
        }),
      )
      // The ledger is read in effective_at order (stable for equal times).
      .sort((a, b) => (a.effective_at < b.effective_at ? -1 : a.effective_at > b.effective_at ? 1 : 0)),
  )

/** Boundaries like the metrics report's: one millisecond before each bucket's start. */
const boundariesArb = fc
  .uniqueArray(fc.integer({ min: -2, max: 45 }), { minLength: 1, maxLength: 12 })
  .map((days) => days.sort((a, b) => a - b).map((n) => new Date(Date.UTC(2026, 0, 1 + n) - 1).toISOString()))

describe('the ledger sweep', () => {
  it('gives each bucket exactly the MRR, counts and movements the per-bucket functions give', () => {
    fc.assert(
      fc.property(ledgerArb, boundariesArb, (ledger, boundaries) => {
        const swept = sweepLedger(ledger, boundaries)
        expect(swept).toHaveLength(boundaries.length - 1)
        swept.forEach((bucket, i) => {
          const from = boundaries[i] as string
          const to = boundaries[i + 1] as string
          expect(bucket.mrr).toEqual(mrrAt(ledger, to))
          expect({ activeSubscribers: bucket.activeSubscribers, trialing: bucket.trialing }).toEqual(
            countsAt(ledger, to),
          )
          expect(bucket.movements).toEqual(movementsBetween(ledger, from, to))
        })
      }),
      { numRuns: 400 },
    )
  })

  it('gives the whole range the MRR, paying customers and movements the per-range functions give', () => {
    /** What the report reads at one moment, from the per-moment functions. */
    const momentOf = (ledger: LedgerRow[], at: string): SweptMoment => {
      const keys = [...customerMrrAt(ledger, at).keys()]
      const customersPerCurrency: Record<string, number> = {}
      for (const key of keys) {
        const currency = key.slice(key.lastIndexOf('|') + 1)
        customersPerCurrency[currency] = (customersPerCurrency[currency] ?? 0) + 1
      }
      return {
        mrr: mrrAt(ledger, at),
        payingCustomers: new Set(keys.map((k) => k.slice(0, k.lastIndexOf('|')))).size,
        customersPerCurrency,
        ...countsAt(ledger, at),
      }
    }
    fc.assert(
      fc.property(ledgerArb, boundariesArb, (ledger, boundaries) => {
        const swept = sweepRange(ledger, boundaries)
        const first = boundaries[0] as string
        const last = boundaries.at(-1) as string
        expect(swept.buckets).toEqual(sweepLedger(ledger, boundaries))
        expect(swept.start).toEqual(momentOf(ledger, first))
        expect(swept.end).toEqual(momentOf(ledger, last))
        expect(swept.movements).toEqual(movementsBetween(ledger, first, last))
        const payingAt = (at: string): Set<string> =>
          new Set([...customerMrrAt(ledger, at).keys()].map((k) => k.slice(0, k.lastIndexOf('|'))))
        const after = payingAt(last)
        expect(swept.churnedCustomers).toBe([...payingAt(first)].filter((c) => !after.has(c)).length)
      }),
      { numRuns: 400 },
    )
  })

  it('counts a return as reactivation over the range when the first MRR came from a discount ending', () => {
    // Free (100 % off) until day 3, so the first row never earned at its own start; it earns from
    // day 3, cancels on day 5 and comes back on day 8, each in a bucket of its own.
    const base = {
      stripe_subscription_id: 'sub_a',
      customer_id: 'cus_a',
      currency: 'usd',
      amount: 1000,
      interval: 'month',
      interval_count: 1,
      discount_amount_off: null,
    } as const
    const ledger: LedgerRow[] = [
      {
        ...base,
        effective_at: day(1),
        status: 'active',
        discount_percent_bp: 10_000,
        discount_ends_at: day(3),
      },
      {
        ...base,
        effective_at: day(5),
        status: 'canceled',
        discount_percent_bp: null,
        discount_ends_at: null,
      },
      { ...base, effective_at: day(8), status: 'active', discount_percent_bp: null, discount_ends_at: null },
    ]
    const boundaries = [day(0), day(4), day(6), day(9)]
    const swept = sweepRange(ledger, boundaries)
    expect(swept.buckets[2]?.movements.new).toEqual({ usd: 1000 })
    expect(swept.movements.reactivation).toEqual({ usd: 1000 })
    expect(swept.movements).toEqual(movementsBetween(ledger, day(0), day(9)))
  })

  it('reads nothing from an empty ledger', () => {
    const swept = sweepLedger([], [day(0), day(1)])
    expect(swept).toEqual([
      {
        mrr: {},
        movements: { new: {}, expansion: {}, contraction: {}, churned: {}, reactivation: {} },
        activeSubscribers: 0,
        trialing: 0,
      },
    ])
  })
})
