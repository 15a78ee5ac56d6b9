import type { Executor } from '../../db/database.js'
import type {
  NewWebhookDeliveryRow,
  WebhookDeliveryRow,
  WebhookDeliveryTable,
  WebhookEndpointRow,
} from './table.js'

export async function insertEndpoint(db: Executor, row: WebhookEndpointRow): Promise<void> {
  enabledInTransaction.delete(db)
  await db.insertInto('webhook_endpoints').values(row).execute()
}

export async function listEndpointRows(db: Executor): Promise<WebhookEndpointRow[]> {
  return db.selectFrom('webhook_endpoints').selectAll().orderBy('id').execute()
}

export async function findEndpointRow(db: Executor, id: string): Promise<WebhookEndpointRow | undefined> {
  return db.selectFrom('webhook_endpoints').selectAll().where('id', '=', id).executeTakeFirst()
}

export async function deleteEndpointRow(db: Executor, id: string): Promise<boolean> {
  enabledInTransaction.delete(db)
  await db.deleteFrom('webhook_deliveries').where('endpoint_id', '=', id).execute()
  const result = await db.deleteFrom('webhook_endpoints').where('id', '=', id).executeTakeFirst()
  return Number(result.numDeletedRows) > 0
}

/**
 * The enabled endpoints, read once per transaction: a purchase publishes an event per grant and one
 * for the order, each asking for the same list within one transaction. Outside a transaction every
 * call reads; a transaction that changes an endpoint itself (the writes below) reads again after.
 */
const enabledInTransaction = new WeakMap<Executor, Promise<readonly WebhookEndpointRow[]>>()

export function listEnabledEndpointRows(db: Executor): Promise<readonly WebhookEndpointRow[]> {
  if (!db.isTransaction) return readEnabledEndpointRows(db)
  let rows = enabledInTransaction.get(db)
  if (!rows) {
    rows = readEnabledEndpointRows(db)
    enabledInTransaction.set(db, rows)
  }
  return rows
}

async function readEnabledEndpointRows(db: Executor): Promise<readonly WebhookEndpointRow[]> {
  return Object.freeze(
    await db.selectFrom('webhook_endpoints').selectAll().where('status', '=', 'enabled').execute(),
  )
}

export async function insertDelivery(db: Executor, row: NewWebhookDeliveryRow): Promise<void> {
  await db.insertInto('webhook_deliveries').values(row).execute()
}

/**
 * Per enabled endpoint, its oldest pending delivery, if that one is due: a later event never
 * overtakes an earlier one that is still being retried (per-endpoint order). A disabled endpoint's
 * deliveries wait where they are, and never take the room of an enabled endpoint's in the limit.
 */
export async function listDueHeads(
  db: Executor,
  nowIso: string,
  limit: number,
): Promise<WebhookDeliveryRow[]> {
  const heads = db
    .selectFrom('webhook_deliveries')
    .select((eb) => ['endpoint_id', eb.fn.min('id').as('head_id')])
    .where('status', '=', 'pending')
    .groupBy('endpoint_id')
    .as('heads')
  return db
    .selectFrom('webhook_deliveries')
    .innerJoin(heads, 'heads.head_id', 'webhook_deliveries.id')
    .innerJoin('webhook_endpoints', 'webhook_endpoints.id', 'webhook_deliveries.endpoint_id')
    .selectAll('webhook_deliveries')
    .where('webhook_endpoints.status', '=', 'enabled')
    .where('webhook_deliveries.next_attempt_at', '<=', nowIso)
    .orderBy('webhook_deliveries.id')
    .limit(limit)
    .execute()
}

/** Records an attempt's outcome, only if nobody else did since it was read (attempts unchanged). */
export async function recordAttempt(
  db: Executor,
  row: WebhookDeliveryRow,
  set: Partial<Omit<WebhookDeliveryTable, 'id'>>,
): Promise<boolean> {
  const result = await db
    .updateTable('webhook_deliveries')
    .set(set)
    .where('id', '=', row.id)
    .where('attempts', '=', row.attempts)
    .executeTakeFirst()
  return Number(result.numUpdatedRows) > 0
}

export async function setEndpointFailures(
  db: Executor,
  id: string,
  set: { consecutive_failures: number; status?: 'enabled' | 'disabled'; disabled_at?: string | null },
): Promise<void> {
  enabledInTransaction.delete(db)
  await db.updateTable('webhook_endpoints').set(set).where('id', '=', id).execute()
}

export async function listDeliveryRows(
  db: Executor,
  endpointId: string | undefined,
  limit: number,
): Promise<WebhookDeliveryRow[]> {
  let query = db.selectFrom('webhook_deliveries').selectAll().orderBy('id', 'desc').limit(limit)
  if (endpointId) query = query.where('endpoint_id', '=', endpointId)
  return query.execute()
}

export async function findDeliveryRow(db: Executor, id: string): Promise<WebhookDeliveryRow | undefined> {
  return db.selectFrom('webhook_deliveries').selectAll().where('id', '=', id).executeTakeFirst()
}

/**
 * Brings an endpoint's head forward to `nowIso` when its next attempt is later (a retry the owner
 * does not want to wait for). Only a head waits: the deliveries behind it were never tried and
 * were due when made. A head being sent at this moment (its lease) may be sent again: at least once.
 */
export async function bringHeadForward(db: Executor, endpointId: string, nowIso: string): Promise<void> {
  await db
    .updateTable('webhook_deliveries')
    .set({ next_attempt_at: nowIso })
    .where('endpoint_id', '=', endpointId)
    .where('status', '=', 'pending')
    .where('next_attempt_at', '>', nowIso)
    .execute()
}

/**
 * Takes a due delivery for one sender: moves its next attempt to `leaseUntilIso` only if nobody
 * else did since it was read, so concurrent workers do not send it twice (a crashed sender's
 * lease simply runs out and the delivery is due again).
 */
export async function claimDelivery(
  db: Executor,
  row: WebhookDeliveryRow,
  leaseUntilIso: string,
): Promise<boolean> {
  const result = await db
    .updateTable('webhook_deliveries')
    .set({ next_attempt_at: leaseUntilIso })
    .where('id', '=', row.id)
    .where('status', '=', 'pending')
    .where('attempts', '=', row.attempts)
    .where('next_attempt_at', '=', row.next_attempt_at)
    .executeTakeFirst()
  return Number(result.numUpdatedRows) > 0
}
