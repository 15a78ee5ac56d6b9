import { describe, expect, it } from 'vitest'
import { countsAt, type LedgerRow, monthlyAmount, movementsBetween, mrrAt, trialOutcomes } from './mrr.js'

/** A ledger row with monthly USD defaults; `at` is a day of December 2026. */
function row(sub: string, customer: string, day: number, over: Partial<LedgerRow> = {}): LedgerRow {
  return {
    stripe_subscription_id: sub,
    customer_id: customer,
    effective_at: `2026-12-${String(day).padStart(2, '0')}T12:00:00.000Z`,
    status: 'active',
    currency: 'usd',
    amount: 1000,
    interval: 'month',
    interval_count: 1,
    discount_percent_bp: null,
    discount_amount_off: null,
    discount_ends_at: null,
    ...over,
  }
}

const endOf = (day: number): string => `2026-12-${String(day).padStart(2, '0')}T23:59:59.999Z`

describe('MRR from a fixed ledger', () => {
  it('divides a yearly plan by twelve and a quarterly one by three', () => {
    expect(monthlyAmount(row('s', 'c', 1, { interval: 'year', amount: 10_000 }), endOf(1))).toBe(833)
    expect(
      monthlyAmount(row('s', 'c', 1, { interval: 'month', interval_count: 3, amount: 3000 }), endOf(1)),
    ).toBe(1000)
    expect(monthlyAmount(row('s', 'c', 1, { interval: 'week', amount: 100 }), endOf(1))).toBe(433)
  })

  it('excludes trials and ended subscriptions, counts past_due', () => {
    const ledger = [
      row('a', 'c1', 1, { status: 'trialing' }),
      row('b', 'c2', 1, { status: 'past_due' }),
      row('c', 'c3', 1, { status: 'canceled' }),
      row('d', 'c4', 1, { status: 'incomplete' }),
    ]
    expect(mrrAt(ledger, endOf(1))).toEqual({ usd: 1000 })
    expect(countsAt(ledger, endOf(1))).toEqual({ activeSubscribers: 1, trialing: 1 })
  })

  it('applies recurring discounts, and a repeating one only until it ends', () => {
    const percent = row('a', 'c1', 1, { discount_percent_bp: 1250 }) // 12.5% off 1000 → 875
    const amountOff = row('b', 'c2', 1, {
      discount_amount_off: 300,
      discount_ends_at: '2026-12-10T00:00:00.000Z',
    })
    expect(mrrAt([percent, amountOff], endOf(5))).toEqual({ usd: 875 + 700 })
    expect(mrrAt([percent, amountOff], endOf(10))).toEqual({ usd: 875 + 1000 })
  })

  it('never mixes currencies', () => {
    const ledger = [row('a', 'c1', 1), row('b', 'c2', 1, { currency: 'eur', amount: 900 }), row('c', 'c3', 2)]
    expect(mrrAt(ledger, endOf(1))).toEqual({ usd: 1000, eur: 900 })
    expect(mrrAt(ledger, endOf(2))).toEqual({ usd: 2000, eur: 900 })
  })

  it('reads any past day from the history', () => {
    const ledger = [
      row('a', 'c1', 1),
      row('a', 'c1', 5, { amount: 2000 }),
      row('a', 'c1', 9, { status: 'canceled' }),
    ]
    expect(mrrAt(ledger, endOf(1))).toEqual({ usd: 1000 })
    expect(mrrAt(ledger, endOf(6))).toEqual({ usd: 2000 })
    expect(mrrAt(ledger, endOf(9))).toEqual({})
  })
})

