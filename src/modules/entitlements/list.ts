/**
 * What a customer may use now, feature by feature, from local grants only (never Stripe): allowed,
 * why (order, subscription, trial, manual grant) and until when.
 * @module
 */
import type { Executor } from '../../db/database.js'
import { decideAccess, grantsOfCustomer } from './access.js'

import type { GrantRow } from './table.js'

export type EntitlementView = {
  feature: string
  allowed: boolean
  /** Why: the kind of grant that allows it (trial = a trialing subscription). */
  via?: 'order' | 'subscription' | 'trial' | 'manual'
  sourceId?: string
  /** ISO time access ends; null = forever. */
  until?: string | null
}

export async function listEntitlements(
  db: Executor,
  customerId: string,
  now: Date,
): Promise<EntitlementView[]> {
  const byFeature = new Map<string, GrantRow[]>()
  for (const grant of await grantsOfCustomer(db, customerId)) {
    const grants = byFeature.get(grant.feature)
    if (grants) grants.push(grant)
    else byFeature.set(grant.feature, [grant])
  }
  return [...byFeature.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([feature, grants]) => {
      const decision = decideAccess(grants, now)
      if (!decision.allowed || !decision.source) return { feature, allowed: false }
      const grant = grants.find((g) => g.id === decision.source?.grantId)
      const via =
        grant?.source_type === 'subscription' && grant.reason === 'trialing' ? 'trial' : decision.source.type
      return {
        feature,
        allowed: true,
        via,
        sourceId: decision.source.id,
        until: decision.until ? decision.until.toISOString() : null,
      }
    })
}
