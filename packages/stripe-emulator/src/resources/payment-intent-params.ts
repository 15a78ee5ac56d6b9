/**
 * PaymentIntent parameters that only set fields or steer the confirmation, read the same way on
 * create, update and confirm, so none is accepted and dropped: `statement_descriptor(_suffix)`,
 * `transfer_group`, `shipping`, `receipt_email`, `automatic_payment_methods`, `return_url` (a 3DS
 * step is then `redirect_to_url`, and the challenge page returns there), `use_stripe_sdk`,
 * `error_on_requires_action`, `confirmation_method` (`manual` returns to `requires_confirmation`
 * after a 3DS step). `mandate_data` creates a SEPA Direct Debit Mandate (mandates.ts). What the
 * emulator does not model is refused by name: `excluded_payment_method_types`,
 * `payment_method_configuration`.
 * @module
 */
import type Stripe from 'stripe'
import type { Ctx } from '../context.js'
import { invalidRequest, missingParam, unsupportedParam } from '../errors.js'
import { allowOnly, nullableString, optBool, optEnum, optObject, optString, type Params } from '../params.js'
import { hiddenOf } from '../state.js'
import { createCustomerBalancePaymentMethod, readCustomerBalanceOptions } from './cash-balance.js'

const REFUSED = ['excluded_payment_method_types', 'payment_method_configuration'] as const

export function refuseUnmodelled(params: Params): void {
  for (const key of REFUSED) if (params[key] !== undefined) throw unsupportedParam(key)
}

/** `shipping` as PaymentIntents and charges take it; `''` → null, absent → undefined. */
export function readShipping(params: Params): Stripe.PaymentIntent.Shipping | null | undefined {
  if (params.shipping === undefined) return undefined
  const shipping = optObject(params, 'shipping')
  if (!shipping) return null
  allowOnly(shipping, ['address', 'name', 'phone', 'carrier', 'tracking_number'], 'shipping')
  const address = optObject(shipping, 'address', 'shipping[address]')
  if (!address) throw missingParam('shipping[address]')
  const keys = ['city', 'country', 'line1', 'line2', 'postal_code', 'state'] as const
  allowOnly(address, keys, 'shipping[address]')
  const name = optString(shipping, 'name', 'shipping[name]')
  if (!name) throw missingParam('shipping[name]')
  return {
    address: Object.fromEntries(
      keys.map((k) => [k, nullableString(address, k, `shipping[address][${k}]`) ?? null]),
    ) as unknown as Stripe.Address,
    carrier: nullableString(shipping, 'carrier', 'shipping[carrier]') ?? null,
    name,
    phone: nullableString(shipping, 'phone', 'shipping[phone]') ?? null,
    tracking_number: nullableString(shipping, 'tracking_number', 'shipping[tracking_number]') ?? null,
  }
}

/** Fields a create or an update sets on the PaymentIntent (validated before anything changes). */
export function readPlainFields(params: Params): (pi: Stripe.PaymentIntent) => void {
  const descriptor = nullableString(params, 'statement_descriptor')
  const suffix = nullableString(params, 'statement_descriptor_suffix')
  for (const [name, value] of [
    ['statement_descriptor', descriptor],
    ['statement_descriptor_suffix', suffix],
  ] as const)
    if (typeof value === 'string' && value.length > 22)
      throw invalidRequest(`${name} must be at most 22 characters.`, 'parameter_invalid', name)
  const group = nullableString(params, 'transfer_group')
  const shipping = readShipping(params)
  const receipt = nullableString(params, 'receipt_email')
  const auto = optObject(params, 'automatic_payment_methods')
  if (auto) allowOnly(auto, ['enabled', 'allow_redirects'], 'automatic_payment_methods')
  const enabled = auto ? optBool(auto, 'enabled', 'automatic_payment_methods[enabled]') : undefined
  if (auto && enabled === undefined) throw missingParam('automatic_payment_methods[enabled]')
  const redirects = auto
    ? optEnum(
        auto,
        'allow_redirects',
        ['always', 'never'] as const,
        'automatic_payment_methods[allow_redirects]',
      )
    : undefined
  if (enabled && params.payment_method_types !== undefined)
    throw invalidRequest(
      'You may only specify one of these parameters: automatic_payment_methods, payment_method_types.',
      'parameters_exclusive',
    )
  const confirmation = optEnum(params, 'confirmation_method', ['automatic', 'manual'] as const)
  return (pi) => {
    // manual: after a 3DS step the PaymentIntent returns to requires_confirmation (payments.ts).
    if (confirmation !== undefined) pi.confirmation_method = confirmation
    if (descriptor !== undefined) pi.statement_descriptor = descriptor
    if (suffix !== undefined) pi.statement_descriptor_suffix = suffix
    if (group !== undefined) pi.transfer_group = group
    if (shipping !== undefined) pi.shipping = shipping
    if (receipt !== undefined) pi.receipt_email = receipt
    if (enabled !== undefined)
      pi.automatic_payment_methods = enabled
        ? { allow_redirects: redirects ?? 'always', enabled: true }
        : null
  }
}

