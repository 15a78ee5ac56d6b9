/**
 * `GET /pricing`, `POST /subscribe`, `GET /billing/success`, `GET /account`, `POST /billing/portal`.
 * The account page reads only local state; Stripe is called to start Checkout or the portal and
 * to sync a just-completed Checkout on the success page.
 * @module
 */
import { Hono } from 'hono'
import * as z from 'zod'
import type { AppEnv } from '../../http/env.js'
import { requireCustomer } from '../../http/session.js'
import { validate } from '../../http/validate.js'
import { AppError } from '../../lib/errors.js'
import { renderPage } from '../../web/layout.js'
import { asAppError } from '../checkout/index.js'
import { findCustomer } from '../customers/index.js'
import { listEntitlements } from '../entitlements/index.js'
import { listPlans, planName } from './plans.js'
import { listInvoicesOfCustomer, listSubscriptionsOfCustomer } from './repo.js'
import { fetchSubscriptionSnapshot, idOf } from './snapshot.js'
import { startSubscriptionCheckout } from './subscribe.js'
import { applySubscriptionSnapshot } from './sync.js'
import { AccountPage, PORTAL_FLOWS, PricingPage, SubscribedPage } from './views.js'

const SubscribeForm = z.object({ price: z.string().min(1).max(200) })
const PortalForm = z.object({ flow: z.enum(PORTAL_FLOWS).optional() })

export const billingRoutes = new Hono<AppEnv>()
  .get('/pricing', (c) => {
    const interval = c.req.query('interval') === 'year' ? 'year' : 'month'
    const plans = listPlans(c.get('deps').catalog, interval)
    const page = <PricingPage interval={interval} plans={plans} signedIn={c.get('customer') !== undefined} />
    return renderPage(c, { title: 'Pricing' }, page)
  })
  .post('/subscribe', validate('form', SubscribeForm), async (c) => {
    const customer = c.get('customer')
    if (!customer) return c.redirect(`/register?next=${encodeURIComponent('/pricing')}`, 303)
    const { price } = c.req.valid('form')
    const started = await startSubscriptionCheckout(c.get('deps'), customer.id, price)
    return c.redirect(started.url, 303)
  })
  .get('/billing/success', async (c) => {
    const deps = c.get('deps')
    const sessionId = c.req.query('session_id') ?? ''
    if (!/^cs_[A-Za-z0-9_]{4,200}$/.test(sessionId)) return c.redirect('/account', 303)
    const session = await deps.stripe.checkout.sessions.retrieve(sessionId).catch((err) => {
      throw asAppError(err)
    })
    if (session.mode !== 'subscription') return c.redirect(`/checkout/success?session_id=${sessionId}`, 303)
    const subscriptionId = idOf(session.subscription)
    // Sync now, before any webhook: the buyer sees the plan active the moment they land.
    const snapshot =
      subscriptionId && session.status === 'complete'
        ? await fetchSubscriptionSnapshot(deps, subscriptionId)
        : undefined
    const synced = snapshot
      ? await deps.db.transaction().execute((trx) => applySubscriptionSnapshot(deps, trx, snapshot))
      : undefined
    const mine = synced && c.get('customer')?.id === synced.current.customer_id
    const sub = mine ? { ...synced.current, planName: planName(deps.catalog, synced.current) } : undefined
    c.header('Cache-Control', 'no-store')
    return renderPage(c, { title: 'Subscribed' }, <SubscribedPage sub={sub} />)
  })
  .get('/account', async (c) => {
    const signedIn = c.get('customer')
    if (!signedIn) return c.redirect('/signin?next=%2Faccount', 303)
    const deps = c.get('deps')
    const subscriptions = await listSubscriptionsOfCustomer(deps.db, signedIn.id)
    const invoices = await listInvoicesOfCustomer(deps.db, signedIn.id)
    const entitlements = await listEntitlements(deps.db, signedIn.id, deps.clock.now())
    const view = {
      entitlements,
      email: signedIn.email,
      subscriptions: subscriptions.map((s) => ({ ...s, planName: planName(deps.catalog, s) })),
      invoices,
    }
    return renderPage(c, { title: 'Account' }, <AccountPage view={view} />)
  })
  .post('/billing/portal', validate('form', PortalForm), async (c) => {
    const deps = c.get('deps')
    const customer = await findCustomer(deps.db, requireCustomer(c).id)
    if (!customer?.stripeCustomerId) throw new AppError('NO_BILLING_ACCOUNT')
    const returnUrl = `${deps.config.publicUrl}/account`
    const { flow } = c.req.valid('form')
    const portal = await deps.stripe.billingPortal.sessions
      .create({
        customer: customer.stripeCustomerId,
        return_url: returnUrl,
        // The failed-payment banner goes straight to the card form, then back to the account.
        ...(flow === 'payment_method_update'
          ? {
              flow_data: {
                type: 'payment_method_update',
                after_completion: { type: 'redirect', redirect: { return_url: returnUrl } },
              },
            }
          : {}),
      })
      .catch((err) => {
        throw asAppError(err)
      })
    return c.redirect(portal.url, 303)
  })
