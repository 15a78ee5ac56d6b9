/**
 * Manual grants and revokes by the operator (`npx tollgate grant|revoke`), always with a reason.
 * A manual grant is one live grant per customer and feature (granting again moves its window). A
 * revoke ends every live grant of the feature, whatever its source, and subscription
 * reconciliation leaves a manually revoked feature revoked.
 * @module
 */
import type { Executor } from '../../db/database.js'
import type { Deps } from '../../deps.js'
import { AppError } from '../../lib/errors.js'
import type { Catalog } from '../catalog/index.js'
import { featuresOfProduct } from '../catalog/index.js'
import { findCustomerForEmail, findOrCreateCustomerByEmail } from '../customers/index.js'
import { grantFeature, revokeFeature } from '../entitlements/index.js'
import { syncCustomerLicenses } from '../licenses/index.js'

export function knownFeatures(catalog: Catalog): string[] {
  return [...new Set([...catalog.features.map((f) => f.key), ...catalog.products.flatMap(featuresOfProduct)])]
}

/** Grants a feature by hand, in the caller's transaction (the CLI command, later the console). */
export async function grantManually(
  deps: Deps,
  trx: Executor,
  input: { email: string; feature: string; until?: Date; reason: string },
): Promise<{ customerId: string; grantId: string; created: boolean }> {
  if (!knownFeatures(deps.catalog).includes(input.feature)) {
    throw new AppError('INVALID_REQUEST', { message: `Unknown feature "${input.feature}".` })
  }
  const now = deps.clock.now()
  const customer = await findOrCreateCustomerByEmail(trx, input.email, now)
  const outcome = await grantFeature(trx, {
    customerId: customer.id,
    feature: input.feature,
    source: { type: 'manual', id: customer.id },
    startsAt: now,
    endsAt: input.until ?? null,
    reason: `manual grant: ${input.reason}`,
    now,
  })
  return { customerId: customer.id, grantId: outcome.id, created: outcome.change === 'created' }
}

/** Ends every live grant of the feature for the email's customer; returns how many. */
export async function revokeManually(
  deps: Deps,
  trx: Executor,
  input: { email: string; feature: string; reason: string },
): Promise<number> {
  const customer = await findCustomerForEmail(trx, input.email)
  if (!customer) throw new AppError('CUSTOMER_NOT_FOUND')
  const now = deps.clock.now()
  const revoked = await revokeFeature(trx, {
    customerId: customer.id,
    feature: input.feature,
    now,
    reason: `manual revoke: ${input.reason}`,
  })
  // A licence key follows its grant: revoked with it, and other apps are told.
  if (revoked > 0) await syncCustomerLicenses(deps, trx, { customerId: customer.id, now })
  return revoked
}
