/**
 * Subscriptions through the API: create (paying the first invoice at once),
 * retrieve, list, update (cancel at period end / at a time, price swaps with prorations, trial
 * end, metadata, payment method), cancel and resume.
 * @module
 */
import type Stripe from 'stripe'
import { changePlan, type Proration } from '../billing/change-plan.js'
import { endTrialNow } from '../billing/collection.js'
import {
  changeSubscription,
  endSubscription,
  scheduleCycle,
  startSubscription,
  unscheduleAll,
} from '../billing/lifecycle.js'
import { buildSubscription, clockOfSubscription, currentPeriodEnd } from '../billing/model.js'
import { resumeSubscription } from '../billing/resume.js'
import { readTaxRates } from '../billing/tax.js'
import type { Ctx } from '../context.js'
import { cardError, invalidParam, invalidRequest, missingParam } from '../errors.js'
import { LIST_PARAMS, paginate } from '../list.js'
import {
  allowOnly,
  applyMetadata,
  inRange,
  nullableString,
  onlyDefault,
  optBool,
  optEnum,
  optInt,
  optObject,
  optRange,
  optString,
  type Params,
  reqString,
} from '../params.js'
import { route } from '../registry.js'
import { deleteObject, getObject, listObjects } from '../state.js'
import { readMissingPaymentMethod } from './checkout-params.js'
import { onCustomerDeleted } from './customers.js'
import { resolveDiscount } from './subscription-discounts.js'
import { CREATE, guardDefaults, readItems, readSwaps, readTrialEnd, UPDATE } from './subscription-params.js'

function createSubscription(ctx: Ctx, params: Params): Stripe.Subscription {
  allowOnly(params, CREATE)
  const customer = getObject<Stripe.Customer>(
    ctx.state,
    'customer',
    reqString(params, 'customer'),
    'customer',
  )
  const items = readItems(ctx, params)
  guardDefaults(params, items[0]?.price.currency ?? null, true)
  const now = ctx.now(typeof customer.test_clock === 'string' ? customer.test_clock : null)
  const pm = optString(params, 'default_payment_method')
  if (pm) getObject(ctx.state, 'payment_method', pm, 'default_payment_method', 'PaymentMethod')
  const behaviour =
    optEnum(params, 'payment_behavior', [
      'allow_incomplete',
      'default_incomplete',
      'error_if_incomplete',
      'pending_if_incomplete',
    ] as const) ?? 'allow_incomplete'
  const discount = resolveDiscount(ctx, params)
  const sub = buildSubscription(ctx, {
    customer: customer.id,
    items,
    trialEnd: readTrialEnd(params, now, items),
    metadata: applyMetadata({}, params),
    defaultPaymentMethod: pm ?? null,
    description: nullableString(params, 'description') ?? null,
    coupon: discount.coupon,
    promotionCode: discount.promotionCode,
    defaultTaxRates: readTaxRates(ctx, params.default_tax_rates, 'default_tax_rates') ?? [],
    missingPaymentMethod: readMissingPaymentMethod(params, 'trial_settings'),
  })
  startSubscription(ctx, sub, behaviour !== 'default_incomplete')
  if (sub.status === 'incomplete' && behaviour === 'error_if_incomplete') {
    // Stripe creates no subscription when it refuses one.
    unscheduleAll(ctx, sub.id)
    for (const id of [sub.id, String(sub.latest_invoice), ...(sub.discounts as unknown as string[])])
      deleteObject(ctx.state, id)
    throw cardError('Your card was declined.', 'card_declined', { decline_code: 'generic_decline' })
  }
  if (optBool(params, 'cancel_at_period_end')) scheduleCancel(ctx, sub, true)
  else if (optInt(params, 'cancel_at') !== undefined)
    scheduleCancel(ctx, sub, false, optInt(params, 'cancel_at'))
  return sub
}

function scheduleCancel(
  ctx: Ctx,
  sub: Stripe.Subscription,
  atPeriodEnd: boolean,
  cancelAt?: number | null,
): void {
  const now = ctx.now(clockOfSubscription(ctx, sub))
  changeSubscription(ctx, sub, (s) => {
    if (atPeriodEnd) {
      s.cancel_at_period_end = true
      s.cancel_at = currentPeriodEnd(s)
    } else if (cancelAt !== undefined && cancelAt !== null) {
      s.cancel_at_period_end = false
      s.cancel_at = cancelAt
    } else {
      s.cancel_at_period_end = false
      s.cancel_at = null
    }
    const scheduled = s.cancel_at !== null
    s.canceled_at = scheduled ? now : null
    s.cancellation_details = {
      comment: null,
      feedback: null,
      feedback_option: null,
      reason: scheduled ? 'cancellation_requested' : null,
    } as Stripe.Subscription.CancellationDetails
  })
  scheduleCycle(ctx, sub)
}

