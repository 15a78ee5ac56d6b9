/**
 * The audit log: one append-only row per admin change (who, what, target, when, before and
 * after). Written in the same transaction as the local change it describes; changes made at
 * Stripe are logged when asked for, since their local effect arrives later as an event.
 * @module
 */
import type { Executor } from '../../db/database.js'
import { newId } from '../../lib/ids.js'
import { insertAuditEntry } from './repo.js'

export type AuditInput = {
  actor: string
  action: string
  target: { type: string; id: string }
  customerId?: string | null
  before?: unknown
  after?: unknown
  reason?: string | null
}

export async function recordAudit(db: Executor, now: Date, input: AuditInput): Promise<void> {
  await insertAuditEntry(db, {
    id: newId('aud', now.getTime()),
    actor_email: input.actor,
    action: input.action,
    target_type: input.target.type,
    target_id: input.target.id,
    customer_id: input.customerId ?? null,
    before_json: input.before === undefined ? null : JSON.stringify(input.before),
    after_json: input.after === undefined ? null : JSON.stringify(input.after),
    reason: input.reason ?? null,
    created_at: now.toISOString(),
  })
}
