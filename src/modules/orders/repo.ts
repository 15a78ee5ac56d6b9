import { sql } from 'kysely'
import type { Executor } from '../../db/database.js'
import { insertIfAbsent } from '../../db/portable.js'
import type { NewOrderRow, OrderDisputeRow, OrderRow, OrderStatus } from './table.js'

/**
 * Inserts the order unless its Checkout Session already has one. The unique session id makes this
 * the idempotency point: a concurrent second caller waits (PostgreSQL) or runs after (SQLite) and
 * inserts nothing. Returns whether this call created the order.
 */
export async function insertOrderIfAbsent(db: Executor, row: NewOrderRow): Promise<boolean> {
  return insertIfAbsent(db, db.insertInto('orders').values(row), 'stripe_checkout_session_id')
}

export async function findOrderBySessionId(db: Executor, sessionId: string): Promise<OrderRow | undefined> {
  return db
    .selectFrom('orders')
    .selectAll()
    .where('stripe_checkout_session_id', '=', sessionId)
    .executeTakeFirst()
}

export async function findOrderByPaymentIntent(
  db: Executor,
  paymentIntentId: string,
): Promise<OrderRow | undefined> {
  return db
    .selectFrom('orders')
    .selectAll()
    .where('stripe_payment_intent_id', '=', paymentIntentId)
    .executeTakeFirst()
}

/** The order a PaymentIntent (an id or the expanded object) paid for, if any. */
export async function findOrderPaidBy(
  db: Executor,
  paymentIntent: string | { id: string } | null,
): Promise<OrderRow | undefined> {
  const id = typeof paymentIntent === 'string' ? paymentIntent : paymentIntent?.id
  return id ? findOrderByPaymentIntent(db, id) : undefined
}

export async function listOrdersOfCustomer(db: Executor, customerId: string): Promise<OrderRow[]> {
  return db
    .selectFrom('orders')
    .selectAll()
    .where('customer_id', '=', customerId)
    .orderBy('created_at', 'desc')
    .execute()
}

/**
 * Takes the sealed token off the order, only if nobody has yet and the order is recent enough.
 * The update is conditional on the value read, so exactly one concurrent caller gets it.
 */
export async function takeSealedAccessToken(
  db: Executor,
  orderId: string,
  input: { nowIso: string; createdAfterIso: string },
): Promise<string | undefined> {
  const row = await db
    .selectFrom('orders')
    .select(['sealed_access_token', 'created_at'])
    .where('id', '=', orderId)
    .where('revealed_at', 'is', null)
    .executeTakeFirst()
  const sealed = row?.sealed_access_token
  if (!row || !sealed || row.created_at <= input.createdAfterIso) return undefined
  const result = await db
    .updateTable('orders')
    .set({ sealed_access_token: null, revealed_at: input.nowIso })
    .where('id', '=', orderId)
    .where('revealed_at', 'is', null)
    .where('sealed_access_token', '=', sealed)
    .executeTakeFirst()
  return Number(result.numUpdatedRows) === 1 ? sealed : undefined
}

/**
 * Records the refunded amount. With `fromAmount`, only if the order still has that amount (a
 * compare-and-set: of concurrent handlers, exactly one sees `true` and acts on the change).
 */
export async function updateOrderRefund(
  db: Executor,
  orderId: string,
  input: { status: OrderStatus; amountRefunded: number; refundedAt: string | null; fromAmount?: number },
): Promise<boolean> {
  let query = db
    .updateTable('orders')
    .set({ status: input.status, amount_refunded: input.amountRefunded, refunded_at: input.refundedAt })
    .where('id', '=', orderId)
  if (input.fromAmount !== undefined) query = query.where('amount_refunded', '=', input.fromAmount)
  const result = await query.executeTakeFirst()
  return Number(result.numUpdatedRows) > 0
}