function updateSubscription(ctx: Ctx, id: string, params: Params): Stripe.Subscription {
  allowOnly(params, UPDATE)
  const sub = getObject<Stripe.Subscription>(ctx.state, 'subscription', id)
  guardDefaults(params, sub.currency)
  if (sub.status === 'canceled' || sub.status === 'incomplete_expired') {
    throw invalidRequest('A canceled subscription can only update its cancellation_details and metadata.')
  }
  const behaviour =
    optEnum(params, 'proration_behavior', ['create_prorations', 'none', 'always_invoice'] as const) ??
    'create_prorations'
  const swaps = readSwaps(ctx, sub, params)
  const defaultRates = readTaxRates(ctx, params.default_tax_rates, 'default_tax_rates')
  for (const swap of swaps) changePlan(ctx, sub, swap, behaviour as Proration)
  const atPeriodEnd = optBool(params, 'cancel_at_period_end')
  if (atPeriodEnd !== undefined) scheduleCancel(ctx, sub, atPeriodEnd)
  if (params.cancel_at !== undefined) {
    const at = params.cancel_at === '' ? null : optInt(params, 'cancel_at')!
    scheduleCancel(ctx, sub, false, at)
  }
  if (params.trial_end !== undefined) changeTrialEnd(ctx, sub, params)
  const pause = readPause(params)
  const details = readCancellationDetails(params)
  changeSubscription(ctx, sub, (s) => {
    // Rates change with the update's other fields (one customer.subscription.updated); prorations
    // the swaps above made keep the rates the items had.
    if (defaultRates !== undefined) s.default_tax_rates = defaultRates
    for (const swap of swaps) {
      const item = s.items.data.find((it) => it.id === swap.item.id)
      if (item && swap.taxRates !== undefined) item.tax_rates = swap.taxRates
    }
    if (pause !== undefined) s.pause_collection = pause
    if (details)
      s.cancellation_details = {
        ...s.cancellation_details,
        ...details,
      } as Stripe.Subscription.CancellationDetails
    s.metadata = applyMetadata(s.metadata, params)
    const pm = nullableString(params, 'default_payment_method')
    if (pm) getObject(ctx.state, 'payment_method', pm, 'default_payment_method', 'PaymentMethod')
    if (pm !== undefined) s.default_payment_method = pm
    const description = nullableString(params, 'description')
    if (description !== undefined) s.description = description
  })
  return sub
}

const FEEDBACK = [
  'customer_service',
  'low_quality',
  'missing_features',
  'other',
  'switched_service',
  'too_complex',
  'too_expensive',
  'unused',
] as const

/** `pause_collection[behavior]` (+ `resumes_at`), or `''` to resume collecting. */
function readPause(params: Params): Stripe.Subscription.PauseCollection | null | undefined {
  if (params.pause_collection === undefined) return undefined
  const pause = optObject(params, 'pause_collection')
  if (!pause) return null
  allowOnly(pause, ['behavior', 'resumes_at'], 'pause_collection')
  const behavior = optEnum(
    pause,
    'behavior',
    ['keep_as_draft', 'mark_uncollectible', 'void'] as const,
    'pause_collection[behavior]',
  )
  if (!behavior) throw missingParam('pause_collection[behavior]')
  return { behavior, resumes_at: optInt(pause, 'resumes_at', 'pause_collection[resumes_at]') ?? null }
}

/** `cancellation_details[feedback|comment]` on update: the customer's reason, kept as given. */
function readCancellationDetails(
  params: Params,
): { feedback?: string | null; comment?: string | null } | undefined {
  const raw = optObject(params, 'cancellation_details')
  if (!raw) return undefined
  allowOnly(raw, ['feedback', 'comment'], 'cancellation_details')
  const feedback =
    raw.feedback === '' ? null : optEnum(raw, 'feedback', FEEDBACK, 'cancellation_details[feedback]')
  const comment = raw.comment === '' ? null : optString(raw, 'comment', 'cancellation_details[comment]')
  return {
    ...(feedback !== undefined ? { feedback } : {}),
    ...(comment !== undefined ? { comment } : {}),
  }
}
function changeTrialEnd(ctx: Ctx, sub: Stripe.Subscription, params: Params): void {
  const now = ctx.now(clockOfSubscription(ctx, sub))
  if (params.trial_end === 'now') {
    endTrialNow(ctx, sub)
    return
  }
  const end = optInt(params, 'trial_end')!
  if (end < now) throw invalidParam('trial_end', 'Invalid timestamp: must be in the future')
  changeSubscription(ctx, sub, (s) => {
    s.trial_end = end
    s.trial_start ??= now
    s.status = 'trialing'
    s.billing_cycle_anchor = end
    for (const item of s.items.data) item.current_period_end = end
  })
  // Ending a trial now renews at once: the job runs as soon as the clock is looked at.
  scheduleCycle(ctx, sub)
}

