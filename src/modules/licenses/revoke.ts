/**
 * Integrators' side of licence keys: read one by id (its state, activations, who revoked it) and
 * revoke one on its own, leaving the grant (and any other key of the customer) alone, as when a
 * key leaked. A key revoked by hand stays revoked: syncLicenses no longer touches it.
 * @module
 */
import type { Executor } from '../../db/database.js'
import { AppError } from '../../lib/errors.js'
import { publishEvent } from '../outbound-webhooks/index.js'
import { type LicenseState, licenseEventData, readLicenseState } from './read.js'
import { findLicenseById, listLicensesOfCustomer, setLicenseRevokedByHand } from './repo.js'

/** The licence with its state; throws LICENSE_NOT_FOUND. */
export async function getLicense(db: Executor, id: string, now: Date): Promise<LicenseState> {
  const row = await findLicenseById(db, id)
  if (!row) throw new AppError('LICENSE_NOT_FOUND')
  return readLicenseState(db, row, now)
}

/** Every licence of a customer with its state, oldest first. */
export async function listLicenseStates(
  db: Executor,
  customerId: string,
  now: Date,
): Promise<LicenseState[]> {
  const states: LicenseState[] = []
  for (const row of await listLicensesOfCustomer(db, customerId))
    states.push(await readLicenseState(db, row, now))
  return states
}

/**
 * Revokes the key alone, in the caller's transaction. Idempotent: a key already revoked by hand
 * keeps its first reason; one its grant had revoked gets the reason but no second event.
 */
export async function revokeLicense(
  trx: Executor,
  input: { id: string; reason: string; now: Date },
): Promise<{ state: LicenseState; changed: boolean }> {
  const before = await findLicenseById(trx, input.id)
  if (!before) throw new AppError('LICENSE_NOT_FOUND')
  const revokedAt = input.now.toISOString()
  const { reasonSet, revokedNow } = await setLicenseRevokedByHand(trx, { ...input, revokedAt })
  const row = (await findLicenseById(trx, input.id)) ?? before
  if (revokedNow) {
    await publishEvent(trx, { type: 'license.revoked', data: licenseEventData(row), now: input.now })
  }
  return { state: await readLicenseState(trx, row, input.now), changed: reasonSet }
}
