import type { Executor } from '../../db/database.js'
import type { AuditEntryRow, NewAuditEntryRow } from './table.js'

export async function insertAuditEntry(db: Executor, row: NewAuditEntryRow): Promise<void> {
  await db.insertInto('admin_audit_log').values(row).execute()
}

/** Newest first; one customer's entries when `customerId` is given. */
export async function listAuditEntries(
  db: Executor,
  options: { customerId?: string; limit: number; offset: number },
): Promise<AuditEntryRow[]> {
  let query = db.selectFrom('admin_audit_log').selectAll()
  if (options.customerId) query = query.where('customer_id', '=', options.customerId)
  return query.orderBy('id', 'desc').limit(options.limit).offset(options.offset).execute()
}
