/**
 * Licence keys follow grants. After an order or a subscription changes its grants, the source's
 * licences are brought in line in the same transaction: a live grant of a licence feature without a
 * key gets one (`license.created`), a key whose grant was revoked is revoked (`license.revoked`),
 * and one whose grant came back is valid again (`license.created`, as integrators must hand it out
 * again) unless it was revoked by hand (revoke.ts). Idempotent: running it twice changes nothing.
 * @module
 */
import type { Executor } from '../../db/database.js'
import type { Deps } from '../../deps.js'
import { newId } from '../../lib/ids.js'
import { seal } from '../../lib/seal.js'
import { hashToken } from '../../lib/tokens.js'
import { findFeature } from '../catalog/index.js'
import { type GrantRow, listGrantsFrom } from '../entitlements/index.js'
import { publishEvent } from '../outbound-webhooks/index.js'
import { getSigningKey, TOKEN_ALGORITHM } from '../signing/index.js'
import { LICENSE_SEAL_PURPOSE, LICENSE_TOKEN_TYPE } from './key-format.js'
import { licenseEventData } from './read.js'
import {
  findLicenseOfSource,
  insertLicenseKey,
  listLicensesOfCustomer,
  listLicensesOfSource,
  setLicenseRevoked,
} from './repo.js'
import type { LicenseKeyRow } from './table.js'

export type LicenseSource = { type: 'order' | 'subscription'; id: string }
export type IssuedLicense = { id: string; feature: string; name: string; key: string }

/** Brings the source's licence keys in line with its grants; returns the keys made by this call. */
export async function syncLicenses(
  deps: Deps,
  trx: Executor,
  input: { customerId: string; source: LicenseSource; now: Date },
): Promise<IssuedLicense[]> {
  // A key is only kept in line while its feature has licence terms in the catalog (below); with
  // none anywhere there is nothing to do, and the source's grants are not read.
  if (!deps.catalog.features.some((f) => f.license)) return []
  const grants = await listGrantsFrom(trx, input.source)
  const issued: IssuedLicense[] = []
  for (const feature of new Set(grants.map((g) => g.feature))) {
    const terms = findFeature(deps.catalog, feature)
    if (!terms?.license) continue
    const live = grants.find((g) => g.feature === feature && g.revoked_at === null)
    const existing = await findLicenseOfSource(trx, input.source, feature)
    if (existing?.revoked_reason) continue // revoked by hand: the grant no longer decides
    if (live && !existing) {
      const made = await createLicense(deps, trx, {
        ...input,
        grant: live,
        limit: terms.license.activationLimit,
      })
      issued.push({ id: made.row.id, feature, name: terms.name, key: made.key })
      await publishEvent(trx, { type: 'license.created', data: licenseEventData(made.row), now: input.now })
    } else if (existing && (live ? existing.revoked_at !== null : existing.revoked_at === null)) {
      const revokedAt = live ? null : input.now.toISOString()
      if (!(await setLicenseRevoked(trx, existing.id, revokedAt))) continue
      await publishEvent(trx, {
        type: live ? 'license.created' : 'license.revoked',
        data: licenseEventData({ ...existing, revoked_at: revokedAt }),
        now: input.now,
      })
    }
  }
  return issued
}

/**
 * After grants changed by hand (the owner's revoke, an integrator's `DELETE /api/v1/grants/{id}`),
 * brings every licence of the customer in line with its grant.
 */
export async function syncCustomerLicenses(
  deps: Deps,
  trx: Executor,
  input: { customerId: string; now: Date },
): Promise<void> {
  const sources = new Map<string, LicenseSource>()
  for (const row of await listLicensesOfCustomer(trx, input.customerId)) {
    sources.set(`${row.source_type}:${row.source_id}`, { type: row.source_type, id: row.source_id })
  }
  for (const source of sources.values()) await syncLicenses(deps, trx, { ...input, source })
}

/** The keys of one source (e.g. an order, for its confirmation email). */
export function listLicensesFrom(db: Executor, source: LicenseSource): Promise<LicenseKeyRow[]> {
  return listLicensesOfSource(db, source)
}

async function createLicense(
  deps: Deps,
  trx: Executor,
  input: { customerId: string; source: LicenseSource; now: Date; grant: GrantRow; limit: number | null },
): Promise<{ row: LicenseKeyRow; key: string }> {
  const id = newId('lic', input.now.getTime())
  const signing = await getSigningKey(deps, trx)
  const { SignJWT } = await import('jose') // loaded on the first key, not at start
  const issuedAt = Math.floor(input.now.getTime() / 1000)
  const jwt = new SignJWT({ feature: input.grant.feature, activation_limit: input.limit })
    .setProtectedHeader({ alg: TOKEN_ALGORITHM, kid: signing.kid, typ: LICENSE_TOKEN_TYPE })
    .setIssuer(deps.config.publicUrl)
    .setSubject(input.customerId)
    .setJti(id)
    .setIssuedAt(issuedAt)
  // A one-time purchase with a fixed end carries it; a subscription's end moves, so only the
  // online check knows it (offline, the key proves it was issued by this shop).
  if (input.source.type === 'order' && input.grant.ends_at) {
    jwt.setExpirationTime(Math.floor(Date.parse(input.grant.ends_at) / 1000))
  }
  const key = await jwt.sign(signing.privateKey)
  const row: LicenseKeyRow = {
    id,
    customer_id: input.customerId,
    source_type: input.source.type,
    source_id: input.source.id,
    feature: input.grant.feature,
    key_hash: hashToken(key),
    sealed_key: seal(deps.config.sessionSecret, LICENSE_SEAL_PURPOSE, key),
    kid: signing.kid,
    activation_limit: input.limit,
    created_at: input.now.toISOString(),
    revoked_at: null,
    revoked_reason: null,
  }
  await insertLicenseKey(trx, row)
  return { row, key }
}
