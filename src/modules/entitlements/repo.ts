import type { Executor } from '../../db/database.js'
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

/** Marks every live grant of a source revoked; returns how many changed. */
export async function revokeGrantsOfSource(
  db: Executor,
  source: { type: GrantSourceType; id: string },
  at: { revokedAt: string; reason: string; feature?: string },
): Promise<number> {
  let query = db
    .updateTable('entitlement_grants')
    .set({ revoked_at: at.revokedAt, reason: at.reason })
    .where('source_type', '=', source.type)
    .where('source_id', '=', source.id)
    .where('revoked_at', 'is', null)
  if (at.feature !== undefined) query = query.where('feature', '=', at.feature)
  const result = await query.executeTakeFirst()
  return Number(result.numUpdatedRows)
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

export async function listGrantsOfCustomer(db: Executor, customerId: string): Promise<GrantRow[]> {
  return db
    .selectFrom('entitlement_grants')
    .selectAll()
    .where('customer_id', '=', customerId)
    .orderBy('id')
    .execute()
}
