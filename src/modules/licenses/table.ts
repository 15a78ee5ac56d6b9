import type { Insertable, Selectable } from 'kysely'

/**
 * One licence key per order or subscription and licence feature. The key is shown to the buyer,
 * so it is stored twice: its SHA-256 for lookup, and sealed (AES-GCM under SESSION_SECRET) so the
 * library and the emails can show it again. Whether it is valid follows the grant of the same
 * source and feature; `revoked_at` mirrors that grant being revoked.
 */
export interface LicenseKeyTable {
  id: string
  customer_id: string
  source_type: 'order' | 'subscription'
  source_id: string
  feature: string
  key_hash: string
  sealed_key: string
  /** The signing key (JWKS `kid`) whose signature the key carries. */
  kid: string
  /** Activations allowed; null = no limit. */
  activation_limit: number | null
  created_at: string
  revoked_at: string | null
  /**
   * Set when the key was revoked on its own (by an integrator), naming who and why; null when it
   * follows its grant. A key revoked by hand stays revoked whatever its grant does.
   */
  revoked_reason: string | null
}

/** A device or install a key was activated on (`POST /api/v1/licenses/activate`). */
export interface LicenseActivationTable {
  id: string
  license_id: string
  label: string
  created_at: string
}

export type LicenseKeyRow = Selectable<LicenseKeyTable>
export type NewLicenseKeyRow = Insertable<LicenseKeyTable>
export type LicenseActivationRow = Selectable<LicenseActivationTable>