type ConfirmHidden = { returnUrl?: string; errorOnRequiresAction?: boolean; useStripeSdk?: boolean }

/** `return_url`, `use_stripe_sdk`, `error_on_requires_action` for this confirmation. */
export function readConfirmOptions(ctx: Ctx, pi: Stripe.PaymentIntent, params: Params): void {
  const returnUrl = optString(params, 'return_url')
  if (returnUrl !== undefined && !/^https?:\/\//.test(returnUrl))
    throw invalidRequest('return_url must be an absolute http(s) URL.', 'url_invalid', 'return_url')
  const hidden = hiddenOf<ConfirmHidden>(ctx.state, pi.id)
  if (returnUrl !== undefined) hidden.returnUrl = returnUrl
  const sdk = optBool(params, 'use_stripe_sdk')
  if (sdk !== undefined) hidden.useStripeSdk = sdk
  const strict = optBool(params, 'error_on_requires_action')
  if (strict !== undefined) hidden.errorOnRequiresAction = strict
}

export function confirmOptionsOf(ctx: Ctx, piId: string): ConfirmHidden {
  return hiddenOf<ConfirmHidden>(ctx.state, piId)
}

/**
 * `payment_method_options`: `customer_balance` is modelled (bank transfers, cash-balance.ts);
 * options for other methods are refused by name rather than dropped.
 */
export function readPaymentMethodOptions(
  params: Params,
  currency: string,
): Stripe.PaymentIntent.PaymentMethodOptions | undefined {
  const options = optObject(params, 'payment_method_options')
  if (!options) return undefined
  for (const key of Object.keys(options))
    if (key !== 'customer_balance')
      throw unsupportedParam(`payment_method_options[${key}]`, '(only customer_balance options are modelled)')
  const balance = optObject(options, 'customer_balance', 'payment_method_options[customer_balance]')
  return balance
    ? ({
        customer_balance: readCustomerBalanceOptions(balance, currency),
      } as Stripe.PaymentIntent.PaymentMethodOptions)
    : undefined
}

/** `payment_method_data`: only `type=customer_balance` is modelled (cards come as ids or magic ids). */
export function paymentMethodFromData(ctx: Ctx, params: Params): Stripe.PaymentMethod | undefined {
  const data = optObject(params, 'payment_method_data')
  if (!data) return undefined
  const type = optString(data, 'type', 'payment_method_data[type]')
  if (!type) throw missingParam('payment_method_data[type]')
  // The type first: another method's own hash (`payment_method_data[p24]`, …) is a name Stripe
  // knows, so it must not be called unknown.
  if (type !== 'customer_balance')
    throw unsupportedParam('payment_method_data[type]', `set to ${type} (only customer_balance is modelled)`)
  allowOnly(data, ['type', 'metadata'], 'payment_method_data')
  if (data.metadata !== undefined) throw unsupportedParam('payment_method_data[metadata]')
  return createCustomerBalancePaymentMethod(ctx)
}
