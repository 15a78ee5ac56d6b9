import type { Executor } from '../../db/database.js'
import { prepared } from '../../db/prepared.js'
import type { GrantRow, GrantSourceType, NewGrantRow } from './table.js'

export async function insertGrant(db: Executor, row: NewGrantRow): Promise<void> {
  await db.insertInto('entitlement_grants').values(row).execute()
}

/** The non-revoked grant of one feature from one source, if any (at most one is kept live). */
export async function findLiveGrantFromSource(
  db: Executor,
  source: { type: GrantSourceType; id: string },
  feature: string,
): Promise<GrantRow | undefined> {
  return db
    .selectFrom('entitlement_grants')
    .selectAll()
    .where('source_type', '=', source.type)
    .where('source_id', '=', source.id)
    .where('feature', '=', feature)
    .where('revoked_at', 'is', null)
    .executeTakeFirst()
}

export async function updateGrantWindow(
  db: Executor,
  id: string,
  window: { startsAt: string; endsAt: string | null },
): Promise<void> {
  await db
    .updateTable('entitlement_grants')
    .set({ starts_at: window.startsAt, ends_at: window.endsAt })
    .where('id', '=', id)
    .execute()
}

export async function listGrantsOfSource(
  db: Executor,
  source: { type: GrantSourceType; id: string },
): Promise<GrantRow[]> {
  return db
    .selectFrom('entitlement_grants')
    .selectAll()
    .where('source_type', '=', source.type)
    .where('source_id', '=', source.id)
    .orderBy('id')
    .execute()
}

/** Every grant a customer holds for one feature (live, future, ended or revoked). */
export async function listGrantsOfFeature(
  db: Executor,
  customerId: string,
  feature: string,
): Promise<GrantRow[]> {
  return db
    .selectFrom('entitlement_grants')
    .selectAll()
    .where('customer_id', '=', customerId)
    .where('feature', '=', feature)
    .orderBy('id')
    .execute()
}

/** Behind every entitlement check: compiled once (db/prepared.ts). */
const grantsOfCustomer = prepared((db, customerId: string) =>
  db.selectFrom('entitlement_grants').selectAll().where('customer_id', '=', customerId).orderBy('id'),
)

export async function listGrantsOfCustomer(db: Executor, customerId: string): Promise<GrantRow[]> {
  return grantsOfCustomer(db, customerId)
}

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

export async function findGrantById(db: Executor, id: string): Promise<GrantRow | undefined> {
  return db.selectFrom('entitlement_grants').selectAll().where('id', '=', id).executeTakeFirst()
}

/** Revokes one live grant; false when it was already revoked (or does not exist). */
export async function revokeGrantRow(
  db: Executor,
  input: { id: string; revokedAt: string; reason: string },
): Promise<boolean> {
  const result = await db
    .updateTable('entitlement_grants')
    .set({ revoked_at: input.revokedAt, reason: input.reason })
    .where('id', '=', input.id)
    .where('revoked_at', 'is', null)
    .executeTakeFirst()
  return Number(result.numUpdatedRows) > 0
}
