/**
 * Licence keys, a feature kind of the catalog (`features[].license`, as Polar and Lemon Squeezy
 * offer): each order or subscription whose grants include a licence feature gets one key. The key
 * is a compact JWS (EdDSA, signed by the signing key the JWKS publishes), so an app can check it
 * offline; online, `validate|activate|deactivate` answer from the grant it follows, so a refund or
 * a lapse revokes it like any grant. Stored as SHA-256 for lookup and sealed for showing again.
 * @module
 */
export {
  activateLicense,
  deactivateLicense,
  getLicenseByKey,
  validateLicense,
} from './check.js'
export {
  type IssuedLicense,
  type LicenseSource,
  listLicensesFrom,
  syncCustomerLicenses,
  syncLicenses,
} from './issue.js'
export { LICENSE_TOKEN_TYPE } from './key-format.js'
export { type LicenseView, licenseSigningKids, listCustomerLicenses } from './list.js'
export { mailLicenseKeys } from './mail.js'
export {
  activationAnswer,
  type LicenseState,
  type LicenseStatus,
  licenseAnswer,
  licenseDetailAnswer,
  openLicenseKey,
} from './read.js'
export { getLicense, listLicenseStates, revokeLicense } from './revoke.js'
export type { LicenseKeyRow } from './table.js'
