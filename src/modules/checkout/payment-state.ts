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
