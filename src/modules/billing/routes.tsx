/**
 * `GET /pricing`, `POST /subscribe`, `GET /billing/success`, and the plan changes (`/billing/change`,
 * `/billing/keep-plan`, `/billing/cancel`, `/billing/resume` for a membership paused after its trial); the account pages are in account-routes.tsx. Stripe is
 * called to start Checkout, to change a plan and to sync a just-completed Checkout on the success
 * page.
 * @module
 */
import { type Context, Hono } from 'hono'
import * as z from 'zod'
import { transactionRetryingDeadlocks } from '../../db/retry.js'
import type { Deps } from '../../deps.js'
import type { AppEnv } from '../../http/env.js'
import { requireCustomer, signedInOnly } from '../../http/session.js'
import { validate } from '../../http/validate.js'
import { AppError, isAppError } from '../../lib/errors.js'
import { refusalPage } from '../../web/error-handler.js'
import { renderPage } from '../../web/layout.js'
import { asAppError } from '../checkout/index.js'
import { signIn } from '../customers/index.js'
import { createAccountRoutes, type ListOrders, openPortal } from './account-routes.js'
import { applyPlanChange, keepCurrentPlan, type PlanChangePreview, previewPlanChange } from './plan-change.js'
import {
  CANCEL_REASONS,
  CancelPlanPage,
  type CancelReason,
  PlanChangePage,
  PlanRefusedPage,
} from './plan-views.js'
import { listPlans, planIntervals, planName } from './plans.js'
import { KnownSubscriberPage, PricingPage, TrialUsedPage } from './pricing-views.js'
import { findSubscriptionByStripeId } from './repo.js'
import { resumePausedSubscription } from './resume-paused.js'
import { yearlySavings } from './savings.js'
import { fetchSubscriptionSnapshot } from './snapshot.js'
import {
  SWITCH_METADATA_KEY,
  startGuestSubscriptionCheckout,
  startSubscriptionCheckout,
} from './subscribe.js'
import { completeSubscriptionReturn, fetchReturnSnapshot } from './subscription-return.js'
import { applySubscriptionSnapshot } from './sync.js'
import type { SubscriptionRow } from './table.js'
import { SubscribedPage } from './views.js'

const emptyToUndefined = (v: unknown): unknown => (typeof v === 'string' && v.trim() === '' ? undefined : v)
const SubscribeForm = z.object({
  price: z.string().min(1).max(200),
  email: z.preprocess(emptyToUndefined, z.email().max(320).optional()),
  trial: z.enum(['skip']).optional(),
})
const RefusedQuery = z.object({
  reason: z.enum(['trial-used', 'subscribed']),
  price: z.string().min(1).max(200),
  email: z.preprocess(emptyToUndefined, z.email().max(320).optional()),
})
const subscriptionId = z.string().regex(/^sub_[A-Za-z0-9_]{4,200}$/)
const ChangeForm = z.object({ subscription: subscriptionId, price: z.string().min(1).max(200) })
const SubscriptionForm = z.object({ subscription: subscriptionId })
const CancelForm = z.object({
  subscription: subscriptionId,
  reason: z.enum(Object.keys(CANCEL_REASONS) as [CancelReason, ...CancelReason[]]),
  comment: z.string().max(500).optional(),
})
const PLAN_REFUSALS = [
  'PLAN_NOT_IN_FAMILY',
  'PLAN_UNCHANGED',
  'PLAN_CHANGE_NOT_ALLOWED',
  'PRICE_NOT_FOUND',
  'SUBSCRIPTION_NOT_PAUSED',
] as const

/** The signed-in customer's own subscription row, or 404 (another member's id reveals nothing). */
async function ownSubscription(c: Context<AppEnv>, stripeId: string): Promise<SubscriptionRow> {
  const row = await findSubscriptionByStripeId(c.get('deps').db, stripeId)
  if (!row || row.customer_id !== requireCustomer(c).id) throw new AppError('NOT_FOUND')
  return row
}

/** Re-reads the subscription from Stripe and applies it now, so access follows the change at once. */
async function syncNow(deps: Deps, stripeId: string): Promise<void> {
  const snapshot = await fetchSubscriptionSnapshot(deps, stripeId)
  await transactionRetryingDeadlocks(deps.db, (trx) => applySubscriptionSnapshot(deps, trx, snapshot))
}

/** Bad switches are answered on a page in words, before anything reaches Stripe. */
function refusePlan(c: Context<AppEnv>, err: unknown): Response | Promise<Response> {
  if (!PLAN_REFUSALS.some((code) => isAppError(err, code))) throw err
  const refused = err as AppError
  return refusalPage(c, refused, 'Plan change refused', <PlanRefusedPage message={refused.message} />)
}