function cancelSubscription(ctx: Ctx, id: string, params: Params): Stripe.Subscription {
  allowOnly(params, ['invoice_now', 'prorate', 'cancellation_details'])
  // A final invoice (invoice_now) and its prorations are not modelled: refused rather than ignored.
  onlyDefault(params, 'invoice_now', (v) => String(v).toLowerCase() === 'false')
  onlyDefault(params, 'prorate', (v) => String(v).toLowerCase() === 'false')
  const details = optObject(params, 'cancellation_details')
  if (details) allowOnly(details, ['comment', 'feedback', 'feedback_option'], 'cancellation_details')
  const FEEDBACK = [
    'customer_service',
    'low_quality',
    'missing_features',
    'other',
    'switched_service',
    'too_complex',
    'too_expensive',
    'unused',
  ] as const
  const feedback = details
    ? optEnum(details, 'feedback', FEEDBACK, 'cancellation_details[feedback]')
    : undefined
  const comment = details ? nullableString(details, 'comment', 'cancellation_details[comment]') : undefined
  const option = details
    ? nullableString(details, 'feedback_option', 'cancellation_details[feedback_option]')
    : undefined
  const sub = getObject<Stripe.Subscription>(ctx.state, 'subscription', id)
  if (sub.status === 'canceled')
    throw invalidRequest(`No such subscription: '${id}'`, 'resource_missing', 'id', 404)
  sub.canceled_at = ctx.now(clockOfSubscription(ctx, sub))
  sub.cancellation_details = {
    comment: comment ?? null,
    feedback: feedback ?? null,
    feedback_option: option ?? null,
    reason: 'cancellation_requested',
  } as Stripe.Subscription.CancellationDetails
  endSubscription(ctx, sub, 'cancellation_requested')
  return sub
}

// Stripe cancels a deleted customer's subscriptions at once (no final invoice, no proration).
onCustomerDeleted((ctx, customer) => {
  const live = listObjects<Stripe.Subscription>(
    ctx.state,
    'subscription',
    (s) => s.customer === customer.id && s.status !== 'canceled' && s.status !== 'incomplete_expired',
  )
  // Oldest first, as they were made.
  for (const sub of live.reverse()) {
    sub.canceled_at = ctx.now(clockOfSubscription(ctx, sub))
    endSubscription(ctx, sub, 'cancellation_requested')
  }
})

route('post', '/v1/subscriptions', (ctx, params) => createSubscription(ctx, params))
route('get', '/v1/subscriptions/:id', (ctx, _p, path) => getObject(ctx.state, 'subscription', path.id!))
route('post', '/v1/subscriptions/:id', (ctx, params, path) => updateSubscription(ctx, path.id!, params))
route('delete', '/v1/subscriptions/:id', (ctx, params, path) => cancelSubscription(ctx, path.id!, params))
/**
 * The pinned API version sends `billing_cycle_anchor[type]=now|unchanged` (a hash); versions
 * before it sent the bare value, which is still read.
 */
function resumeAnchor(params: Params): 'now' | 'unchanged' {
  const ANCHORS = ['now', 'unchanged'] as const
  if (typeof params.billing_cycle_anchor !== 'object') {
    return optEnum(params, 'billing_cycle_anchor', ANCHORS) ?? 'now'
  }
  const hash = optObject(params, 'billing_cycle_anchor') ?? {}
  allowOnly(hash, ['type'], 'billing_cycle_anchor')
  return optEnum(hash, 'type', ANCHORS, 'billing_cycle_anchor[type]') ?? 'now'
}

route('post', '/v1/subscriptions/:id/resume', (ctx, params, path) => {
  allowOnly(params, ['billing_cycle_anchor', 'proration_behavior', 'proration_date', 'payment_behavior'])
  const sub = getObject<Stripe.Subscription>(ctx.state, 'subscription', path.id!)
  const anchor = resumeAnchor(params)
  const proration =
    optEnum(params, 'proration_behavior', ['create_prorations', 'always_invoice', 'none'] as const) ??
    'create_prorations'
  const behavior =
    optEnum(params, 'payment_behavior', [
      'resume_on_payment_attempt',
      'resume_on_payment_success',
    ] as const) ?? 'resume_on_payment_attempt'
  const prorationDate = optInt(params, 'proration_date')
  if (sub.status !== 'paused') throw invalidRequest('Only a paused subscription can be resumed.')
  resumeSubscription(ctx, sub, anchor, proration, behavior, prorationDate)
  return sub
})
route('get', '/v1/subscriptions', (ctx, params) => {
  allowOnly(params, [
    ...LIST_PARAMS,
    'customer',
    'status',
    'price',
    'test_clock',
    'created',
    'collection_method',
    'current_period_end',
    'current_period_start',
    'automatic_tax',
  ])
  const customer = optString(params, 'customer')
  const status = optString(params, 'status')
  const price = optString(params, 'price')
  const clock = optString(params, 'test_clock')
  const created = optRange(params, 'created')
  const items = listObjects<Stripe.Subscription>(
    ctx.state,
    'subscription',
    (s) =>
      (!customer || s.customer === customer) &&
      (status === 'all'
        ? true
        : status
          ? s.status === status
          : s.status !== 'canceled' && s.status !== 'incomplete_expired') &&
      (!price || s.items.data.some((i) => i.price.id === price)) &&
      // As on Stripe: test-clock subscriptions are listed only for their clock or their customer.
      (clock ? s.test_clock === clock : customer !== undefined || !s.test_clock) &&
      inRange(s.created, created),
  )
  return paginate(items, params, '/v1/subscriptions')
})
