import { sql } from 'kysely'
import type { Executor } from '../../db/database.js'
import { insertIfAbsent, upsert } from '../../db/portable.js'
import type { InvoiceRow, NewInvoiceRow, NewSubscriptionRow, SubscriptionRow, TrialUseRow } from './table.js'

/** Inserts the row unless the Stripe subscription is known; true when this call inserted it. */
export async function insertSubscriptionIfAbsent(db: Executor, row: NewSubscriptionRow): Promise<boolean> {
  return insertIfAbsent(db, db.insertInto('subscriptions').values(row), 'stripe_subscription_id')
}

/**
 * Reads the row after a no-op update, so that on PostgreSQL and MySQL the row is locked until the
 * transaction ends (SQLite has one writer anyway). Portable stand-in for SELECT … FOR UPDATE; the
 * read sees the last committed row because both servers run READ COMMITTED (db/mysql.ts).
 */
export async function lockSubscriptionByStripeId(
  trx: Executor,
  stripeSubscriptionId: string,
): Promise<SubscriptionRow | undefined> {
  await trx
    .updateTable('subscriptions')
    .set((eb) => ({ updated_at: eb.ref('updated_at') }))
    .where('stripe_subscription_id', '=', stripeSubscriptionId)
    .execute()
  return findSubscriptionByStripeId(trx, stripeSubscriptionId)
}

export async function findSubscriptionByStripeId(
  db: Executor,
  stripeSubscriptionId: string,
): Promise<SubscriptionRow | undefined> {
  return db
    .selectFrom('subscriptions')
    .selectAll()
    .where('stripe_subscription_id', '=', stripeSubscriptionId)
    .executeTakeFirst()
}

export async function updateSubscription(
  db: Executor,
  id: string,
  values: Omit<NewSubscriptionRow, 'id' | 'created_at' | 'stripe_subscription_id'>,
): Promise<void> {
  await db.updateTable('subscriptions').set(values).where('id', '=', id).execute()
}

export async function listSubscriptionsOfCustomer(
  db: Executor,
  customerId: string,
): Promise<SubscriptionRow[]> {
  return db
    .selectFrom('subscriptions')
    .selectAll()
    .where('customer_id', '=', customerId)
    .orderBy('created_at', 'desc')
    .execute()
}

/** Subscriptions in a plan family that still hold (or may regain) the plan. */
export async function listLiveSubscriptionsInFamily(
  db: Executor,
  customerId: string,
  family: string,
): Promise<SubscriptionRow[]> {
  return db
    .selectFrom('subscriptions')
    .selectAll()
    .where('customer_id', '=', customerId)
    .where('plan_family', '=', family)
    .where('status', 'in', ['trialing', 'active', 'past_due', 'unpaid', 'paused'])
    .execute()
}

export async function upsertInvoice(db: Executor, row: NewInvoiceRow): Promise<void> {
  await upsert(db, db.insertInto('invoices').values(row), 'stripe_invoice_id', {
    status: row.status,
    subtotal: row.subtotal,
    total: row.total,
    amount_due: row.amount_due,
    amount_paid: row.amount_paid,
    attempt_count: row.attempt_count,
    hosted_invoice_url: row.hosted_invoice_url,
    invoice_pdf: row.invoice_pdf,
    number: row.number,
    period_start: row.period_start,
    period_end: row.period_end,
    updated_at: row.updated_at,
  })
}

export async function listInvoicesOfCustomer(
  db: Executor,
  customerId: string,
  limit = 24,
): Promise<InvoiceRow[]> {
  return db
    .selectFrom('invoices')
    .selectAll()
    .where('customer_id', '=', customerId)
    .orderBy('stripe_created', 'desc')
    .limit(limit)
    .execute()
}

export async function findInvoiceByStripeId(
  db: Executor,
  stripeInvoiceId: string,
): Promise<InvoiceRow | undefined> {
  return db
    .selectFrom('invoices')
    .selectAll()
    .where('stripe_invoice_id', '=', stripeInvoiceId)
    .executeTakeFirst()
}

/** One invoice of one customer: another customer's id finds nothing. */
export async function findInvoiceOfCustomer(
  db: Executor,
  customerId: string,
  invoiceId: string,
): Promise<InvoiceRow | undefined> {
  return db
    .selectFrom('invoices')
    .selectAll()
    .where('id', '=', invoiceId)
    .where('customer_id', '=', customerId)
    .executeTakeFirst()
}

