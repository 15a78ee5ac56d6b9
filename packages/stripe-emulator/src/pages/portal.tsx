/**
 * The hosted Billing Portal at a session's `url` (`/p/session/:id`). GET shows the customer's
 * subscriptions, card and invoices as the session's configuration allows (with `?cancel=sub_…`,
 * the confirmation step a cancellation goes through, with the reasons); POST takes one plain
 * form `action` (cancel, renew, switch, card), applies it with the API path's events and answers
 * 303 back to the page (or to `flow.after_completion.redirect.return_url`).
 * @module
 */
import type { Context } from 'hono'
import type Stripe from 'stripe'
import {
  cancelFromPortal,
  portalSubscriptions,
  readFeedback,
  renewFromPortal,
  replaceCard,
  switchablePrices,
  switchFromPortal,
} from '../billing/portal-actions.js'
import type { Ctx } from '../context.js'
import { StripeError } from '../errors.js'
import { page } from '../registry.js'
import { findPortalSession, flowSubscription } from '../resources/billing-portal.js'
import { refuseDecliningCard } from '../resources/card-declines.js'
import { createCardPaymentMethod } from '../resources/cards.js'
import { findObject, listObjects } from '../state.js'
import { validateCard } from './checkout.js'
import { formatMoney, intervalLabel } from './layout.js'
import { PortalMessage, PortalPage, type PortalSub } from './portal-view.js'

type Session = Stripe.BillingPortal.Session
type Config = Stripe.BillingPortal.Configuration

function configOf(ctx: Ctx, session: Session): Config {
  return findObject<Config>(ctx.state, String(session.configuration), 'billing_portal.configuration')!
}

function productName(ctx: Ctx, price: Stripe.Price): string {
  return (
    findObject<Stripe.Product>(ctx.state, String(price.product), 'product')?.name ??
    price.nickname ??
    price.id
  )
}

/** A subscription flow's session only shows (and acts on) that subscription. */
function sessionSubscriptions(ctx: Ctx, session: Session): Stripe.Subscription[] {
  const only = flowSubscription(session.flow)
  return portalSubscriptions(ctx, String(session.customer)).filter((s) => !only || s.id === only)
}

function viewSubs(ctx: Ctx, session: Session, config: Config): PortalSub[] {
  const prices = switchablePrices(ctx, config)
  return sessionSubscriptions(ctx, session).map((sub) => {
    const current = sub.items.data[0]?.price
    const switchTo = prices
      .filter((p) => p.id !== current?.id && p.currency === sub.currency)
      .map((price) => ({
        price,
        label: `${productName(ctx, price)} (${formatMoney(price.unit_amount ?? 0, price.currency)}${intervalLabel(price.recurring)})`,
      }))
    return { sub, productName: current ? productName(ctx, current) : 'Subscription', switchTo }
  })
}

function render(
  c: Context,
  ctx: Ctx,
  session: Session,
  extras: { notice?: string | undefined; error?: string; confirmCancel?: string },
  status = 200,
) {
  const config = configOf(ctx, session)
  const customer = findObject<Stripe.Customer>(ctx.state, String(session.customer), 'customer')!
  // The card renewals are charged to: the customer's default, or else a subscription's own, which
  // is where Checkout in subscription mode saves it (as Stripe does; the customer's stays unset).
  const pmId =
    customer.invoice_settings.default_payment_method ??
    sessionSubscriptions(ctx, session).find((s) => typeof s.default_payment_method === 'string')
      ?.default_payment_method
  const card =
    typeof pmId === 'string'
      ? (findObject<Stripe.PaymentMethod>(ctx.state, pmId, 'payment_method') ?? null)
      : null
  const invoices = listObjects<Stripe.Invoice>(
    ctx.state,
    'invoice',
    (i) => i.customer === customer.id && i.status !== 'draft',
  )
  const view = { session, config, customer, subs: viewSubs(ctx, session, config), card, invoices, ...extras }
  return c.html(<PortalPage view={view} />, status as 200)
}

type Form = Record<string, string>

/** Applies one action; returns the notice to show, or an error text prefixed with `!`. */
function apply(ctx: Ctx, session: Session, form: Form): string {
  const config = configOf(ctx, session)
  const customer = findObject<Stripe.Customer>(ctx.state, String(session.customer), 'customer')!
  if (form.action === 'card') {
    const cardFlow = session.flow?.type === 'payment_method_update'
    if (!config.features.payment_method_update.enabled && !cardFlow)
      return '!Updating the card is not enabled.'
    const card = validateCard(ctx, form)
    if (typeof card === 'string') return `!${card}`
    const pm = createCardPaymentMethod(ctx, { ...card, email: customer.email })
    try {
      refuseDecliningCard(ctx, pm)
    } catch (err) {
      if (err instanceof StripeError) return `!${err.message}`
      throw err
    }
    replaceCard(ctx, customer, pm)
    return 'Your card was updated.'
  }
  if (session.flow?.type === 'payment_method_update') return '!This action is not available.'
  const sub = sessionSubscriptions(ctx, session).find((s) => s.id === form.subscription)
  if (!sub) return '!This subscription cannot be changed here.'
  if (form.action === 'cancel' && config.features.subscription_cancel.enabled) {
    cancelFromPortal(ctx, sub, config, readFeedback(config, form.feedback, form.comment))
    return 'Your plan was canceled.'
  }
  if (form.action === 'renew') {
    renewFromPortal(ctx, sub)
    return 'Your plan will renew.'
  }
  const price = switchablePrices(ctx, config).find((p) => p.id === form.price)
  if (form.action === 'switch' && price) {
    switchFromPortal(ctx, sub, price, config)
    return `Your plan was changed to ${productName(ctx, price)}.`
  }
  return '!This action is not available.'
}

function done(c: Context, session: Session, notice: string): Response {
  const redirect = session.flow?.after_completion.redirect?.return_url
  if (redirect) return c.redirect(redirect, 303)
  return c.redirect(`/p/session/${session.id}?notice=${encodeURIComponent(notice)}`, 303)
}

function missing(c: Context) {
  return c.html(
    <PortalMessage title="Session not found" message="There is no portal session with this id." />,
    404,
  )
}

page('get', '/p/session/:id', (c, ctx) => {
  const session = findPortalSession(ctx, c.req.param('id') ?? '')
  if (!session) return missing(c)
  const confirmCancel = c.req.query('cancel')
  return render(c, ctx, session, {
    notice: c.req.query('notice'),
    ...(confirmCancel ? { confirmCancel } : {}),
  })
})

page('post', '/p/session/:id', async (c, ctx) => {
  const session = findPortalSession(ctx, c.req.param('id') ?? '')
  if (!session) return missing(c)
  const body = await c.req.parseBody()
  const form: Form = {}
  for (const [k, v] of Object.entries(body)) if (typeof v === 'string') form[k] = v.trim()
  const result = apply(ctx, session, form)
  if (result.startsWith('!')) return render(c, ctx, session, { error: result.slice(1) }, 400)
  return done(c, session, result)
})
