/**
 * `entitlement.granted` and `entitlement.revoked` for other apps, published in the transaction
 * that grants or revokes (the outbox of outbound-webhooks). A grant whose window merely moves (a
 * renewal) is not a new grant and sends nothing.
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
  type: 'entitlement.granted' | 'entitlement.revoked',
  grant: GrantRow,
  now: Date,
): Promise<void> {
  await publishEvent(trx, { type, data: { ...grantObject(grant), source_id: grant.source_id }, now })
}
