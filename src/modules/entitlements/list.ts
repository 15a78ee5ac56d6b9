/**
 * What a customer may use now, feature by feature, from local grants only (never Stripe): allowed,
 * why (order, subscription, trial, manual grant) and until when.
 * @module
 */
import type { Executor } from '../../db/database.js'
import { cachedValue, grantsKey } from '../../db/read-cache.js'
import { dbTimeOf } from '../../lib/clock.js'
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
): Promise<readonly EntitlementView[]> {
  return entitlementsOf(await grantsOfCustomer(db, customerId), now)
}

/**
 * `listEntitlements` for an answer on every request (`GET /api/me/entitlements`): synchronous when
 * the customer's grants are in the read cache, as a signed-in customer's are from their session's
 * lookup, else listEntitlements' promise (the same split as checkAccessNow).
 */
export function listEntitlementsNow(
  db: Executor,
  customerId: string,
  now: Date,
): readonly EntitlementView[] | Promise<readonly EntitlementView[]> {
  const kept = cachedValue<readonly GrantRow[]>(db, grantsKey(customerId))
  return kept === undefined ? listEntitlements(db, customerId, now) : entitlementsOf(kept, now)
}

/**
 * The views worked out from one grants array, and the span of time they hold for. A customer's
 * cached grants array stays the same object until the read cache drops it (a write, or a second
 * later a change seen by another instance), and the views change only when the time passes a
 * grant's start or end: between two of those instants every grant compares to the time as it did.
 * Keyed by the array itself, so the views go with it and can never be another customer's.
 */
type KeptViews = { from: string; until: string | undefined; views: readonly EntitlementView[] }
const keptViews = new WeakMap<readonly GrantRow[], KeptViews>()

function entitlementsOf(grants: readonly GrantRow[], now: Date): readonly EntitlementView[] {
  const at = dbTimeOf(now)
  const kept = keptViews.get(grants)
  if (kept && kept.from <= at && (kept.until === undefined || at < kept.until)) return kept.views
  const views = Object.freeze(viewsOf(grants, now).map((view) => Object.freeze(view)))
  keptViews.set(grants, { ...spanAround(grants, at), views })
  return views
}

/**
 * The views as JSON text, written once per kept views array: the session API answers the same
 * frozen array for a customer until a grant starts or ends or the read cache drops their grants,
 * and `JSON.stringify` of it was about a tenth of that answer's instructions (V8 serializes a
 * frozen array on its slow path). Keyed by the array, which is frozen with every view in it, so the
 * text can only ever be that array's. An array that is not frozen is written afresh each time.
 */
const keptJson = new WeakMap<readonly EntitlementView[], string>()

export function entitlementsJson(views: readonly EntitlementView[]): string {
  const kept = keptJson.get(views)
  if (kept !== undefined) return kept
  const text = JSON.stringify(views)
  if (Object.isFrozen(views)) keptJson.set(views, text)
  return text
}

/**
 * The instants around `at` where a grant starts or ends: the latest at or before it (empty text,
 * before every ISO time, when none) and the first after it (undefined when none). ISO times in
 * the database's format compare as text, as decideAccess compares them.
 */
function spanAround(grants: readonly GrantRow[], at: string): { from: string; until: string | undefined } {
  let from = ''
  let until: string | undefined
  for (const grant of grants) {
    for (const instant of [grant.starts_at, grant.ends_at]) {
      if (instant === null) continue
      if (instant <= at) {
        if (instant > from) from = instant
      } else if (until === undefined || instant < until) until = instant
    }
  }
  return { from, until }
}

function viewsOf(grants: readonly GrantRow[], now: Date): EntitlementView[] {
  const byFeature = new Map<string, GrantRow[]>()
  for (const grant of grants) {
    const same = byFeature.get(grant.feature)
    if (same) same.push(grant)
    else byFeature.set(grant.feature, [grant])
  }
  return [...byFeature.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([feature, same]) => {
      const decision = decideAccess(same, now)
      if (!decision.allowed || !decision.source) return { feature, allowed: false }
      const grant = same.find((g) => g.id === decision.source?.grantId)
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
