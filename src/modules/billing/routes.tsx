/**
 * `GET /pricing`, `POST /subscribe`, `GET /billing/success`, `GET /account`, `POST /billing/portal`.
 * The account page reads only local state; Stripe is called to start Checkout or the portal and
 * to sync a just-completed Checkout on the success page.
 * @module
 */
import { Hono } from 'hono'
import * as z from 'zod'
import { transactionRetryingDeadlocks } from '../../db/retry.js'
import type { AppEnv } from '../../http/env.js'
import { requireCustomer } from '../../http/session.js'
import { validate } from '../../http/validate.js'
import { AppError, isAppError } from '../../lib/errors.js'
import { wantsJSON } from '../../web/error-handler.js'
import { renderPage } from '../../web/layout.js'
import { asAppError } from '../checkout/index.js'
import { findCustomer, signIn } from '../customers/index.js'
import { listEntitlements } from '../entitlements/index.js'
import { listPlans, planName } from './plans.js'
import { listInvoicesOfCustomer, listSubscriptionsOfCustomer } from './repo.js'
import { startGuestSubscriptionCheckout, startSubscriptionCheckout } from './subscribe.js'
import { completeSubscriptionReturn, fetchReturnSnapshot } from './subscription-return.js'
import { AccountPage, KnownSubscriberPage, PORTAL_FLOWS, PricingPage, SubscribedPage } from './views.js'

const emptyToUndefined = (v: unknown): unknown => (typeof v === 'string' && v.trim() === '' ? undefined : v)
const SubscribeForm = z.object({
  price: z.string().min(1).max(200),
  email: z.preprocess(emptyToUndefined, z.email().max(320).optional()),
})
const PortalForm = z.object({ flow: z.enum(PORTAL_FLOWS).optional() })

export const billingRoutes = new Hono<AppEnv>()
  .get('/pricing', (c) => {
    const interval = c.req.query('interval') === 'year' ? 'year' : 'month'
    const plans = listPlans(c.get('deps').catalog, interval)
    const page = <PricingPage interval={interval} plans={plans} signedIn={c.get('customer') !== undefined} />
    return renderPage(c, { title: 'Pricing' }, page)
  })
  .post('/subscribe', validate('form', SubscribeForm), async (c) => {
    const deps = c.get('deps')
    const customer = c.get('customer')
    const { price, email } = c.req.valid('form')
    try {
      const started = customer
        ? await startSubscriptionCheckout(deps, customer.id, price)
        : await startGuestSubscriptionCheckout(deps, { lookupKey: price, ...(email ? { email } : {}) })
      return c.redirect(started.url, 303)
    } catch (err) {
      if (!isAppError(err, 'ALREADY_SUBSCRIBED_SIGN_IN') || wantsJSON(c)) throw err
      const page = <KnownSubscriberPage message={err.message} />
      return renderPage(c, { title: 'You already have this plan', status: 409 }, page)
    }
  })
  .get('/billing/success', async (c) => {
    const deps = c.get('deps')
    const sessionId = c.req.query('session_id') ?? ''
    if (!/^cs_[A-Za-z0-9_]{4,200}$/.test(sessionId)) return c.redirect('/account', 303)
    const session = await deps.stripe.checkout.sessions.retrieve(sessionId).catch((err) => {
      throw asAppError(err)
    })
    if (session.mode !== 'subscription') return c.redirect(`/checkout/success?session_id=${sessionId}`, 303)
    // Sync now, before any webhook: the buyer sees the plan active the moment they land.
    const snapshot = await fetchReturnSnapshot(deps, session)
    const signedInId = c.get('customer')?.id
    const result = snapshot
      ? await transactionRetryingDeadlocks(deps.db, async (trx) => {
          const done = await completeSubscriptionReturn(deps, trx, {
            sessionId,
            snapshot,
            ...(signedInId ? { signedInId } : {}),
          })
          if (done.signInAs) await signIn(c, trx, done.signInAs, 'checkout')
          return done
        })
      : undefined
    const current = result?.current
    const sub = current ? { ...current, planName: planName(deps.catalog, current) } : undefined
    c.header('Cache-Control', 'no-store')
    const page = (
      <SubscribedPage
        sub={sub}
        newAccount={result?.signInAs !== undefined}
        emailedSignInLink={result?.emailedSignInLink === true}
      />
    )
    return renderPage(c, { title: 'Subscribed' }, page)
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
