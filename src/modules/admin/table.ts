import type { Insertable, Selectable } from 'kysely'

/** What an admin changed, append-only: never updated or deleted by the app. */
export interface AdminAuditLogTable {
  id: string
  actor_email: string
  /** What was done, e.g. `order.refund`, `subscription.cancel`, `grant.create`. */
  action: string
  target_type: string
  target_id: string
  /** The customer the change concerns, so their page lists it. */
  customer_id: string | null
  before_json: string | null
  after_json: string | null
  reason: string | null
  created_at: string
}

export type AuditEntryRow = Selectable<AdminAuditLogTable>
export type NewAuditEntryRow = Insertable<AdminAuditLogTable>
