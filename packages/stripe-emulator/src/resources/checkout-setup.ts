/**
 * Checkout in `mode=setup`: the session saves a card for later and moves no money. As on Stripe,
 * its SetupIntent exists from the session's creation (`setup_intent.created`, `setup_intent` on the
 * session, `setup_intent_data` copied onto it); paying confirms it with the collected card:
 * (customer.created) → payment_method.attached → setup_intent.succeeded →
 * checkout.session.completed (`payment_status: 'no_payment_required'`). The card is attached when
 * the session has a customer (`customer`, or `customer_creation: 'always'`). 3-D Secure cards go
 * through the page's challenge first; always-declining cards are refused on the page.
 * @module
 */
import type Stripe from 'stripe'
import type { Ctx } from '../context.js'
import { invalidParam, storedCode } from '../errors.js'
import { allowOnly, applyMetadata, nullableString, optObject, type Params } from '../params.js'
import { getObject } from '../state.js'
import { checkoutHidden } from './checkout-sessions.js'
import { ensureCustomer, finishSession, type Payer, type PayResult, pendingOf } from './payment-pages.js'
import { confirmSetupIntent, insertSetupIntent } from './setup-intent-objects.js'

/** Creates the session's SetupIntent from `setup_intent_data` (metadata, description). */
export function createSessionSetupIntent(ctx: Ctx, session: Stripe.Checkout.Session, params: Params): void {
  const data = optObject(params, 'setup_intent_data') ?? {}
  allowOnly(data, ['description', 'metadata'], 'setup_intent_data')
  const si = insertSetupIntent(ctx, {
    customer: typeof session.customer === 'string' ? session.customer : null,
    description: nullableString(data, 'description', 'setup_intent_data[description]') ?? null,
    metadata: applyMetadata({}, data),
    paymentMethodTypes: [...session.payment_method_types],
  })
  session.setup_intent = si.id
}

export function sessionSetupIntent(ctx: Ctx, session: Stripe.Checkout.Session): Stripe.SetupIntent {
  return getObject<Stripe.SetupIntent>(ctx.state, 'setup_intent', String(session.setup_intent))
}

export function paySetup(ctx: Ctx, session: Stripe.Checkout.Session, payer: Payer): PayResult {
  const pm = payer.paymentMethod
  if (!pm) throw invalidParam('payment_method', 'A payment method is required.')
  if (session.customer_creation === 'always') ensureCustomer(ctx, session, payer)
  const si = sessionSetupIntent(ctx, session)
  if (typeof session.customer === 'string') si.customer = session.customer
  const outcome = confirmSetupIntent(ctx, si, pm, null)
  if (outcome === 'requires_action') {
    checkoutHidden(ctx, session.id).pending3ds = pendingOf(null, pm, payer)
    return { outcome: 'requires_action' }
  }
  if (outcome === 'failed') {
    const e = si.last_setup_error
    return {
      outcome: 'declined',
      message: e?.message ?? 'Your card was declined.',
      code: storedCode(e?.code) ?? 'card_declined',
      ...(e?.decline_code ? { declineCode: e.decline_code } : {}),
    }
  }
  finishSession(ctx, session, payer, 'no_payment_required')
  return { outcome: 'complete' }
}
