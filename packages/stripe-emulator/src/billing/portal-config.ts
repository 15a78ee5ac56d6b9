/**
 * Billing Portal configuration features: the defaults Stripe gives a configuration created through
 * the API (notably `subscription_update.proration_behavior: 'none'`), and merging the nested form
 * params of create/update onto them.
 * @module
 */
import type Stripe from 'stripe'
import { invalidParam } from '../errors.js'
import {
  allowOnly,
  optArray,
  optBool,
  optEnum,
  optObject,
  optString,
  optStringArray,
  type Params,
} from '../params.js'

type Features = Stripe.BillingPortal.Configuration.Features

export function defaultFeatures(): Features {
  return {
    customer_update: { allowed_updates: [], enabled: false },
    invoice_history: { enabled: false },
    payment_method_update: { enabled: false, payment_method_configuration: null },
    subscription_cancel: {
      cancellation_reason: { enabled: false, options: [] },
      enabled: false,
      mode: 'at_period_end',
      proration_behavior: 'none',
    },
    subscription_pause: { enabled: false },
    subscription_update: {
      billing_cycle_anchor: null,
      default_allowed_updates: [],
      enabled: false,
      products: [],
      proration_behavior: 'none',
      schedule_at_period_end: { conditions: [] },
      trial_update_behavior: 'end_trial',
    },
  } as unknown as Features
}

/** What the emulator's own default configuration allows: everything the hosted page can do. */
export function portalDefaultFeatures(): Features {
  const f = defaultFeatures()
  f.invoice_history.enabled = true
  f.payment_method_update.enabled = true
  f.subscription_cancel.enabled = true
  return f
}

const PRORATIONS = ['none', 'create_prorations', 'always_invoice'] as const

function mergeCancel(f: Features, p: Params): void {
  const name = 'features[subscription_cancel]'
  allowOnly(p, ['enabled', 'mode', 'proration_behavior', 'cancellation_reason'], name)
  const c = f.subscription_cancel
  c.enabled = optBool(p, 'enabled', `${name}[enabled]`) ?? c.enabled
  c.mode = optEnum(p, 'mode', ['at_period_end', 'immediately'], `${name}[mode]`) ?? c.mode
  const proration = optEnum(p, 'proration_behavior', PRORATIONS, `${name}[proration_behavior]`)
  if (proration === 'always_invoice')
    throw invalidParam(`${name}[proration_behavior]`, 'always_invoice is not supported for cancellations')
  c.proration_behavior = proration ?? c.proration_behavior
  const reason = optObject(p, 'cancellation_reason', `${name}[cancellation_reason]`)
  if (reason) {
    c.cancellation_reason.enabled = optBool(reason, 'enabled') ?? c.cancellation_reason.enabled
    c.cancellation_reason.options = (optStringArray(reason, 'options') ??
      c.cancellation_reason.options) as typeof c.cancellation_reason.options
  }
}

function readProducts(p: Params, name: string): Array<{ product: string; prices: string[] }> {
  return (optArray(p, 'products', `${name}[products]`) ?? []).map((entry, i) => {
    if (typeof entry !== 'object' || Array.isArray(entry))
      throw invalidParam(`${name}[products][${i}]`, 'Invalid product')
    const product = optString(entry, 'product')
    const prices = optStringArray(entry, 'prices') ?? []
    if (!product) throw invalidParam(`${name}[products][${i}][product]`, 'Missing product')
    return { product, prices }
  })
}

function mergeUpdate(f: Features, p: Params): void {
  const name = 'features[subscription_update]'
  allowOnly(
    p,
    [
      'enabled',
      'default_allowed_updates',
      'products',
      'proration_behavior',
      'billing_cycle_anchor',
      'schedule_at_period_end',
      'trial_update_behavior',
    ],
    name,
  )
  const u = f.subscription_update
  u.enabled = optBool(p, 'enabled', `${name}[enabled]`) ?? u.enabled
  const allowed = p.default_allowed_updates === '' ? [] : optStringArray(p, 'default_allowed_updates')
  if (allowed) u.default_allowed_updates = allowed as typeof u.default_allowed_updates
  if (p.products !== undefined) {
    u.products = readProducts(p, name).map((x) => ({
      ...x,
      adjustable_quantity: { enabled: false, maximum: null, minimum: 1 },
    }))
  }
  u.proration_behavior =
    optEnum(p, 'proration_behavior', PRORATIONS, `${name}[proration_behavior]`) ?? u.proration_behavior
  const trial = optEnum(
    p,
    'trial_update_behavior',
    ['end_trial', 'continue_trial'],
    `${name}[trial_update_behavior]`,
  )
  if (trial) u.trial_update_behavior = trial
}

function mergeEnabled(target: { enabled: boolean }, p: Params, name: string, extra: string[] = []): void {
  allowOnly(p, ['enabled', ...extra], name)
  target.enabled = optBool(p, 'enabled', `${name}[enabled]`) ?? target.enabled
}

/** Applies `features[…]` params onto `current` (mutating it). */
export function mergeFeatures(current: Features, params: Params): void {
  allowOnly(
    params,
    [
      'customer_update',
      'invoice_history',
      'payment_method_update',
      'subscription_cancel',
      'subscription_pause',
      'subscription_update',
    ],
    'features',
  )
  const obj = (key: string) => optObject(params, key, `features[${key}]`)
  const cu = obj('customer_update')
  if (cu) {
    mergeEnabled(current.customer_update, cu, 'features[customer_update]', ['allowed_updates'])
    const allowed = cu.allowed_updates === '' ? [] : optStringArray(cu, 'allowed_updates')
    if (allowed)
      current.customer_update.allowed_updates = allowed as typeof current.customer_update.allowed_updates
  }
  const ih = obj('invoice_history')
  if (ih) mergeEnabled(current.invoice_history, ih, 'features[invoice_history]')
  const pm = obj('payment_method_update')
  if (pm)
    mergeEnabled(current.payment_method_update, pm, 'features[payment_method_update]', [
      'payment_method_configuration',
    ])
  const pause = obj('subscription_pause')
  if (pause) mergeEnabled(current.subscription_pause, pause, 'features[subscription_pause]', ['duration'])
  const cancel = obj('subscription_cancel')
  if (cancel) mergeCancel(current, cancel)
  const update = obj('subscription_update')
  if (update) mergeUpdate(current, update)
}
