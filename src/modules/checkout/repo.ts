import type { Executor } from '../../db/database.js'
import { insertIfAbsent } from '../../db/portable.js'
import type { NewPendingCheckoutRow, PendingCheckoutRow, PendingCheckoutTable } from './table.js'

export async function insertPendingCheckout(db: Executor, row: NewPendingCheckoutRow): Promise<void> {
  await insertIfAbsent(db, db.insertInto('pending_checkouts').values(row), 'stripe_checkout_session_id')
}

/** One buyer's checkouts of one price, newest first: the base of the lookups below. */
function checkoutsOfBuyer(db: Executor, input: { email: string; priceLookupKey: string }) {
  return db
    .selectFrom('pending_checkouts')
    .selectAll()
    .where('email', '=', input.email)
    .where('price_lookup_key', '=', input.priceLookupKey)
    .orderBy('created_at', 'desc')
}

/**
 * What a new checkout for an email, price and quantity must know, in one statement: that buyer's
 * checkouts of the price still open or processing, and their newest of this quantity whatever its
 * status (part of the next attempt's idempotency key). Newest first. Expired and finished ones are
 * left out but for that one, so a buyer's long history is not read.
 */
export async function listBuyerCheckouts(
  db: Executor,
  input: { email: string; priceLookupKey: string; quantity: number },
): Promise<PendingCheckoutRow[]> {
  return checkoutsOfBuyer(db, input)
    .where((eb) =>
      eb.or([
        eb('status', 'in', ['open', 'processing']),
        eb(
          'id',
          '=',
          checkoutsOfBuyer(db, input)
            .clearSelect()
            .select('id')
            .where('quantity', '=', input.quantity)
            .orderBy('id', 'desc')
            .limit(1),
        ),
      ]),
    )
    .orderBy('id', 'desc')
    .execute()
}

type CheckoutStatus = PendingCheckoutTable['status']

/** Sets the status (only from one of `from`, when given); true when a row changed. */
export async function updatePendingCheckoutStatus(
  db: Executor,
  stripeCheckoutSessionId: string,
  status: CheckoutStatus,
  options: { from?: CheckoutStatus[] } = {},
): Promise<boolean> {
  let query = db
    .updateTable('pending_checkouts')
    .set({ status })
    .where('stripe_checkout_session_id', '=', stripeCheckoutSessionId)
    .where('status', '!=', status)
  if (options.from) query = query.where('status', 'in', options.from)
  const result = await query.executeTakeFirst()
  return Number(result.numUpdatedRows) > 0
}

export async function findPendingCheckout(
  db: Executor,
  stripeCheckoutSessionId: string,
): Promise<PendingCheckoutRow | undefined> {
  return db
    .selectFrom('pending_checkouts')
    .selectAll()
    .where('stripe_checkout_session_id', '=', stripeCheckoutSessionId)
    .executeTakeFirst()
}

/** A customer's recorded sessions of one mode that are open and not expired at `nowIso`. */
export async function listOpenCheckoutsOfCustomer(
  db: Executor,
  input: { customerId: string; mode: PendingCheckoutTable['mode']; nowIso: string },
): Promise<PendingCheckoutRow[]> {
  return db
    .selectFrom('pending_checkouts')
    .selectAll()
    .where('customer_id', '=', input.customerId)
    .where('mode', '=', input.mode)
    .where('status', '=', 'open')
    .where('expires_at', '>', input.nowIso)
    .execute()
}

/** Checkout Sessions we created in [from, to), and how many of them completed. */
export async function countCheckoutsBetween(
  db: Executor,
  fromIso: string,
  toIso: string,
): Promise<{ created: number; completed: number }> {
  const row = await db
    .selectFrom('pending_checkouts')
    .select((eb) => [
      eb.fn.countAll<number | string>().as('created'),
      eb.fn
        .sum<number | string | null>(eb.case().when('status', '=', 'complete').then(1).else(0).end())
        .as('completed'),
    ])
    .where('created_at', '>=', fromIso)
    .where('created_at', '<', toIso)
    .executeTakeFirstOrThrow()
  return { created: Number(row.created), completed: Number(row.completed ?? 0) }
}
