/**
 * Reconciles the grants a subscription gives with its synced row: each feature of the plan's
 * product gets the window its lapse policy allows; features no longer in the plan are revoked.
 * Called inside the sync transaction, so grants and the row always change together.
 * @module
 */
import type { Executor } from '../../db/database.js'
import type { Deps } from '../../deps.js'
import { featuresOfProduct, findFeature, findProduct } from '../catalog/index.js'
import {
  grantFeature,
  listFeaturesRevokedByHand,
  listGrantsFrom,
  revokeGrantsBySource,
} from '../entitlements/index.js'
import { mailLicenseKeys, syncLicenses } from '../licenses/index.js'
import { DEFAULT_LAPSE_POLICY, type SubscriptionState, subscriptionWindow } from './access-window.js'
import type { SubscriptionRow } from './table.js'

export async function reconcileSubscriptionGrants(
  deps: Deps,
  trx: Executor,
  row: SubscriptionRow,
): Promise<void> {
  const source = { type: 'subscription' as const, id: row.id }
  const now = deps.clock.now()
  const product = row.product_id ? findProduct(deps.catalog, row.product_id) : undefined
  const features = [...new Set([...(product ? featuresOfProduct(product) : []), ...adhocFeatures(row)])]
  const manuallyRevoked = new Set(await listFeaturesRevokedByHand(trx, source))
  const state = toState(row)
  for (const feature of features) {
    if (manuallyRevoked.has(feature)) continue
    const policy = findFeature(deps.catalog, feature) ?? DEFAULT_LAPSE_POLICY
    const window = subscriptionWindow(state, policy)
    if (window.kind === 'revoke') {
      await revokeGrantsBySource(trx, source, { now, reason: window.reason, feature })
      continue
    }
    await grantFeature(trx, {
      customerId: row.customer_id,
      feature,
      source,
      startsAt: window.startsAt,
      endsAt: window.endsAt,
      reason: window.reason,
      now,
    })
  }
  await revokeDroppedFeatures(trx, source, new Set(features), now)
  const issued = await syncLicenses(deps, trx, { customerId: row.customer_id, source, now })
  await mailLicenseKeys(deps, trx, { customerId: row.customer_id, licenses: issued })
}

/**
 * The features an integrator's ad-hoc subscription grants. They follow the subscription like a
 * plan's features (its window, under the feature's lapse policy if the catalog has one); a
 * `duration_days` asked for does not apply, as the subscription's period bounds them.
 */
function adhocFeatures(row: SubscriptionRow): string[] {
  if (!row.grants) return []
  const pairs = JSON.parse(row.grants) as { feature: string }[]
  return pairs.map((g) => g.feature)
}

async function revokeDroppedFeatures(
  trx: Executor,
  source: { type: 'subscription'; id: string },
  keep: Set<string>,
  now: Date,
): Promise<void> {
  const grants = await listGrantsFrom(trx, source)
  const dropped = new Set(
    grants.filter((g) => g.revoked_at === null && !keep.has(g.feature)).map((g) => g.feature),
  )
  for (const feature of dropped) {
    await revokeGrantsBySource(trx, source, { now, reason: 'no longer in the plan', feature })
  }
}

function toState(row: SubscriptionRow): SubscriptionState {
  const date = (v: string | null): Date | null => (v ? new Date(v) : null)
  return {
    status: row.status,
    startDate: new Date(row.start_date),
    currentPeriodEnd: date(row.current_period_end),
    trialEnd: date(row.trial_end),
    endedAt: date(row.ended_at) ?? date(row.canceled_at),
    latestInvoiceStatus: row.latest_invoice_status,
    latestInvoiceCreated: date(row.latest_invoice_created),
  }
}
