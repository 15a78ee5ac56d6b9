/** What a yearly plan saves against twelve months of the monthly plan of its family. */
import type { CatalogPrice } from '../catalog/index.js'
import { familyOf } from './subscribe.js'

export function yearlySavings(prices: CatalogPrice[]): Record<string, number> {
  const savings: Record<string, number> = {}
  for (const yearly of prices.filter(
    (p) => p.recurring?.interval === 'year' && p.recurring.intervalCount === 1,
  )) {
    const monthly = prices.find(
      (p) =>
        p.recurring?.interval === 'month' &&
        p.recurring.intervalCount === 1 &&
        p.currency === yearly.currency &&
        familyOf(p) === familyOf(yearly),
    )
    const saved = monthly ? monthly.unitAmount * 12 - yearly.unitAmount : 0
    if (saved > 0) savings[yearly.lookupKey] = saved
  }
  return savings
}
