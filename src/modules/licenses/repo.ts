import type { Executor } from '../../db/database.js'
import type { LicenseActivationRow, LicenseKeyRow, NewLicenseKeyRow } from './table.js'

type Source = { type: 'order' | 'subscription'; id: string }

export async function insertLicenseKey(db: Executor, row: NewLicenseKeyRow): Promise<void> {
  await db.insertInto('license_keys').values(row).execute()
}

export async function findLicenseOfSource(
  db: Executor,
  source: Source,
  feature: string,
): Promise<LicenseKeyRow | undefined> {
  return db
    .selectFrom('license_keys')
    .selectAll()
    .where('source_type', '=', source.type)
    .where('source_id', '=', source.id)
    .where('feature', '=', feature)
    .executeTakeFirst()
}

export async function listLicensesOfSource(db: Executor, source: Source): Promise<LicenseKeyRow[]> {
  return db
    .selectFrom('license_keys')
    .selectAll()
    .where('source_type', '=', source.type)
    .where('source_id', '=', source.id)
    .orderBy('id')
    .execute()
}

export async function findLicenseByHash(db: Executor, keyHash: string): Promise<LicenseKeyRow | undefined> {
  return db.selectFrom('license_keys').selectAll().where('key_hash', '=', keyHash).executeTakeFirst()
}

export async function findLicenseById(db: Executor, id: string): Promise<LicenseKeyRow | undefined> {
  return db.selectFrom('license_keys').selectAll().where('id', '=', id).executeTakeFirst()
}

export async function listLicensesOfCustomer(db: Executor, customerId: string): Promise<LicenseKeyRow[]> {
  return db
    .selectFrom('license_keys')
    .selectAll()
    .where('customer_id', '=', customerId)
    .orderBy('id')
    .execute()
}

/** Sets or clears `revoked_at`, only if it is not already so; true when this call changed it. */
export async function setLicenseRevoked(
  db: Executor,
  id: string,
  revokedAt: string | null,
): Promise<boolean> {
  const result = await db
    .updateTable('license_keys')
    .set({ revoked_at: revokedAt })
    .where('id', '=', id)
    .where('revoked_at', revokedAt === null ? 'is not' : 'is', null)
    .executeTakeFirst()
  return Number(result.numUpdatedRows) > 0
}

/**
 * Revokes a key on its own: records the reason (once) and sets `revoked_at` if the grant had not
 * already revoked it. Returns what changed, so the caller publishes `license.revoked` only once.
 */
export async function setLicenseRevokedByHand(
  db: Executor,
  input: { id: string; revokedAt: string; reason: string },
): Promise<{ reasonSet: boolean; revokedNow: boolean }> {
  const reason = await db
    .updateTable('license_keys')
    .set({ revoked_reason: input.reason })
    .where('id', '=', input.id)
    .where('revoked_reason', 'is', null)
    .executeTakeFirst()
  const reasonSet = Number(reason.numUpdatedRows) > 0
  const revokedNow = reasonSet && (await setLicenseRevoked(db, input.id, input.revokedAt))
  return { reasonSet, revokedNow }
}

/** The kids that signed keys still in force: the JWKS keeps publishing them. */
export async function listLiveLicenseKids(db: Executor): Promise<string[]> {
  const rows = await db
    .selectFrom('license_keys')
    .select('kid')
    .distinct()
    .where('revoked_at', 'is', null)
    .execute()
  return rows.map((r) => r.kid)
}

/** Takes the licence's row lock (a no-op update, portable), so activations are counted one at a time. */
export async function lockLicense(trx: Executor, id: string): Promise<void> {
  await trx
    .updateTable('license_keys')
    .set((eb) => ({ created_at: eb.ref('created_at') }))
    .where('id', '=', id)
    .execute()
}

export async function listActivations(db: Executor, licenseId: string): Promise<LicenseActivationRow[]> {
  return db
    .selectFrom('license_activations')
    .selectAll()
    .where('license_id', '=', licenseId)
    .orderBy('id')
    .execute()
}

export async function insertActivation(db: Executor, row: LicenseActivationRow): Promise<void> {
  await db.insertInto('license_activations').values(row).execute()
}

export async function deleteActivation(db: Executor, licenseId: string, id: string): Promise<boolean> {
  const result = await db
    .deleteFrom('license_activations')
    .where('license_id', '=', licenseId)
    .where('id', '=', id)
    .executeTakeFirst()
  return Number(result.numDeletedRows) > 0
}
