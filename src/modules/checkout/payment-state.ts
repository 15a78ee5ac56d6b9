/**
 * Where a one-time Checkout Session's money stands. Card payments are paid when the session
 * completes; bank debits (SEPA Direct Debit and the like) complete the session `unpaid` while the
 * PaymentIntent is `processing`, and days later either pay it
 * (`checkout.session.async_payment_succeeded`) or fail, sending the PaymentIntent back to
 * `requires_payment_method` (`…async_payment_failed`). Deciding from the re-fetched session and its
 * PaymentIntent, never from which event arrived, keeps the answer right whatever the delivery order.
 * @module
 */
import type Stripe from 'stripe'

export type CheckoutPayment = 'open' | 'expired' | 'paid' | 'processing' | 'failed'

/** The session with its PaymentIntent expanded, so `checkoutPaymentOf` can tell processing from failed. */
export function retrieveCheckoutWithPayment(
  stripe: Stripe,
  sessionId: string,
): Promise<Stripe.Checkout.Session> {
  return stripe.checkout.sessions.retrieve(sessionId, { expand: ['payment_intent'] })
}

export function checkoutPaymentOf(session: Stripe.Checkout.Session): CheckoutPayment {
  if (session.status === 'open') return 'open'
  if (session.status === 'expired') return 'expired'
  // Stripe's rule for fulfilment: anything but `unpaid` (`paid`, `no_payment_required`) is settled.
  if (session.payment_status !== 'unpaid') return 'paid'
  const intent = session.payment_intent
  // Without the expanded PaymentIntent there is no sign of failure yet: keep waiting.
  if (!intent || typeof intent === 'string') return 'processing'
  // Only a refusal sends the PaymentIntent back; anything else (processing, an authorization
  // waiting for capture) is still on its way.
  return intent.status === 'requires_payment_method' || intent.status === 'canceled' ? 'failed' : 'processing'
}

/**
 * Whether a session (as an event's snapshot shows it) can be of `mode`. A session's mode never
 * changes, so a snapshot of the other mode settles it without asking Stripe; one without a mode
 * may be either.
 */
export function mayBeOfMode(
  session: Pick<Stripe.Checkout.Session, 'mode'>,
  mode: Stripe.Checkout.Session.Mode,
): boolean {
  const shown = session.mode as string | undefined
  return shown === undefined || shown === mode
}

/**
 * Whether a snapshot already shows the session's final state: expired, or complete and settled
 * (`paid` or `no_payment_required`, named, so a snapshot lacking the field is not taken as paid).
 * A session never leaves those states, and what fulfilment reads of it is fixed once it completes.
 */
export function isFinalSnapshot(session: Stripe.Checkout.Session): boolean {
  if (session.status === 'expired') return true
  return (
    session.status === 'complete' &&
    (session.payment_status === 'paid' || session.payment_status === 'no_payment_required')
  )
}
