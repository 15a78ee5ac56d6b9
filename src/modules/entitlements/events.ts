/**
 * `entitlement.granted`, `entitlement.updated` and `entitlement.revoked` for other apps, published
 * in the transaction that grants, re-windows or revokes (the outbox of outbound-webhooks). A grant
 * whose window moves (a renewal, an owner's new `until`) keeps its id and is `updated`, so a copy
 * kept by id stays current and a new grant is never announced twice.
 * @module
 */
import type { Executor } from '../../db/database.js'
import { publishEvent } from '../outbound-webhooks/index.js'
import type { GrantRow } from './table.js'

/** A grant as other apps see it: the `/api/v1/grants` answer and the data of its events. */
export function grantObject(g: GrantRow) {
  return {
    id: g.id,
    object: 'grant' as const,
    customer_id: g.customer_id,
    feature: g.feature,
    source: g.source_type,
    starts_at: g.starts_at,
    ends_at: g.ends_at,
    revoked_at: g.revoked_at,
  }
}

export async function publishGrantEvent(
  trx: Executor,
  type: 'entitlement.granted' | 'entitlement.updated' | 'entitlement.revoked',
  grant: GrantRow,
  now: Date,
): Promise<void> {
  await publishEvent(trx, { type, data: { ...grantObject(grant), source_id: grant.source_id }, now })
}
