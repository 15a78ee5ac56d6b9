import type { Executor } from '../../db/database.js'

/** Keeps a grant's reason current (e.g. `trialing` → `active`) when its window is re-synced. */
export async function setGrantReason(db: Executor, grantId: string, reason: string): Promise<void> {
  await db
    .updateTable('entitlement_grants')
    .set({ reason })
    .where('id', '=', grantId)
    .where((eb) => eb.or([eb('reason', 'is', null), eb('reason', '!=', reason)]))
    .execute()
}

/** Features of a source that an operator revoked by hand; reconciliation leaves them revoked. */
export async function listManuallyRevokedFeatures(
  db: Executor,
  source: { type: 'subscription'; id: string },
): Promise<string[]> {
  const rows = await db
    .selectFrom('entitlement_grants')
    .select('feature')
    .where('source_type', '=', source.type)
    .where('source_id', '=', source.id)
    .where('revoked_at', 'is not', null)
    .where('reason', 'like', 'manual revoke%')
    .execute()
  return rows.map((r) => r.feature)
}

/** Every live grant of a customer for a feature, whatever the source (for manual revokes). */
export async function revokeLiveGrantsOfFeature(
  db: Executor,
  input: { customerId: string; feature: string; revokedAt: string; reason: string },
): Promise<number> {
  const result = await db
    .updateTable('entitlement_grants')
    .set({ revoked_at: input.revokedAt, reason: input.reason })
    .where('customer_id', '=', input.customerId)
    .where('feature', '=', input.feature)
    .where('revoked_at', 'is', null)
    .executeTakeFirst()
  return Number(result.numUpdatedRows)
}
