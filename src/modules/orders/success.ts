/**
 * The return from Checkout. `readCheckoutReturn` finds where the payment stands (from our record
 * while a bank debit processes, so the page's refreshes do not call Stripe; else from the
 * re-fetched session). When it is paid, the route fulfils through the same idempotent path as the
 * webhook (whichever comes first creates the order) and takes the sealed access token off the
 * order with `completePaidReturn`, in the route's transaction. Only the first viewer within an
 * hour of fulfilment gets the token, and only that viewer is signed in by the session id.
 * @module
 */
import type Stripe from 'stripe'
import type { Executor } from '../../db/database.js'
import type { Deps } from '../../deps.js'
import {
  asAppError,
  checkoutPaymentOf,
  findPendingCheckout,
  retrieveCheckoutWithPayment,
  setPendingCheckoutStatus,
} from '../checkout/index.js'
import { fulfilCheckoutSession } from './fulfil.js'
import { takeSealedAccessToken } from './repo.js'
import { openToken, REVEAL_WINDOW_MS } from './seal.js'
import type { OrderRow } from './table.js'

export type CheckoutReturn =
  | { kind: 'paid'; session: Stripe.Checkout.Session }
  | { kind: 'processing' }
  | { kind: 'failed' }
  | { kind: 'unpaid'; checkoutUrl: string | null }
  | { kind: 'other'; session: Stripe.Checkout.Session }

export async function readCheckoutReturn(deps: Deps, sessionId: string): Promise<CheckoutReturn> {
  // The processing page refreshes every few seconds, possibly for days: while our record says the
  // debit is processing, answer from it. The webhook (or event recovery) moves it on.
  if ((await findPendingCheckout(deps.db, sessionId))?.status === 'processing') return { kind: 'processing' }
  const session = await retrieveCheckoutWithPayment(deps.stripe, sessionId).catch((err) => {
    throw asAppError(err, { notFound: 'CHECKOUT_SESSION_NOT_FOUND' })
  })
  // Subscription checkouts share this return URL only if their module chose so; they are not ours here.
  if (session.mode !== 'payment') return { kind: 'other', session }
  const payment = checkoutPaymentOf(session)
  if (payment === 'processing') {
    await setPendingCheckoutStatus(deps.db, session.id, 'processing', { from: ['open'] })
    return { kind: 'processing' }
  }
  if (payment === 'failed') return { kind: 'failed' }
  if (payment !== 'paid') return { kind: 'unpaid', checkoutUrl: session.url }
  return { kind: 'paid', session }
}

export type PaidReturn = { order: OrderRow; token?: string }

/** Fulfils a paid session (if nobody has yet) and takes its access token, once, within the hour. */
export async function completePaidReturn(
  deps: Deps,
  trx: Executor,
  session: Stripe.Checkout.Session,
): Promise<PaidReturn | undefined> {
  const result = await fulfilCheckoutSession(deps, trx, session)
  if (result.status !== 'created' && result.status !== 'existing') return undefined
  const now = deps.clock.now()
  const sealed = await takeSealedAccessToken(trx, result.order.id, {
    nowIso: now.toISOString(),
    createdAfterIso: new Date(now.getTime() - REVEAL_WINDOW_MS).toISOString(),
  })
  const token = sealed ? openToken(deps.config.sessionSecret, sealed) : undefined
  return { order: result.order, ...(token ? { token } : {}) }
}
