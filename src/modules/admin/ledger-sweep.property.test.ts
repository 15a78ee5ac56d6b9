import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase, DIALECTS, type TestDatabase } from '../../../test/dialects.js'
import { migrateToLatest } from '../../db/migrate.js'
import { readLedgerSlice, sliceLedger } from './ledger-slice.js'
import { type SweptMoment, sweepLedger, sweepRange, sweepSlice } from './ledger-sweep.js'
import { countsAt, customerMrrAt, type LedgerRow, movementsBetween, mrrAt, trialOutcomes } from './mrr.js'

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

describe.each(DIALECTS)('the ledger slice read from %s', (dialect) => {
  let database: TestDatabase
  beforeAll(async () => {
    database = await createTestDatabase(dialect)
    await migrateToLatest(database.db)
  }, 60_000)
  afterAll(() => database.close())

  /** The ledger stored with ids in its order, so equal times keep it (as `order by id` reads them). */
  const store = async (ledger: LedgerRow[]): Promise<void> => {
    await database.db.deleteFrom('subscription_history').execute()
    if (ledger.length === 0) return
    await database.db
      .insertInto('subscription_history')
      .values(
        ledger.map((row, i) => ({
          ...row,
          id: `sh_${String(i).padStart(4, '0')}`,
          price_lookup_key: null,
          source: 'sync' as const,
          recorded_at: row.effective_at,
        })),
      )
      .execute()
  }

  /** Rows of each customer in order: what the sweep and trial counts read of `history`. */
  const perCustomer = (rows: LedgerRow[]): Record<string, LedgerRow[]> => {
    const out: Record<string, LedgerRow[]> = {}
    for (const row of rows) out[row.customer_id] = [...(out[row.customer_id] ?? []), row]
    return out
  }
  const sortedGroups = <T>(groups: T[]): string[] => groups.map((g) => JSON.stringify(g)).sort()

  it("is the slice of the whole ledger, and sweeps to the whole ledger's figures", async () => {
    await fc.assert(
      fc.asyncProperty(ledgerArb, boundariesArb, async (ledger, boundaries) => {
        await store(ledger)
        const at = boundaries[0] as string
        const until = boundaries.at(-1) as string
        const read = await readLedgerSlice(database.db, at, until)
        const inMemory = sliceLedger(ledger, at, until)
        expect(sortedGroups(read.groups)).toEqual(sortedGroups(inMemory.groups))
        expect(perCustomer(read.history)).toEqual(perCustomer(inMemory.history))
        expect(read.changes).toEqual(inMemory.changes)
        expect(sweepSlice(read, boundaries)).toEqual(sweepRange(ledger, boundaries))
        // The trial counts the report takes from the slice are those of the whole ledger.
        const inRange = read.changes.filter((r) => r.effective_at > at)
        const ahead = new Date(Date.parse(at) + 1).toISOString()
        const after = new Date(Date.parse(until) + 1).toISOString()
        expect(trialOutcomes([...read.history, ...inRange], ahead, after)).toEqual(
          trialOutcomes(ledger, ahead, after),
        )
      }),
      { numRuns: 60, seed: 1211 },
    )
  }, 120_000)

  it('takes, of two rows of one subscription at the same moment, the later in ledger order', async () => {
    const base = {
      stripe_subscription_id: 'sub_tie',
      customer_id: 'cus_tie',
      effective_at: day(1),
      currency: 'usd',
      amount: 1000,
      interval: 'month',
      interval_count: 1,
      discount_percent_bp: null,
      discount_amount_off: null,
      discount_ends_at: null,
    } as const
    // Two customers with two live subscriptions each (followed one by one) besides the tie.
    const twoEach = ['cus_x', 'cus_y'].flatMap((customer) =>
      ['1', '2'].map((n) => ({
        ...base,
        stripe_subscription_id: `sub_${customer}_${n}`,
        customer_id: customer,
      })),
    )
    const ledger: LedgerRow[] = [
      { ...base, status: 'active' },
      { ...base, status: 'canceled' },
      ...twoEach.map((r) => ({ ...r, status: 'active' })),
    ]
    await store(ledger)
    const boundaries = [day(2), day(5)]
    const swept = sweepSlice(await readLedgerSlice(database.db, day(2), day(5)), boundaries)
    expect(swept.start.mrr).toEqual({ usd: 4000 })
    expect(swept.start.payingCustomers).toBe(2)
    expect(swept).toEqual(sweepRange(ledger, boundaries))
  })
})
