/**
 * Manual grants and revokes by the operator (`npx tollgate grant|revoke`), always with a reason.
 * A manual grant is one live grant per customer and feature (granting again moves its window). A
 * revoke ends every live grant of the feature, whatever its source, and subscription
 * reconciliation leaves a manually revoked feature revoked.
 * @module
 */
import type { Deps } from '../../deps.js'
import { AppError } from '../../lib/errors.js'
import { featuresOfProduct } from '../catalog/find.js'
import type { Catalog } from '../catalog/types.js'
import { findCustomerForEmail, findOrCreateCustomerByEmail } from '../customers/customers.js'
import { grantFeature } from '../entitlements/grants.js'
import { revokeLiveGrantsOfFeature } from '../entitlements/subscription-repo.js'

export function knownFeatures(catalog: Catalog): string[] {
  return [...new Set([...catalog.features.map((f) => f.key), ...catalog.products.flatMap(featuresOfProduct)])]
}

export async function grantManually(
  deps: Deps,
  input: { email: string; feature: string; until?: Date; reason: string },
): Promise<{ customerId: string; grantId: string }> {
  if (!knownFeatures(deps.catalog).includes(input.feature)) {
    throw new AppError('INVALID_REQUEST', { message: `Unknown feature "${input.feature}".` })
  }
  return deps.db.transaction().execute(async (trx) => {
    const now = deps.clock.now()
    const customer = await findOrCreateCustomerByEmail(trx, input.email, now)
    const grantId = await grantFeature(trx, {
      customerId: customer.id,
      feature: input.feature,
      source: { type: 'manual', id: customer.id },
      startsAt: now,
      endsAt: input.until ?? null,
      reason: `manual grant: ${input.reason}`,
      now,
    })
    return { customerId: customer.id, grantId }
  })
}

export async function revokeManually(
  deps: Deps,
  input: { email: string; feature: string; reason: string },
): Promise<number> {
  const customer = await findCustomerForEmail(deps.db, input.email)
  if (!customer) throw new AppError('CUSTOMER_NOT_FOUND')
  return deps.db.transaction().execute((trx) =>
    revokeLiveGrantsOfFeature(trx, {
      customerId: customer.id,
      feature: input.feature,
      revokedAt: deps.clock.now().toISOString(),
      reason: `manual revoke: ${input.reason}`,
    }),
  )
}
