import { sql } from 'kysely'
import type { Executor } from '../../db/database.js'
import { containsText } from '../../db/portable.js'
import type { AuditEntryRow, NewAuditEntryRow } from './table.js'

export async function insertAuditEntry(db: Executor, row: NewAuditEntryRow): Promise<void> {
  await db.insertInto('admin_audit_log').values(row).execute()
}

/**
 * The audit log, newest first: one customer's entries, and/or those whose actor, action or target
 * id contains `query` (any case, `%` and `_` taken literally).
 */
export async function listAuditEntries(
  db: Executor,
  options: { customerId?: string; query?: string; limit: number; offset: number },
): Promise<AuditEntryRow[]> {
  let query = db.selectFrom('admin_audit_log').selectAll()
  if (options.customerId) query = query.where('customer_id', '=', options.customerId)
  const needle = options.query?.trim().toLowerCase() ?? ''
  if (needle !== '')
    query = query.where((eb) =>
      eb.or(
        (['actor_email', 'action', 'target_id'] as const).map((column) =>
          containsText(sql`lower(${eb.ref(column)})`, needle),
        ),
      ),
    )
  return query.orderBy('id', 'desc').limit(options.limit).offset(options.offset).execute()
}