/** Paid subscription invoices per day and currency in [from, to), dated by their creation. */
export async function sumPaidInvoicesByDay(
  db: Executor,
  fromIso: string,
  toIso: string,
): Promise<{ day: string; currency: string; count: number; amount: number }[]> {
  const rows = await db
    .selectFrom('invoices')
    .select((eb) => [
      sql<string>`substr(stripe_created, 1, 10)`.as('day'),
      'currency',
      eb.fn.countAll<number | string>().as('count'),
      eb.fn.sum<number | string>('amount_paid').as('amount'),
    ])
    .where('status', '=', 'paid')
    .where('amount_paid', '>', 0)
    .where('stripe_created', '>=', fromIso)
    .where('stripe_created', '<', toIso)
    .groupBy([sql`substr(stripe_created, 1, 10)`, 'currency'])
    .execute()
  return rows.map((r) => ({ ...r, count: Number(r.count), amount: Number(r.amount) }))
}

/**
 * Records what has been refunded of an invoice's payment (the charge's running total). Only a
 * larger total moves it, so refund events handled out of order leave the latest; true when moved.
 */
export async function recordInvoiceRefund(
  db: Executor,
  stripeInvoiceId: string,
  refund: { amountRefunded: number; refundedAt: string },
): Promise<boolean> {
  const result = await db
    .updateTable('invoices')
    .set({ amount_refunded: refund.amountRefunded, refunded_at: refund.refundedAt })
    .where('stripe_invoice_id', '=', stripeInvoiceId)
    .where('amount_refunded', '<', refund.amountRefunded)
    .executeTakeFirst()
  return Number(result.numUpdatedRows) > 0
}

/** Refunded amounts of subscription invoices per day and currency, dated by the latest refund. */
export async function sumInvoiceRefundsByDay(
  db: Executor,
  fromIso: string,
  toIso: string,
): Promise<{ day: string; currency: string; amount: number }[]> {
  const rows = await db
    .selectFrom('invoices')
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

/** Subscriptions for the owner console, newest first, filtered by plan and status. */
export async function listSubscriptionsPage(
  db: Executor,
  filter: { status?: string; lookupKey?: string; customerId?: string },
  page: { limit: number; offset: number },
): Promise<SubscriptionRow[]> {
  let q = db.selectFrom('subscriptions').selectAll()
  if (filter.status) q = q.where('status', '=', filter.status)
  if (filter.lookupKey) q = q.where('price_lookup_key', '=', filter.lookupKey)
  if (filter.customerId) q = q.where('customer_id', '=', filter.customerId)
  return q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(page.limit).offset(page.offset).execute()
}

/** Records that a subscription started with a trial (once per subscription). */
export async function insertTrialUseIfAbsent(db: Executor, row: TrialUseRow): Promise<boolean> {
  return insertIfAbsent(db, db.insertInto('trial_uses').values(row), 'stripe_subscription_id')
}

/** The card behind a trial, once known (the first known card stays). */
export async function setTrialFingerprint(
  db: Executor,
  stripeSubscriptionId: string,
  fingerprint: string,
): Promise<void> {
  await db
    .updateTable('trial_uses')
    .set({ card_fingerprint: fingerprint })
    .where('stripe_subscription_id', '=', stripeSubscriptionId)
    .where('card_fingerprint', 'is', null)
    .execute()
}

/** A trial this customer had, or one with any of these cards, other than `exceptSubscription`'s. */
export async function findOtherTrialUse(
  db: Executor,
  input: { customerId?: string; fingerprints: string[]; exceptSubscription?: string },
): Promise<TrialUseRow | undefined> {
  const { customerId, fingerprints, exceptSubscription } = input
  if (!customerId && fingerprints.length === 0) return undefined
  let query = db
    .selectFrom('trial_uses')
    .selectAll()
    .where((eb) =>
      eb.or([
        ...(customerId ? [eb('customer_id', '=', customerId)] : []),
        ...(fingerprints.length > 0 ? [eb('card_fingerprint', 'in', fingerprints)] : []),
      ]),
    )
  if (exceptSubscription) query = query.where('stripe_subscription_id', '!=', exceptSubscription)
  return query.limit(1).executeTakeFirst()
}
