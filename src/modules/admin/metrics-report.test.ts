/**
 * The whole metrics report from a fixed store on each database: a ledger with a churn, a trial
 * that converts and one that does not, a yearly downgrade; one-time orders in two currencies with
 * a refund; paid subscription invoices with a refund; checkouts created and completed. Every
 * figure is worked out by hand in the comments (docs/metrics.md has the definitions).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase, DIALECTS, type TestDatabase } from '../../../test/dialects.js'
import { migrateToLatest } from '../../db/migrate.js'
import { buildMetricsReport } from './metrics.js'
import { parseRange } from './range.js'

const at = (day: string): string => `2026-${day}T12:00:00.000Z`

describe.each(DIALECTS)('the metrics report from a fixed store on %s', (dialect) => {
  let database: TestDatabase
  beforeAll(async () => {
    database = await createTestDatabase(dialect)
    const { db } = database
    await migrateToLatest(db)
    await db
      .insertInto('customers')
      .values(
        ['a', 'b', 'c', 'd', 'e'].map((x) => ({
          id: `cu_${x}`,
          email: `${x}@example.com`,
          created_at: at('01-01'),
        })),
      )
      .execute()
    const plan = {
      price_lookup_key: null,
      currency: 'usd',
      interval: 'month' as const,
      interval_count: 1,
      discount_percent_bp: null,
      discount_amount_off: null,
      discount_ends_at: null,
      source: 'sync' as const,
    }
    const ledger = [
      // a: $10/month throughout.
      { sub: 'a', day: '01-10', status: 'active', amount: 1000 },
      // b: $20/month, canceled in March: churned $20, and b is the churned subscriber.
      { sub: 'b', day: '01-15', status: 'active', amount: 2000 },
      { sub: 'b', day: '03-10', status: 'canceled', amount: 2000 },
      // c: a trial in euros that converts in March: new €12.
      { sub: 'c', day: '02-20', status: 'trialing', amount: 1200, currency: 'eur' },
      { sub: 'c', day: '03-05', status: 'active', amount: 1200, currency: 'eur' },
      // d: a trial that ends canceled in March.
      { sub: 'd', day: '02-25', status: 'trialing', amount: 1000 },
      { sub: 'd', day: '03-08', status: 'canceled', amount: 1000 },
      // e: $120/year ($10/month), down to $60/year in March: contraction $5.
      { sub: 'e', day: '01-05', status: 'active', amount: 12_000, interval: 'year' as const },
      { sub: 'e', day: '03-15', status: 'active', amount: 6000, interval: 'year' as const },
    ]
    await db
      .insertInto('subscription_history')
      .values(
        ledger.map((r, i) => ({
          ...plan,
          id: `sh_${String(i).padStart(2, '0')}`,
          stripe_subscription_id: `sub_${r.sub}`,
          customer_id: `cu_${r.sub}`,
          effective_at: at(r.day),
          recorded_at: at(r.day),
          status: r.status,
          amount: r.amount,
          ...(r.currency ? { currency: r.currency } : {}),
          ...(r.interval ? { interval: r.interval } : {}),
        })),
      )
      .execute()
    const order = (
      id: string,
      customer: string,
      product: string,
      currency: string,
      amount: number,
      day: string,
    ) => ({
      id,
      customer_id: customer,
      stripe_checkout_session_id: `cs_${id}`,
      product_id: product,
      price_lookup_key: product,
      quantity: 1,
      amount,
      amount_refunded: 0,
      currency,
      status: 'paid' as const,
      created_at: at(day),
    })
    await db
      .insertInto('orders')
      .values([
        order('ord_1', 'cu_a', 'field-guide', 'usd', 1900, '03-03'),
        // Refunded in full on the 20th.
        {
          ...order('ord_2', 'cu_b', 'field-guide', 'eur', 1500, '03-04'),
          amount_refunded: 1500,
          status: 'refunded',
          refunded_at: at('03-20'),
        },
        order('ord_3', 'cu_c', 'poster', 'usd', 500, '03-12'),
        // February: outside the range.
        order('ord_4', 'cu_d', 'poster', 'usd', 999, '02-10'),
      ])
      .execute()
    const invoice = (
      id: string,
      customer: string,
      status: string,
      currency: string,
      paid: number,
      day: string,
    ) => ({
      id,
      stripe_invoice_id: `in_${id}`,
      stripe_subscription_id: `sub_${customer.slice(3)}`,
      customer_id: customer,
      status,
      billing_reason: 'subscription_cycle',
      currency,
      subtotal: paid,
      total: paid,
      amount_due: paid,
      amount_paid: status === 'paid' ? paid : 0,
      attempt_count: 1,
      amount_refunded: 0,
      stripe_created: at(day),
      updated_at: at(day),
    })
    await db
      .insertInto('invoices')
      .values([
        // $4 of it refunded the next day.
        {
          ...invoice('inv_1', 'cu_a', 'paid', 'usd', 1000, '03-10'),
          amount_refunded: 400,
          refunded_at: at('03-11'),
        },
        invoice('inv_2', 'cu_b', 'open', 'usd', 2000, '03-10'),
        invoice('inv_3', 'cu_c', 'paid', 'eur', 1200, '03-05'),
      ])
      .execute()
    const checkout = (n: number, status: 'open' | 'complete', day: string) => ({
      id: `pc_${n}`,
      stripe_checkout_session_id: `cs_pending_${n}`,
      price_lookup_key: 'field-guide',
      quantity: 1,
      mode: 'payment' as const,
      status,
      expires_at: at(day),
      created_at: at(day),
    })
    await db
      .insertInto('pending_checkouts')
      .values([
        checkout(1, 'complete', '03-02'),
        checkout(2, 'complete', '03-03'),
        checkout(3, 'complete', '03-12'),
        checkout(4, 'open', '03-13'),
        checkout(5, 'open', '02-13'),
      ])
      .execute()
  }, 60_000)
  afterAll(() => database.close())

  it('gives every figure of March', async () => {
    const report = await buildMetricsReport(
      database.db,
      parseRange({ from: '2026-03-01', to: '2026-03-31', interval: 'month' }, new Date(at('04-02'))),
    )
    // At the start: a $10 + b $20 + e $10 = $40 from 3 customers; c and d are in trials.
    // At the end: a $10 + e $5; c €12.
    expect(report.mrr).toEqual({ usd: 1500, eur: 1200 })
    expect(report.arr).toEqual({ usd: 18_000, eur: 14_400 })
    expect(report.activeSubscribers).toBe(3)
    expect(report.trialing).toBe(0)
    expect(report.movements).toEqual({
      new: { eur: 1200 },
      expansion: {},
      contraction: { usd: 500 },
      churned: { usd: 2000 },
      reactivation: {},
    })
    expect(report.subscriberChurn).toEqual({ numerator: 1, denominator: 3, rate: 0.3333 })
    // ($20 churned + $5 contraction) ÷ $40; no euro MRR at the start.
    expect(report.revenueChurn).toEqual({ usd: { numerator: 2500, denominator: 4000, rate: 0.625 } })
    expect(report.trialConversion).toEqual({ numerator: 1, denominator: 2, rate: 0.5 })
    expect(report.checkoutConversion).toEqual({ numerator: 3, denominator: 4, rate: 0.75 })
    // Orders $19 + $5 and €15; paid invoices $10 and €12 (the open one is not revenue).
    expect(report.revenue).toEqual({
      gross: { usd: 3400, eur: 2700 },
      refunds: { eur: 1500, usd: 400 },
      net: { usd: 3000, eur: 1200 },
    })
    expect(report.oneTimeSales).toEqual([
      { productId: 'field-guide', currency: 'usd', count: 1, amount: 1900 },
      { productId: 'field-guide', currency: 'eur', count: 1, amount: 1500 },
      { productId: 'poster', currency: 'usd', count: 1, amount: 500 },
    ])
    // $15 over a and e; €12 over c.
    expect(report.arpu).toEqual({ usd: 750, eur: 1200 })
    expect(report.series).toHaveLength(1)
    expect(report.series[0]).toMatchObject({
      mrr: report.mrr,
      movements: report.movements,
      activeSubscribers: 3,
    })
  })
})
