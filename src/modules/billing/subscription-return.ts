/**
 * The return from a subscription Checkout (`/billing/success`): the subscription is synced at once
 * (whichever of this page and the webhook comes first makes the row, and the customer by email),
 * and a guest who paid is signed in. Signing in by a Checkout session id is allowed once (the
 * pending checkout moves `open → complete` here, first viewer wins), within a few hours of the
 * start, and only for a customer this payment created: an email that already had an account gets
 * an emailed sign-in link instead, since typing an address into Checkout proves nothing.
 * @module
 */
import type Stripe from 'stripe'
import type { Executor } from '../../db/database.js'
import type { Deps } from '../../deps.js'
import { findPendingCheckout, setPendingCheckoutStatus } from '../checkout/index.js'
import { findCustomer, sendSignInLink } from '../customers/index.js'
import { fetchSubscriptionSnapshot, idOf, type SubscriptionSnapshot } from './snapshot.js'
import { applySubscriptionSnapshot } from './sync.js'
import type { SubscriptionRow } from './table.js'
import { endRepeatedTrial } from './trials.js'

const GUEST_SIGN_IN_WINDOW_MS = 6 * 3600_000

export type SubscriptionReturn = {
  current?: SubscriptionRow
  /** Sign this customer in (a guest's first view of the page). */
  signInAs?: string
  /** The email had an account already: a sign-in link went there. */
  emailedSignInLink?: boolean
}

/** Stripe reads, outside any transaction: the subscription of a completed session. */
export async function fetchReturnSnapshot(
  deps: Deps,
  session: Stripe.Checkout.Session,
): Promise<SubscriptionSnapshot | undefined> {
  const subscriptionId = idOf(session.subscription)
  if (!subscriptionId || session.status !== 'complete') return undefined
  return endRepeatedTrial(deps, await fetchSubscriptionSnapshot(deps, subscriptionId))
}

/** In the route's transaction: apply the snapshot, then decide how a guest gets signed in. */
export async function completeSubscriptionReturn(
  deps: Deps,
  trx: Executor,
  input: { sessionId: string; snapshot: SubscriptionSnapshot; signedInId?: string },
): Promise<SubscriptionReturn> {
  const { current } = await applySubscriptionSnapshot(deps, trx, input.snapshot)
  if (input.signedInId === current.customer_id) return { current }
  const pending = await findPendingCheckout(trx, input.sessionId)
  if (!pending || pending.customer_id !== null) return {}
  const now = deps.clock.now()
  const startedAt = new Date(pending.created_at)
  if (now.getTime() - startedAt.getTime() > GUEST_SIGN_IN_WINDOW_MS) return {}
  if (!(await setPendingCheckoutStatus(trx, input.sessionId, 'complete', { from: ['open'] }))) return {}
  const customer = await findCustomer(trx, current.customer_id)
  if (!customer) return {}
  if (customer.createdAt.getTime() >= startedAt.getTime()) return { current, signInAs: customer.id }
  await sendSignInLink(deps, trx, customer)
  return { emailedSignInLink: true }
}
