import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { sweepLedger } from './ledger-sweep.js'
import { countsAt, type LedgerRow, movementsBetween, mrrAt } from './mrr.js'

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