describe('MRR movements', () => {
  it('classifies new, expansion, contraction and churn, and they add up', () => {
    const ledger = [
      row('up', 'c1', 1),
      row('down', 'c2', 1, { amount: 3000 }),
      row('gone', 'c3', 1),
      row('up', 'c1', 3, { amount: 2500 }), // upgrade
      row('down', 'c2', 3, { amount: 2000 }), // downgrade
      row('gone', 'c3', 3, { status: 'canceled' }),
      row('fresh', 'c4', 3, { currency: 'eur', interval: 'year', amount: 12_000 }),
    ]
    const m = movementsBetween(ledger, endOf(2), endOf(3))
    expect(m).toEqual({
      new: { eur: 1000 },
      expansion: { usd: 1500 },
      contraction: { usd: 1000 },
      churned: { usd: 1000 },
      reactivation: {},
    })
    const delta = (mrrAt(ledger, endOf(3)).usd ?? 0) - (mrrAt(ledger, endOf(2)).usd ?? 0)
    expect(1500 - 1000 - 1000).toBe(delta)
  })

  it('counts a customer who comes back as reactivation, not new', () => {
    const ledger = [
      row('first', 'c1', 1),
      row('first', 'c1', 2, { status: 'canceled' }),
      row('second', 'c1', 6, { amount: 1500 }),
    ]
    expect(movementsBetween(ledger, endOf(5), endOf(6))).toMatchObject({
      new: {},
      reactivation: { usd: 1500 },
    })
  })

  it('counts a trial that converts as new MRR when it starts paying', () => {
    const ledger = [row('t', 'c1', 1, { status: 'trialing' }), row('t', 'c1', 8, { status: 'active' })]
    expect(movementsBetween(ledger, endOf(1), endOf(7)).new).toEqual({})
    expect(movementsBetween(ledger, endOf(7), endOf(8)).new).toEqual({ usd: 1000 })
  })

  it('a second subscription of a paying customer is expansion', () => {
    const ledger = [row('a', 'c1', 1), row('b', 'c1', 4, { amount: 500 })]
    expect(movementsBetween(ledger, endOf(3), endOf(4))).toMatchObject({ new: {}, expansion: { usd: 500 } })
  })
})

describe('MRR movements inside one period', () => {
  it('counts a subscription that starts and ends within the period both ways', () => {
    const ledger = [
      row('a', 'c1', 3),
      row('a', 'c1', 5, { amount: 800 }),
      row('a', 'c1', 7, { status: 'canceled' }),
    ]
    expect(movementsBetween(ledger, endOf(1), endOf(9))).toEqual({
      new: { usd: 1000 },
      expansion: {},
      contraction: { usd: 200 },
      churned: { usd: 800 },
      reactivation: {},
    })
  })

  it('counts the end of a repeating discount as expansion', () => {
    const ledger = [
      row('a', 'c1', 1, { discount_percent_bp: 5000, discount_ends_at: '2026-12-06T00:00:00.000Z' }),
    ]
    expect(movementsBetween(ledger, endOf(2), endOf(9))).toMatchObject({ expansion: { usd: 500 } })
    expect(mrrAt(ledger, endOf(9))).toEqual({ usd: 1000 })
  })

  it('adds up to the change in MRR over a busy ledger, in each currency', () => {
    const ledger: LedgerRow[] = []
    const statuses = ['active', 'trialing', 'past_due', 'canceled', 'active']
    for (let i = 0; i < 60; i++) {
      const sub = `s${i % 9}`
      ledger.push(
        row(sub, `c${(i % 9) % 5}`, 1 + (i % 28), {
          status: statuses[i % statuses.length] as string,
          amount: 100 * (1 + (i % 7)),
          currency: i % 3 === 0 ? 'eur' : 'usd',
          interval: i % 4 === 0 ? 'year' : 'month',
        }),
      )
    }
    ledger.sort((a, b) => (a.effective_at < b.effective_at ? -1 : a.effective_at > b.effective_at ? 1 : 0))
    const from = endOf(4)
    const to = endOf(20)
    const m = movementsBetween(ledger, from, to)
    for (const currency of ['usd', 'eur']) {
      const net =
        (m.new[currency] ?? 0) +
        (m.expansion[currency] ?? 0) +
        (m.reactivation[currency] ?? 0) -
        (m.contraction[currency] ?? 0) -
        (m.churned[currency] ?? 0)
      expect(net).toBe((mrrAt(ledger, to)[currency] ?? 0) - (mrrAt(ledger, from)[currency] ?? 0))
    }
  })
})

describe('trial → paid', () => {
  it('counts trials that ended in the range and how many paid', () => {
    const ledger = [
      row('a', 'c1', 1, { status: 'trialing' }),
      row('b', 'c2', 1, { status: 'trialing' }),
      row('c', 'c3', 1, { status: 'trialing' }),
      row('a', 'c1', 8, { status: 'active' }),
      row('b', 'c2', 8, { status: 'canceled' }),
      row('c', 'c3', 20, { status: 'active' }),
    ]
    expect(trialOutcomes(ledger, '2026-12-01T00:00:00.000Z', '2026-12-15T00:00:00.000Z')).toEqual({
      ended: 2,
      converted: 1,
    })
  })
})
