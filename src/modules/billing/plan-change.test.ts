import { describe, expect, it } from 'vitest'
import type { CatalogPrice } from '../catalog/index.js'
import { changeKind } from './plan-change.js'
import { intervalLabel } from './plans.js'
import { perYear } from './views.js'

const plan = (
  unitAmount: number,
  interval: 'day' | 'week' | 'month' | 'year',
  intervalCount = 1,
): CatalogPrice => ({
  lookupKey: `${interval}-${intervalCount}-${unitAmount}`,
  productId: 'p',
  currency: 'usd',
  unitAmount,
  recurring: { interval, intervalCount },
  trialCard: 'required',
  trialEndWithoutCard: 'cancel',
  allowPromotionCodes: false,
})

describe('plans of every interval', () => {
  it('a longer period is an upgrade; periods of one length (12 months, a year) compare by amount', () => {
    expect(changeKind(plan(500, 'week'), plan(5000, 'month', 3))).toBe('upgrade')
    expect(changeKind(plan(5000, 'month', 3), plan(500, 'week'))).toBe('downgrade')
    expect(changeKind(plan(100, 'day', 7), plan(500, 'week'))).toBe('upgrade')
    expect(changeKind(plan(900, 'week', 5), plan(800, 'month'))).toBe('downgrade')
    expect(changeKind(plan(800, 'week', 4), plan(900, 'month'))).toBe('upgrade')
    expect(changeKind(plan(9000, 'month', 12), plan(8000, 'year'))).toBe('downgrade')
    expect(changeKind(plan(8000, 'year'), plan(9000, 'month', 12))).toBe('upgrade')
    expect(changeKind(plan(8000, 'year'), plan(9000, 'week', 52))).toBe('downgrade')
  })

  it('labels each interval, and prices a year only where whole periods make one', () => {
    expect(intervalLabel(plan(500, 'week'))).toBe('/ week')
    expect(intervalLabel(plan(500, 'day', 10))).toBe('/ 10 days')
    expect(intervalLabel(plan(5000, 'month', 3))).toBe('/ 3 months')
    expect(perYear(plan(5000, 'month', 3))).toBe(20_000)
    expect(perYear(plan(8000, 'year'))).toBe(8000)
    expect(perYear(plan(500, 'week'))).toBeUndefined()
    expect(perYear(plan(100, 'day'))).toBeUndefined()
    expect(perYear(plan(5000, 'month', 5))).toBeUndefined()
  })
})
