/**
 * A feature granted or revoked by hand, with its audit entry, in the caller's transaction: the
 * console and `tollgate grant|revoke` do the same thing and write the same entry, by different
 * actors (the admin's email, or `cli`).
 * @module
 */
import type { Executor } from '../../../db/database.js'
import type { Deps } from '../../../deps.js'
import { AppError } from '../../../lib/errors.js'
import { findCustomerForEmail } from '../../customers/index.js'
import { listGrants } from '../../entitlements/index.js'
import { grantManually, revokeManually } from '../../members/index.js'
import { recordAudit } from '../audit.js'

type ManualChange = { actor: string; email: string; feature: string; reason: string }

export async function grantAndAudit(
  deps: Deps,
  trx: Executor,
  input: ManualChange & { until?: Date | undefined },
): Promise<{ customerId: string; grantId: string; created: boolean }> {
  const granted = await grantManually(deps, trx, {
    email: input.email,
    feature: input.feature,
    reason: input.reason,
    ...(input.until ? { until: input.until } : {}),
  })
  await recordAudit(trx, deps.clock.now(), {
    actor: input.actor,
    action: 'grant.create',
    target: { type: 'grant', id: granted.grantId },
    customerId: granted.customerId,
    after: { feature: input.feature, until: input.until?.toISOString() ?? null },
    reason: input.reason,
  })
  return granted
}

/** The number of grants ended; 0 (nothing changed, nothing audited) when none of the feature was live. */
export async function revokeAndAudit(deps: Deps, trx: Executor, input: ManualChange): Promise<number> {
  const customer = await findCustomerForEmail(trx, input.email)
  if (!customer) throw new AppError('CUSTOMER_NOT_FOUND')
  // The grants the revoke will end, as they stood before it.
  const live = (await listGrants(trx, customer.id)).filter(
    (g) => g.feature === input.feature && g.revoked_at === null,
  )
  if (live.length === 0) return 0
  const revoked = await revokeManually(deps, trx, input)
  await recordAudit(trx, deps.clock.now(), {
    actor: input.actor,
    action: 'grant.revoke',
    target: { type: 'feature', id: input.feature },
    customerId: customer.id,
    before: {
      grants: live.map((g) => ({ id: g.id, source: `${g.source_type} ${g.source_id}`, ends_at: g.ends_at })),
    },
    after: { revoked },
    reason: input.reason,
  })
  return revoked
}
