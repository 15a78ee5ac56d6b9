import type { Executor } from '../../db/database.js'
import { insertIfAbsent } from '../../db/portable.js'
import type { NewOwnerAlertRow, OwnerAlertRow, OwnerAlertUpdate } from './table.js'

/** True when this call wrote the alert; false when one with the same dedupe key exists. */
export async function insertAlert(db: Executor, row: NewOwnerAlertRow): Promise<boolean> {
  return insertIfAbsent(db, db.insertInto('owner_alerts').values(row), 'dedupe_key')
}

/** Alerts waiting for the webhook whose (re)try time has come, oldest first. */
export async function listDueWebhookAlerts(
  db: Executor,
  nowIso: string,
  limit: number,
): Promise<OwnerAlertRow[]> {
  return db
    .selectFrom('owner_alerts')
    .selectAll()
    .where('webhook_status', '=', 'pending')
    .where('next_attempt_at', '<=', nowIso)
    .orderBy('next_attempt_at')
    .orderBy('id')
    .limit(limit)
    .execute()
}

/** Counts the attempt and hides the row from other senders for a lease; only one worker wins. */
export async function claimWebhookAlert(
  db: Executor,
  row: OwnerAlertRow,
  leaseUntilIso: string,
): Promise<boolean> {
  const result = await db
    .updateTable('owner_alerts')
    .set({ attempts: row.attempts + 1, next_attempt_at: leaseUntilIso })
    .where('id', '=', row.id)
    .where('webhook_status', '=', 'pending')
    .where('attempts', '=', row.attempts)
    .executeTakeFirst()
  return Number(result.numUpdatedRows) > 0
}

export async function updateAlert(db: Executor, id: string, update: OwnerAlertUpdate): Promise<void> {
  await db.updateTable('owner_alerts').set(update).where('id', '=', id).execute()
}

/** How many alerts of each kind were raised in [fromIso, toIso). */
export async function countAlertsByKind(
  db: Executor,
  fromIso: string,
  toIso: string,
): Promise<{ kind: string; n: number }[]> {
  const rows = await db
    .selectFrom('owner_alerts')
    .select(['kind', (eb) => eb.fn.countAll<number | string>().as('n')])
    .where('created_at', '>=', fromIso)
    .where('created_at', '<', toIso)
    .groupBy('kind')
    .orderBy('kind')
    .execute()
  return rows.map((r) => ({ kind: r.kind, n: Number(r.n) }))
}

export async function listAlerts(db: Executor, limit: number): Promise<OwnerAlertRow[]> {
  return db
    .selectFrom('owner_alerts')
    .selectAll()
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute()
}
