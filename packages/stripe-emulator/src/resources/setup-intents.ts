/**
 * SetupIntents through the API: create (with `confirm=true`, as the Stripe CLI sends it; legacy
 * `payment_method_types[]` accepted like on PaymentIntents), retrieve, update, confirm, cancel,
 * list (`customer`, `payment_method`, `created`). What confirming does is in
 * `setup-intent-objects.ts`.
 * @module
 */
import type Stripe from 'stripe'
import type { Ctx } from '../context.js'
import { invalidRequest, missingParam, unsupportedParam } from '../errors.js'
import { LIST_PARAMS, paginate } from '../list.js'
import {
  allowOnly,
  applyMetadata,
  inRange,
  nullableString,
  optBool,
  optEnum,
  optObject,
  optRange,
  optString,
  optStringArray,
  type Params,
} from '../params.js'
import { route } from '../registry.js'
import { getObject, listObjects } from '../state.js'
import { resolvePaymentMethod } from './cards.js'
import {
  cancelSetupIntent,
  confirmSetupIntent,
  insertSetupIntent,
  setupDeclineError,
} from './setup-intent-objects.js'
// The 3-D Secure challenge page for API-confirmed intents registers itself on import.
import '../pages/authenticate.js'

const CONFIRM = ['payment_method', 'return_url', 'use_stripe_sdk', 'mandate_data'] as const

function getSetupIntent(ctx: Ctx, id: string): Stripe.SetupIntent {
  return getObject<Stripe.SetupIntent>(ctx.state, 'setup_intent', id, 'id', 'setup_intent')
}

function confirm(ctx: Ctx, si: Stripe.SetupIntent, params: Params): Stripe.SetupIntent {
  const pmId =
    optString(params, 'payment_method') ?? (typeof si.payment_method === 'string' ? si.payment_method : null)
  if (!pmId) {
    throw invalidRequest(
      "You cannot confirm this SetupIntent because it's missing a payment method. Update the SetupIntent with a payment method and then confirm it again.",
      'setup_intent_unexpected_state',
    )
  }
  // Mandates are not modelled; use_stripe_sdk=true keeps a 3DS step in-page even with a return_url.
  if (params.mandate_data !== undefined) throw unsupportedParam('mandate_data')
  const inPage = optBool(params, 'use_stripe_sdk') === true
  const pm = resolvePaymentMethod(ctx, pmId, 'payment_method')
  const outcome = confirmSetupIntent(ctx, si, pm, inPage ? null : (optString(params, 'return_url') ?? null))
  if (outcome === 'failed') throw setupDeclineError(si)
  return si
}

route('post', '/v1/setup_intents', (ctx, params) => {
  allowOnly(params, [
    'confirm',
    'customer',
    'description',
    'metadata',
    'payment_method',
    'payment_method_types',
    'automatic_payment_methods',
    'return_url',
    'usage',
    'use_stripe_sdk',
    'mandate_data',
  ])
  const customer = optString(params, 'customer')
  if (customer) getObject(ctx.state, 'customer', customer, 'customer')
  const types = optStringArray(params, 'payment_method_types')
  const si = insertSetupIntent(ctx, {
    customer: customer ?? null,
    description: nullableString(params, 'description') ?? null,
    metadata: applyMetadata({}, params),
    usage: optEnum(params, 'usage', ['off_session', 'on_session'] as const) ?? 'off_session',
    ...(types ? { paymentMethodTypes: types } : {}),
  })
  const auto = optObject(params, 'automatic_payment_methods')
  if (auto) {
    allowOnly(auto, ['enabled', 'allow_redirects'], 'automatic_payment_methods')
    const enabled = optBool(auto, 'enabled', 'automatic_payment_methods[enabled]')
    if (enabled === undefined) throw missingParam('automatic_payment_methods[enabled]')
    if (enabled && types)
      throw invalidRequest(
        'You may only specify one of these parameters: automatic_payment_methods, payment_method_types.',
        'parameters_exclusive',
      )
    const redirects = optEnum(
      auto,
      'allow_redirects',
      ['always', 'never'] as const,
      'automatic_payment_methods[allow_redirects]',
    )
    si.automatic_payment_methods = enabled ? { allow_redirects: redirects ?? 'always', enabled: true } : null
  }
  const pmId = optString(params, 'payment_method')
  if (pmId) {
    si.payment_method = resolvePaymentMethod(ctx, pmId, 'payment_method').id
    si.status = 'requires_confirmation'
  }
  if (optBool(params, 'confirm')) {
    const confirmParams: Params = {}
    for (const key of CONFIRM) if (params[key] !== undefined) confirmParams[key] = params[key]
    return confirm(ctx, si, confirmParams)
  } else if (params.return_url !== undefined) {
    throw invalidRequest('You can only pass in `return_url` when `confirm` is true.', undefined, 'return_url')
  }
  return si
})
route('get', '/v1/setup_intents/:id', (ctx, _params, path) => getSetupIntent(ctx, path.id!))
route('post', '/v1/setup_intents/:id', (ctx, params, path) => {
  allowOnly(params, ['customer', 'description', 'metadata', 'payment_method'])
  const si = getSetupIntent(ctx, path.id!)
  if (si.status === 'succeeded' || si.status === 'canceled') {
    throw invalidRequest(
      `You cannot update this SetupIntent because it has a status of ${si.status}.`,
      'setup_intent_unexpected_state',
    )
  }
  const customer = optString(params, 'customer')
  if (customer) si.customer = getObject<Stripe.Customer>(ctx.state, 'customer', customer, 'customer').id
  const description = nullableString(params, 'description')
  if (description !== undefined) si.description = description
  si.metadata = applyMetadata(si.metadata ?? {}, params)
  const pmId = optString(params, 'payment_method')
  if (pmId) {
    si.payment_method = resolvePaymentMethod(ctx, pmId, 'payment_method').id
    si.status = 'requires_confirmation'
  }
  // Stripe has no setup_intent.updated event: an update sends none.
  return si
})
route('post', '/v1/setup_intents/:id/confirm', (ctx, params, path) => {
  allowOnly(params, CONFIRM)
  return confirm(ctx, getSetupIntent(ctx, path.id!), params)
})
route('post', '/v1/setup_intents/:id/cancel', (ctx, params, path) => {
  allowOnly(params, ['cancellation_reason'])
  const si = getSetupIntent(ctx, path.id!)
  const reason =
    optEnum(params, 'cancellation_reason', ['abandoned', 'duplicate', 'requested_by_customer'] as const) ??
    null
  cancelSetupIntent(ctx, si, reason)
  return si
})
route('get', '/v1/setup_intents', (ctx, params) => {
  allowOnly(params, [...LIST_PARAMS, 'customer', 'payment_method', 'created'])
  const customer = optString(params, 'customer')
  const pm = optString(params, 'payment_method')
  const created = optRange(params, 'created')
  const items = listObjects<Stripe.SetupIntent>(
    ctx.state,
    'setup_intent',
    (s) =>
      (customer === undefined || s.customer === customer) &&
      (pm === undefined || s.payment_method === pm) &&
      inRange(s.created, created),
  )
  return paginate(items, params, '/v1/setup_intents')
})