const planRoutes = new Hono<AppEnv>()
  .get('/billing/change', signedInOnly, validate('query', ChangeForm), async (c) => {
    const { subscription, price } = c.req.valid('query')
    const row = await ownSubscription(c, subscription)
    try {
      const preview = previewPlanChange(c.get('deps'), row, price)
      return renderPage(
        c,
        { title: 'Change plan' },
        <PlanChangePage subscription={subscription} preview={preview} />,
      )
    } catch (err) {
      return refusePlan(c, err)
    }
  })
  .post('/billing/change', signedInOnly, validate('form', ChangeForm), async (c) => {
    const deps = c.get('deps')
    const { subscription, price } = c.req.valid('form')
    const row = await ownSubscription(c, subscription)
    let preview: PlanChangePreview
    try {
      preview = previewPlanChange(deps, row, price)
    } catch (err) {
      return refusePlan(c, err)
    }
    await applyPlanChange(deps, row, preview)
    await syncNow(deps, subscription)
    return c.redirect(`/account?changed=${preview.kind}`, 303)
  })
  .post('/billing/keep-plan', signedInOnly, validate('form', SubscriptionForm), async (c) => {
    const deps = c.get('deps')
    const row = await ownSubscription(c, c.req.valid('form').subscription)
    try {
      await keepCurrentPlan(deps, row)
    } catch (err) {
      return refusePlan(c, err)
    }
    await syncNow(deps, row.stripe_subscription_id)
    return c.redirect('/account?changed=kept', 303)
  })
  .post('/billing/resume', signedInOnly, validate('form', SubscriptionForm), async (c) => {
    const deps = c.get('deps')
    const row = await ownSubscription(c, c.req.valid('form').subscription)
    let result: Awaited<ReturnType<typeof resumePausedSubscription>>
    try {
      result = await resumePausedSubscription(deps, row)
    } catch (err) {
      return refusePlan(c, err)
    }
    // No card yet: the portal's card form first, then back here to press Resume again.
    if (result === 'needs-card') {
      return c.redirect(await openPortal(c, 'payment_method_update', '/account?changed=card-saved'), 303)
    }
    await syncNow(deps, row.stripe_subscription_id)
    return c.redirect('/account?changed=resumed', 303)
  })
  .get('/billing/cancel', signedInOnly, validate('query', SubscriptionForm), async (c) => {
    const deps = c.get('deps')
    const row = await ownSubscription(c, c.req.valid('query').subscription)
    if (!['active', 'trialing', 'past_due'].includes(row.status) || row.cancel_at_period_end === 1) {
      return refusePlan(c, new AppError('PLAN_CHANGE_NOT_ALLOWED'))
    }
    const page = (
      <CancelPlanPage
        subscription={row.stripe_subscription_id}
        planName={planName(deps.catalog, row)}
        endsOn={row.trial_end && row.status === 'trialing' ? row.trial_end : row.current_period_end}
      />
    )
    return renderPage(c, { title: 'Cancel plan' }, page)
  })
  .post('/billing/cancel', signedInOnly, validate('form', CancelForm), async (c) => {
    const deps = c.get('deps')
    const form = c.req.valid('form')
    const row = await ownSubscription(c, form.subscription)
    if (!['active', 'trialing', 'past_due'].includes(row.status)) {
      return refusePlan(c, new AppError('PLAN_CHANGE_NOT_ALLOWED'))
    }
    const comment = form.comment?.trim()
    await deps.stripe.subscriptions
      .update(row.stripe_subscription_id, {
        cancel_at_period_end: true,
        cancellation_details: { feedback: form.reason, ...(comment ? { comment } : {}) },
        metadata: { [SWITCH_METADATA_KEY]: '' },
      })
      .catch((err) => {
        throw asAppError(err)
      })
    await syncNow(deps, row.stripe_subscription_id)
    return c.redirect('/account?changed=canceled', 303)
  })

const purchaseRoutes = new Hono<AppEnv>()
  .get('/pricing', (c) => {
    const catalog = c.get('deps').catalog
    const intervals = planIntervals(catalog)
    // An interval the catalog has no plans for (or none asked) shows monthly plans, or the first kind.
    const asked = intervals.find((i) => i === c.req.query('interval'))
    const interval = asked ?? (intervals.includes('month') ? 'month' : (intervals[0] ?? 'month'))
    const plans = listPlans(catalog, interval)
    const savings = yearlySavings(catalog.prices)
    const page = (
      <PricingPage
        interval={interval}
        intervals={intervals}
        plans={plans}
        signedIn={c.get('customer') !== undefined}
        savings={savings}
      />
    )
    return renderPage(c, { title: 'Pricing' }, page)
  })
  .post('/subscribe', validate('form', SubscribeForm), async (c) => {
    const deps = c.get('deps')
    const customer = c.get('customer')
    const { price, email, trial } = c.req.valid('form')
    const options = trial === 'skip' ? { skipTrial: true } : {}
    try {
      const started = customer
        ? await startSubscriptionCheckout(deps, customer.id, price, options)
        : await startGuestSubscriptionCheckout(deps, {
            lookupKey: price,
            ...options,
            ...(email ? { email } : {}),
          })
      return c.redirect(started.url, 303)
    } catch (err) {
      if (isAppError(err, 'TRIAL_ALREADY_USED')) {
        const page = <TrialUsedPage message={err.message} price={price} email={email} />
        return refusalPage(c, err, 'Free trial used', page)
      }
      if (!isAppError(err, 'ALREADY_SUBSCRIBED_SIGN_IN')) throw err
      return refusalPage(c, err, 'You already have this plan', <KnownSubscriberPage message={err.message} />)
    }
  })
  // Where the buy button sends a buyer it was refused for (see withRefusalPage): the same pages
  // as /subscribe's refusals, whose forms carry on from here.
  .get('/subscribe/refused', validate('query', RefusedQuery), (c) => {
    const { reason, price, email } = c.req.valid('query')
    if (reason === 'trial-used') {
      const message = new AppError('TRIAL_ALREADY_USED').message
      const page = <TrialUsedPage message={message} price={price} email={email} />
      return renderPage(c, { title: 'Free trial used' }, page)
    }
    const page = <KnownSubscriberPage message={new AppError('ALREADY_SUBSCRIBED_SIGN_IN').message} />
    return renderPage(c, { title: 'You already have this plan' }, page)
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
    // The webhook may be applying the same subscription (and making the same customer) right now.
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

/** Every billing page; `listOrders` fills the account page's order list (see account-routes.tsx). */
export function createBillingRoutes(listOrders?: ListOrders): Hono<AppEnv> {
  return new Hono<AppEnv>()
    .route('/', planRoutes)
    .route('/', createAccountRoutes(listOrders))
    .route('/', purchaseRoutes)
}
