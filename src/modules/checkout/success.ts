/**
 * The return from Checkout. Retrieves the session from Stripe; when it is paid, fulfils it through
 * the same idempotent path as the webhook (whichever comes first creates the order), then takes
 * the sealed access token off the order. Only the first viewer within an hour of fulfilment gets
 * it, and only that viewer is signed in by the session id. A bank debit still processing gets a
 * page that refreshes itself; a refused one says so.
 * @module
 */
import type { Context } from 'hono'
import type Stripe from 'stripe'
import type { AppEnv } from '../../http/env.js'
import { signIn } from '../customers/sessions.js'
import { fulfilCheckoutSession } from '../orders/fulfil.js'
import { takeSealedAccessToken } from '../orders/repo.js'
import { openToken, REVEAL_WINDOW_MS } from '../orders/seal.js'
import type { OrderRow } from '../orders/table.js'
import { checkoutPaymentOf, retrieveCheckoutWithPayment } from './payment-state.js'
import { findPendingCheckout, updatePendingCheckoutStatus } from './repo.js'
import { asAppError } from './service.js'

export type CheckoutReturn =
  | { kind: 'paid'; order: OrderRow; token?: string }
  | { kind: 'processing' }
  | { kind: 'failed' }
  | { kind: 'unpaid'; checkoutUrl: string | null }
  | { kind: 'other'; session: Stripe.Checkout.Session }

export async function handleCheckoutReturn(c: Context<AppEnv>, sessionId: string): Promise<CheckoutReturn> {
  const deps = c.get('deps')
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
    await updatePendingCheckoutStatus(deps.db, session.id, 'processing', { from: ['open'] })
    return { kind: 'processing' }
  }
  if (payment === 'failed') return { kind: 'failed' }
  if (payment !== 'paid') return { kind: 'unpaid', checkoutUrl: session.url }
  return deps.db.transaction().execute(async (trx): Promise<CheckoutReturn> => {
    const result = await fulfilCheckoutSession(deps, trx, session)
    if (result.status !== 'created' && result.status !== 'existing') return { kind: 'other', session }
    const now = deps.clock.now()
    const sealed = await takeSealedAccessToken(trx, result.order.id, {
      nowIso: now.toISOString(),
      createdAfterIso: new Date(now.getTime() - REVEAL_WINDOW_MS).toISOString(),
    })
    const token = sealed ? openToken(deps.config.sessionSecret, sealed) : undefined
    if (token) await signIn(c, trx, result.order.customer_id)
    return { kind: 'paid', order: result.order, ...(token ? { token } : {}) }
  })
}
