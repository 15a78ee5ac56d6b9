/**
 * The emulated 3-D Secure challenge for intents confirmed through the API, at the URL their
 * `next_action` names (`/3ds/:id`, `redirect_to_url.url` or `use_stripe_sdk.stripe_js`): a
 * SetupIntent (`seti_…`) or a PaymentIntent (`pi_…`) in `requires_action`. "Complete" finishes it
 * (the card is set up, or charged); "Fail" records the authentication failure. Then it redirects to
 * the `return_url` when one was given, as Stripe's redirect does, or shows the outcome.
 * No API key, like Stripe's own challenge page. Checkout's challenge is `/c/pay/:id/3ds`.
 * @module
 */
import type { Context } from 'hono'
import type Stripe from 'stripe'
import type { Ctx } from '../context.js'
import { completeAuthentication, failAuthentication } from '../payments.js'
import { page } from '../registry.js'
import { completeSetupAuthentication, failSetupAuthentication } from '../resources/setup-intent-objects.js'
import { findObject } from '../state.js'
import { Layout, MessagePage } from './layout.js'

type Intent = Stripe.SetupIntent | Stripe.PaymentIntent

function pendingIntent(ctx: Ctx, id: string): Intent | undefined {
  const intent = findObject<Intent>(ctx.state, id)
  if (intent?.object !== 'setup_intent' && intent?.object !== 'payment_intent') return undefined
  return intent.status === 'requires_action' ? intent : undefined
}

function returnUrlOf(intent: Intent): string | null {
  const next = intent.next_action as { redirect_to_url?: { return_url?: string | null } } | null
  return next?.redirect_to_url?.return_url ?? null
}

page('get', '/3ds/:id', (c, ctx) => {
  const id = c.req.param('id') ?? ''
  if (!pendingIntent(ctx, id))
    return c.html(
      <MessagePage title="Nothing to authenticate" message="This payment needs no authentication." />,
      404,
    )
  return c.html(
    <Layout title="Authenticate (test mode)">
      <section class="center">
        <h1>3D Secure authentication</h1>
        <p>Your bank asks you to confirm this card. This is an emulated challenge: choose the outcome.</p>
        <form method="post" action={`/3ds/${id}`}>
          <input type="hidden" name="result" value="complete" />
          <button type="submit">Complete</button>
        </form>
        <form method="post" action={`/3ds/${id}`}>
          <input type="hidden" name="result" value="fail" />
          <button type="submit" style="background:#a4151b">
            Fail
          </button>
        </form>
      </section>
    </Layout>,
  )
})

page('post', '/3ds/:id', async (c: Context, ctx) => {
  const id = c.req.param('id') ?? ''
  const intent = pendingIntent(ctx, id)
  if (!intent)
    return c.html(
      <MessagePage title="Nothing to authenticate" message="This payment needs no authentication." />,
      404,
    )
  const returnUrl = returnUrlOf(intent)
  const passed = (await c.req.parseBody()).result === 'complete'
  if (intent.object === 'setup_intent') {
    if (passed) completeSetupAuthentication(ctx, intent)
    else failSetupAuthentication(ctx, intent)
  } else if (passed) completeAuthentication(ctx, intent.id)
  else failAuthentication(ctx, intent.id)
  if (returnUrl) {
    const url = new URL(returnUrl)
    url.searchParams.set(intent.object === 'setup_intent' ? 'setup_intent' : 'payment_intent', intent.id)
    return c.redirect(url.toString(), 303)
  }
  const ok = intent.status === 'succeeded' || intent.status === 'requires_capture'
  return c.html(
    <MessagePage
      title={ok ? 'Authentication complete' : 'Authentication failed'}
      message={ok ? 'You can close this window.' : 'The bank did not confirm this card.'}
    />,
  )
})
