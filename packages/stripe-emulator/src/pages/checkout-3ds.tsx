/**
 * The emulated 3D Secure challenge at `/c/pay/:id/3ds`, reached when a card such as
 * 4000 0025 0000 3155 needs authentication. "Complete" charges the card (payment mode) or lets
 * billing start the subscription; "Fail" fails the PaymentIntent (`payment_intent.payment_failed`)
 * and returns to the Checkout page with the error, the session still open.
 * @module
 */
import type { Context } from 'hono'
import type { JSX } from 'hono/jsx/jsx-runtime'
import type Stripe from 'stripe'
import { declineFor, markAuthenticated } from '../card-outcomes.js'
import type { Ctx } from '../context.js'
import { StripeError } from '../errors.js'
import { completeAuthentication, failAuthentication } from '../payments.js'
import { page } from '../registry.js'
import { cardHidden } from '../resources/cards.js'
import { checkoutHidden, checkoutSubscriptionData, hasTrial } from '../resources/checkout-sessions.js'
import { sessionSetupIntent } from '../resources/checkout-setup.js'
import { finishSession, type Payer, startSubscription } from '../resources/payment-pages.js'
import { completeSetupAuthentication, failSetupAuthentication } from '../resources/setup-intent-objects.js'
import { findObject } from '../state.js'
import { findSession, renderCheckout, successRedirect } from './checkout.js'
import { formatMoney, Layout } from './layout.js'

type Pending = NonNullable<ReturnType<typeof checkoutHidden>['pending3ds']>

const AUTH_FAILED =
  'We are unable to authenticate your payment method. Please choose a different payment method and try again.'

function ChallengePage(props: { session: Stripe.Checkout.Session }): JSX.Element {
  const { session } = props
  const action = `/c/pay/${session.id}/3ds`
  return (
    <Layout title="Authenticate your payment (test mode)">
      <section class="center">
        <h1>3D Secure authentication</h1>
        <p>
          Your bank asks you to confirm this payment of{' '}
          <strong>{formatMoney(session.amount_total ?? 0, session.currency ?? 'usd')}</strong>. This is an
          emulated challenge: choose the outcome.
        </p>
        <form method="post" action={action}>
          <input type="hidden" name="result" value="complete" />
          <button type="submit">Complete</button>
        </form>
        <form method="post" action={action}>
          <input type="hidden" name="result" value="fail" />
          <button type="submit" style="background:#a4151b">
            Fail
          </button>
        </form>
      </section>
    </Layout>
  )
}

function payerOf(ctx: Ctx, pending: Pending): Payer {
  const pm = findObject<Stripe.PaymentMethod>(ctx.state, pending.paymentMethod, 'payment_method') ?? null
  return {
    email: pending.email || null,
    name: pending.name || null,
    paymentMethod: pm,
    address: pending.address ?? null,
  }
}

async function complete(
  c: Context,
  ctx: Ctx,
  session: Stripe.Checkout.Session,
  pending: Pending,
): Promise<Response> {
  const payer = payerOf(ctx, pending)
  if (session.mode === 'setup') {
    completeSetupAuthentication(ctx, sessionSetupIntent(ctx, session))
    finishSession(ctx, session, payer, 'no_payment_required')
    return c.redirect(successRedirect(session), 303)
  }
  if (pending.paymentIntent) {
    const attempt = completeAuthentication(ctx, pending.paymentIntent)
    if (attempt.outcome !== 'succeeded') {
      delete checkoutHidden(ctx, session.id).pending3ds
      return renderCheckout(
        c,
        ctx,
        session,
        { error: attempt.error?.message ?? 'Your card was declined.' },
        402,
      )
    }
    finishSession(ctx, session, payer, 'paid')
    return c.redirect(successRedirect(session), 303)
  }
  // Subscription mode: the challenge authenticates the card before billing charges it.
  markAuthenticated(ctx, pending.paymentMethod)
  delete checkoutHidden(ctx, session.id).pending3ds
  const trial = hasTrial(checkoutSubscriptionData(ctx, session))
  const decline = trial ? undefined : declineFor(cardHidden(ctx, pending.paymentMethod).behaviour)
  if (decline) return renderCheckout(c, ctx, session, { error: decline.message }, 402)
  try {
    const result = await startSubscription(ctx, session, payer, trial)
    if (result.outcome === 'complete') return c.redirect(successRedirect(session), 303)
    const message = result.outcome === 'declined' ? result.message : AUTH_FAILED
    return renderCheckout(c, ctx, session, { error: message }, 402)
  } catch (err) {
    if (!(err instanceof StripeError)) throw err
    return renderCheckout(c, ctx, session, { error: err.message }, 400)
  }
}

function fail(
  c: Context,
  ctx: Ctx,
  session: Stripe.Checkout.Session,
  pending: Pending,
): Response | Promise<Response> {
  if (pending.paymentIntent) failAuthentication(ctx, pending.paymentIntent)
  if (session.mode === 'setup') failSetupAuthentication(ctx, sessionSetupIntent(ctx, session))
  delete checkoutHidden(ctx, session.id).pending3ds
  return renderCheckout(c, ctx, session, { error: AUTH_FAILED }, 402)
}

function pendingOf(ctx: Ctx, c: Context): { session: Stripe.Checkout.Session; pending: Pending } | undefined {
  const session = findSession(ctx, c.req.param('id') ?? '')
  if (session?.status !== 'open') return undefined
  const pending = checkoutHidden(ctx, session.id).pending3ds
  return pending ? { session, pending } : undefined
}

page('get', '/c/pay/:id/3ds', (c, ctx) => {
  const found = pendingOf(ctx, c)
  if (!found) return c.redirect(`/c/pay/${c.req.param('id') ?? ''}`, 303)
  return c.html(<ChallengePage session={found.session} />)
})
page('post', '/c/pay/:id/3ds', async (c, ctx) => {
  const found = pendingOf(ctx, c)
  if (!found) return c.redirect(`/c/pay/${c.req.param('id') ?? ''}`, 303)
  const body = await c.req.parseBody()
  if (body.result === 'complete') return complete(c, ctx, found.session, found.pending)
  return fail(c, ctx, found.session, found.pending)
})
