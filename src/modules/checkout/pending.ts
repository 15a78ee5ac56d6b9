/**
 * The ledger of Checkout Sessions we created (`pending_checkouts`): what other modules may do with
 * it. A session is recorded when created, and moves `open → processing → complete | failed` or
 * `open → expired` as its payment does; a second purchase reads it to reuse an open session or to
 * wait for a bank debit that is still processing.
 * @module
 */
import type Stripe from 'stripe'
import type { Executor } from '../../db/database.js'
import { newId } from '../../lib/ids.js'
import type { CatalogPrice } from '../catalog/index.js'
import {
  findPendingCheckout as findRow,
  insertPendingCheckout,
  listOpenCheckoutsOfCustomer,
  updatePendingCheckoutStatus,
} from './repo.js'
import type { PendingCheckoutRow, PendingCheckoutTable } from './table.js'

export type PendingCheckout = PendingCheckoutRow
export type PendingCheckoutStatus = PendingCheckoutTable['status']

export async function recordPendingCheckout(
  db: Executor,
  session: Stripe.Checkout.Session,
  input: {
    mode: PendingCheckoutTable['mode']
    email: string | undefined
    customerId: string | undefined
    /** A catalog price, or `{ lookupKey: 'api:adhoc' }` for an integrator's ad-hoc line. */
    price: Pick<CatalogPrice, 'lookupKey'>
    quantity: number
    now: Date
  },
): Promise<void> {
  await insertPendingCheckout(db, {
    id: newId('pco', input.now.getTime()),
    stripe_checkout_session_id: session.id,
    email: input.email ?? null,
    customer_id: input.customerId ?? null,
    price_lookup_key: input.price.lookupKey,
    quantity: input.quantity,
    mode: input.mode,
    url: session.url,
    status: 'open',
    expires_at: new Date(session.expires_at * 1000).toISOString(),
    created_at: input.now.toISOString(),
  })
}

/** Moves a recorded session to `status` (only from one of `from`, when given); true when it changed. */
export function setPendingCheckoutStatus(
  db: Executor,
  stripeCheckoutSessionId: string,
  status: PendingCheckoutStatus,
  options: { from?: PendingCheckoutStatus[] } = {},
): Promise<boolean> {
  return updatePendingCheckoutStatus(db, stripeCheckoutSessionId, status, options)
}

export function findPendingCheckout(
  db: Executor,
  stripeCheckoutSessionId: string,
): Promise<PendingCheckout | undefined> {
  return findRow(db, stripeCheckoutSessionId)
}

/** A customer's sessions of one mode that are still open and not expired by `now`. */
export function listOpenCheckouts(
  db: Executor,
  input: { customerId: string; mode: PendingCheckoutTable['mode']; now: Date },
): Promise<PendingCheckout[]> {
  return listOpenCheckoutsOfCustomer(db, { ...input, nowIso: input.now.toISOString() })
}
