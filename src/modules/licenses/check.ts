/**
 * The public licence checks other apps make with only the key (as Polar and Lemon Squeezy do: the
 * key is the credential, so no API key is needed): validate, activate on a device or install
 * (`label`), deactivate. Activations are counted under the licence's row lock, so two devices
 * activating at once cannot both take the last place.
 * @module
 */
import type { Executor } from '../../db/database.js'
import { AppError } from '../../lib/errors.js'
import { newId } from '../../lib/ids.js'
import { hashToken } from '../../lib/tokens.js'
import { type LicenseState, readLicenseState } from './read.js'
import { deleteActivation, findLicenseByHash, insertActivation, lockLicense } from './repo.js'
import type { LicenseActivationRow } from './table.js'

/** The licence a presented key names, with its state; throws LICENSE_NOT_FOUND. */
export async function getLicenseByKey(db: Executor, key: string, now: Date): Promise<LicenseState> {
  const row = await findLicenseByHash(db, hashToken(key))
  if (!row) throw new AppError('LICENSE_NOT_FOUND')
  return readLicenseState(db, row, now)
}

/** Validates a key (and, when given, that the activation belongs to it). */
export async function validateLicense(
  db: Executor,
  input: { key: string; activationId?: string | undefined; now: Date },
): Promise<{ state: LicenseState; activation?: LicenseActivationRow }> {
  const state = await getLicenseByKey(db, input.key, input.now)
  if (input.activationId === undefined) return { state }
  const activation = state.activations.find((a) => a.id === input.activationId)
  if (!activation) throw new AppError('LICENSE_ACTIVATION_NOT_FOUND', { details: { field: 'activation_id' } })
  return { state, activation }
}

/**
 * Activates a valid key for `label`; the same label again gets its existing activation back (an
 * app reinstalled on the same machine does not use up a place). Pass the open `trx`.
 */
export async function activateLicense(
  trx: Executor,
  input: { key: string; label: string; now: Date },
): Promise<{ state: LicenseState; activation: LicenseActivationRow; created: boolean }> {
  const found = await getLicenseByKey(trx, input.key, input.now)
  if (found.status !== 'granted')
    throw new AppError('LICENSE_NOT_VALID', { details: { status: found.status } })
  await lockLicense(trx, found.row.id)
  const state = await readLicenseState(trx, found.row, input.now)
  const same = state.activations.find((a) => a.label === input.label)
  if (same) return { state, activation: same, created: false }
  const limit = state.row.activation_limit
  if (limit !== null && state.activations.length >= limit) {
    throw new AppError('LICENSE_ACTIVATION_LIMIT', { details: { activation_limit: limit } })
  }
  const activation: LicenseActivationRow = {
    id: newId('lac', input.now.getTime()),
    license_id: state.row.id,
    label: input.label,
    created_at: input.now.toISOString(),
  }
  await insertActivation(trx, activation)
  return {
    state: { ...state, activations: [...state.activations, activation] },
    activation,
    created: true,
  }
}

/** Frees an activation's place. Works on a revoked key too, so apps can clean up. */
export async function deactivateLicense(
  trx: Executor,
  input: { key: string; activationId: string; now: Date },
): Promise<LicenseState> {
  const state = await getLicenseByKey(trx, input.key, input.now)
  if (!(await deleteActivation(trx, state.row.id, input.activationId))) {
    throw new AppError('LICENSE_ACTIVATION_NOT_FOUND', { details: { field: 'activation_id' } })
  }
  return { ...state, activations: state.activations.filter((a) => a.id !== input.activationId) }
}
