/** The licence keys a customer holds, opened to be shown again (the library). */
import type { Deps } from '../../deps.js'
import { findFeature } from '../catalog/index.js'
import { type LicenseStatus, openLicenseKey, readLicenseState } from './read.js'
import { listLicensesOfCustomer, listLiveLicenseKids } from './repo.js'

export type LicenseView = {
  id: string
  feature: string
  name: string
  /** The key; null when it cannot be opened (SESSION_SECRET changed since it was issued). */
  key: string | null
  status: LicenseStatus
  expiresAt: Date | null
  activationLimit: number | null
  activations: number
}

export async function listCustomerLicenses(deps: Deps, customerId: string): Promise<LicenseView[]> {
  const now = deps.clock.now()
  const views: LicenseView[] = []
  for (const row of await listLicensesOfCustomer(deps.db, customerId)) {
    const state = await readLicenseState(deps.db, row, now)
    views.push({
      id: row.id,
      feature: row.feature,
      name: findFeature(deps.catalog, row.feature)?.name ?? row.feature,
      key: openLicenseKey(deps.config.sessionSecret, row) ?? null,
      status: state.status,
      expiresAt: state.expiresAt,
      activationLimit: row.activation_limit,
      activations: state.activations.length,
    })
  }
  return views
}

/** The signing keys (kids) the JWKS must keep publishing while keys they signed are in force. */
export async function licenseSigningKids(deps: Deps): Promise<Set<string>> {
  return new Set(await listLiveLicenseKids(deps.db))
}
