/**
 * Granting and revoking features. Every source (an order, a subscription, a manual grant) keeps at
 * most one live grant per feature: granting again moves that grant's window instead of stacking
 * rows, so re-running a fulfilment or a subscription sync converges on the same state. Other apps
 * hear of each change: `entitlement.granted` for a new grant, `entitlement.updated` for a window
 * that moved, `entitlement.revoked`.
 * @module
 */
import type { Executor } from '../../db/database.js'
import { newId } from '../../lib/ids.js'
import { publishGrantEvent } from './events.js'
import {
  findGrantById,
  findLiveGrantFromSource,
  insertGrant,
  listGrantsOfCustomer,
  listGrantsOfFeature,
  listGrantsOfSource,
  listManuallyRevokedFeatures,
  revokeGrantRow,
  setGrantReason,
  updateGrantWindow,
} from './repo.js'
import type { GrantRow, GrantSourceType } from './table.js'

export type GrantSource = { type: GrantSourceType; id: string }

export type GrantInput = {
  customerId: string
  feature: string
  source: GrantSource
  startsAt: Date
  /** null = forever */
  endsAt: Date | null
  reason?: string
  /** Creation time of a new row (`deps.clock.now()`). */
  now: Date
  /**
   * The source was created in this transaction (a new order): it cannot have a grant yet, so the
   * lookup for one is skipped.
   */
  newSource?: boolean
}

/** What granting did: made a grant, moved the window of the one held, or found it as asked. */
export type GrantOutcome = { id: string; change: 'created' | 'updated' | 'unchanged' }

/** Grants (or re-windows) one feature from one source. Pass the open `trx`. */
export async function grantFeature(trx: Executor, input: GrantInput): Promise<GrantOutcome> {
  const endsAt = input.endsAt ? input.endsAt.toISOString() : null
  const live = input.newSource ? undefined : await findLiveGrantFromSource(trx, input.source, input.feature)
  if (live) {
    // The reason follows the source's state (a subscription's `trialing` becomes `active`).
    if (input.reason !== undefined) await setGrantReason(trx, live.id, input.reason)
    const startsAt = continuedStart(live, input.startsAt)
    if (live.starts_at === startsAt && live.ends_at === endsAt) return { id: live.id, change: 'unchanged' }
    await updateGrantWindow(trx, live.id, { startsAt, endsAt })
    const updated = { ...live, starts_at: startsAt, ends_at: endsAt }
    await publishGrantEvent(trx, 'entitlement.updated', updated, input.now)
    return { id: live.id, change: 'updated' }
  }
  const row: GrantRow = {
    id: newId('grt', input.now.getTime()),
    customer_id: input.customerId,
    feature: input.feature,
    source_type: input.source.type,
    source_id: input.source.id,
    starts_at: input.startsAt.toISOString(),
    ends_at: endsAt,
    revoked_at: null,
    reason: input.reason ?? null,
    created_at: input.now.toISOString(),
  }
  await insertGrant(trx, row)
  await publishGrantEvent(trx, 'entitlement.granted', row, input.now)
  return { id: row.id, change: 'created' }
}

/**
 * Where a re-granted window starts. A grant that had begun and had not ended by the new start goes
 * on without a gap, so it keeps when access started (an owner's re-grant with a new `until` is not
 * new access); a window asked to start earlier, or after the held one ended, starts as asked.
 */
function continuedStart(live: GrantRow, startsAt: Date): string {
  const from = startsAt.getTime()
  const begun = Date.parse(live.starts_at) <= from
  const open = live.ends_at === null || Date.parse(live.ends_at) >= from
  return begun && open ? live.starts_at : startsAt.toISOString()
}

/** Revokes the given live grants one by one (compare-and-set), publishing each this call revoked. */
async function revokeEach(
  trx: Executor,
  grants: GrantRow[],
  at: { now: Date; reason: string },
): Promise<number> {
  let revoked = 0
  for (const grant of grants) {
    const revokedAt = at.now.toISOString()
    if (!(await revokeGrantRow(trx, { id: grant.id, revokedAt, reason: at.reason }))) continue
    revoked++
    await publishGrantEvent(
      trx,
      'entitlement.revoked',
      { ...grant, revoked_at: revokedAt, reason: at.reason },
      at.now,
    )
  }
  return revoked
}

/** Revokes every live grant of a source (optionally one feature); returns how many were revoked. */
export async function revokeGrantsBySource(
  trx: Executor,
  source: GrantSource,
  options: { now: Date; reason: string; feature?: string },
): Promise<number> {
  const live = (await listGrantsOfSource(trx, source)).filter(
    (g) => g.revoked_at === null && (options.feature === undefined || g.feature === options.feature),
  )
  return revokeEach(trx, live, options)
}

/** Ends every live grant of one feature for a customer, whatever its source (an owner's revoke). */
export async function revokeFeature(
  trx: Executor,
  input: { customerId: string; feature: string; now: Date; reason: string },
): Promise<number> {
  const live = (await listGrantsOfFeature(trx, input.customerId, input.feature)).filter(
    (g) => g.revoked_at === null,
  )
  return revokeEach(trx, live, input)
}

/** Features of a source that the owner revoked by hand: reconciliation leaves them revoked. */
export function listFeaturesRevokedByHand(
  db: Executor,
  source: { type: 'subscription'; id: string },
): Promise<string[]> {
  return listManuallyRevokedFeatures(db, source)
}

/** Every grant a customer holds or held, oldest first. */
export function listGrants(db: Executor, customerId: string): Promise<GrantRow[]> {
  return listGrantsOfCustomer(db, customerId)
}

/** Every grant that came from one source (an order, a subscription). */
export function listGrantsFrom(db: Executor, source: GrantSource): Promise<GrantRow[]> {
  return listGrantsOfSource(db, source)
}

/** One grant by id (an integrator's `DELETE /api/v1/grants/{id}` names it so). */
export async function findGrant(db: Executor, id: string): Promise<GrantRow | undefined> {
  return findGrantById(db, id)
}

/**
 * Revokes one grant by id. The reason starts `manual revoke`, so a subscription's reconciliation
 * leaves it revoked, as with the operator's revoke. True when this call revoked it.
 */
export async function revokeGrant(
  db: Executor,
  input: { id: string; now: Date; reason: string },
): Promise<boolean> {
  const grant = await findGrantById(db, input.id)
  if (!grant || grant.revoked_at !== null) return false
  return (await revokeEach(db, [grant], { now: input.now, reason: `manual revoke: ${input.reason}` })) > 0
}
