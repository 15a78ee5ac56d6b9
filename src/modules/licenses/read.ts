/**
 * What a licence key is now: its row plus the state of the grant it follows (`granted`, `expired`
 * when the grant's window ran out, `revoked` when the grant was revoked), the activations, and the
 * shapes other apps see (API answers and event data). The key itself is never in an event.
 * @module
 */
import type { Executor } from '../../db/database.js'
import { unseal } from '../../lib/seal.js'
import { decideAccess, listGrantsFrom } from '../entitlements/index.js'
import { LICENSE_SEAL_PURPOSE } from './key-format.js'
import { listActivations } from './repo.js'
import type { LicenseActivationRow, LicenseKeyRow } from './table.js'

export type LicenseStatus = 'granted' | 'expired' | 'revoked'

export type LicenseState = {
  row: LicenseKeyRow
  status: LicenseStatus
  /** When the grant ends (null = forever or unknown once it has ended). */
  expiresAt: Date | null
  activations: LicenseActivationRow[]
}

export async function readLicenseState(db: Executor, row: LicenseKeyRow, now: Date): Promise<LicenseState> {
  const grants = (await listGrantsFrom(db, { type: row.source_type, id: row.source_id })).filter(
    (g) => g.feature === row.feature,
  )
  const decision = decideAccess(grants, now)
  const status: LicenseStatus =
    row.revoked_at !== null || (!decision.allowed && decision.revokedBecause)
      ? 'revoked'
      : decision.allowed
        ? 'granted'
        : 'expired'
  const expiresAt = decision.allowed ? (decision.until ?? null) : (decision.endedAt ?? null)
  return { row, status, expiresAt, activations: await listActivations(db, row.id) }
}

/** The last characters of a key, enough to tell keys apart in a list or an event. */
export function keyHint(sealedOrKey: string): string {
  return `…${sealedOrKey.slice(-8)}`
}

/** Opens a stored key to show it again (library, email); undefined if SESSION_SECRET changed. */
export function openLicenseKey(secret: string, row: LicenseKeyRow): string | undefined {
  return unseal(secret, LICENSE_SEAL_PURPOSE, row.sealed_key)
}

export function licenseEventData(row: LicenseKeyRow): Record<string, unknown> {
  return {
    id: row.id,
    object: 'license_key',
    customer_id: row.customer_id,
    feature: row.feature,
    source: { type: row.source_type, id: row.source_id },
    activation_limit: row.activation_limit,
    created_at: row.created_at,
    revoked_at: row.revoked_at,
  }
}

/** The answer of `/api/v1/licenses/*`. */
export function licenseAnswer(state: LicenseState) {
  return {
    object: 'license_key' as const,
    id: state.row.id,
    valid: state.status === 'granted',
    status: state.status,
    feature: state.row.feature,
    customer_id: state.row.customer_id,
    expires_at: state.expiresAt?.toISOString() ?? null,
    activation_limit: state.row.activation_limit,
    activations: state.activations.length,
  }
}

export function activationAnswer(a: LicenseActivationRow) {
  return { object: 'license_activation' as const, id: a.id, label: a.label, created_at: a.created_at }
}

/**
 * The answer of the integrator reads (`GET /api/v1/licenses/{id}`): the state plus where the key
 * came from, its activations and who revoked it. Never the key itself: the buyer has it (email,
 * library), and an API key that could read every customer's licence keys would be a key store.
 */
export function licenseDetailAnswer(state: LicenseState) {
  return {
    ...licenseAnswer(state),
    source: { type: state.row.source_type, id: state.row.source_id },
    created_at: state.row.created_at,
    revoked_at: state.row.revoked_at,
    revoked_reason: state.row.revoked_reason,
    activation_list: state.activations.map(activationAnswer),
  }
}