/** Forgets seals nobody revealed in time (housekeeping). */
export async function clearStaleSeals(db: Executor, createdBeforeIso: string): Promise<void> {
  await db
    .updateTable('orders')
    .set({ sealed_access_token: null })
    .where('sealed_access_token', 'is not', null)
    .where('created_at', '<=', createdBeforeIso)
    .execute()
}

/** Records the dispute's latest state; returns true when this is the first time we see it. */
export async function upsertOrderDispute(db: Executor, row: OrderDisputeRow): Promise<boolean> {
  if (await insertIfAbsent(db, db.insertInto('order_disputes').values(row), 'stripe_dispute_id')) return true
  await db
    .updateTable('order_disputes')
    .set({ status: row.status, evidence_due_by: row.evidence_due_by, updated_at: row.updated_at })
    .where('stripe_dispute_id', '=', row.stripe_dispute_id)
    .execute()
  return false
}

/** Sets the status (only from `from`, when given: a compare-and-set); true when the row changed. */
export async function setOrderStatus(
  db: Executor,
  orderId: string,
  status: OrderStatus,
  from?: OrderStatus,
): Promise<boolean> {
  let query = db.updateTable('orders').set({ status }).where('id', '=', orderId)
  if (from !== undefined) query = query.where('status', '=', from)
  const result = await query.executeTakeFirst()
  return Number(result.numUpdatedRows) > 0
}

/** Orders per day, currency and product created in [from, to) (the owner's sales figures). */
export async function sumOrdersByDay(
  db: Executor,
  fromIso: string,
  toIso: string,
): Promise<{ day: string; currency: string; product_id: string; count: number; amount: number }[]> {
  const rows = await db
    .selectFrom('orders')
    .select((eb) => [
      sql<string>`substr(created_at, 1, 10)`.as('day'),
      'currency',
      'product_id',
      eb.fn.countAll<number | string>().as('count'),
      eb.fn.sum<number | string>('amount').as('amount'),
    ])
    .where('created_at', '>=', fromIso)
    .where('created_at', '<', toIso)
    .groupBy([sql`substr(created_at, 1, 10)`, 'currency', 'product_id'])
    .execute()
  return rows.map((r) => ({ ...r, count: Number(r.count), amount: Number(r.amount) }))
}

/** Refunded amounts per day and currency, dated by each order's latest refund, in [from, to). */
export async function sumRefundsByDay(
  db: Executor,
  fromIso: string,
  toIso: string,
): Promise<{ day: string; currency: string; amount: number }[]> {
  const rows = await db
    .selectFrom('orders')
    .select((eb) => [
      sql<string>`substr(refunded_at, 1, 10)`.as('day'),
      'currency',
      eb.fn.sum<number | string>('amount_refunded').as('amount'),
    ])
    .where('refunded_at', '>=', fromIso)
    .where('refunded_at', '<', toIso)
    .groupBy([sql`substr(refunded_at, 1, 10)`, 'currency'])
    .execute()
  return rows.map((r) => ({ ...r, amount: Number(r.amount) }))
}

export async function findOrderById(db: Executor, id: string): Promise<OrderRow | undefined> {
  return db.selectFrom('orders').selectAll().where('id', '=', id).executeTakeFirst()
}

export type OrderFilter = { status?: string; productId?: string; fromIso?: string; toIso?: string }

/** Orders for the owner console, newest first, filtered by status, product and creation date. */
export async function listOrdersPage(
  db: Executor,
  filter: OrderFilter,
  page: { limit: number; offset: number },
): Promise<OrderRow[]> {
  let q = db.selectFrom('orders').selectAll()
  if (filter.status) q = q.where('status', '=', filter.status as OrderStatus)
  if (filter.productId) q = q.where('product_id', '=', filter.productId)
  if (filter.fromIso) q = q.where('created_at', '>=', filter.fromIso)
  if (filter.toIso) q = q.where('created_at', '<', filter.toIso)
  return q.orderBy('id', 'desc').limit(page.limit).offset(page.offset).execute()
}
