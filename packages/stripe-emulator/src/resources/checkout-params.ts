/**
 * Reading a Checkout Session's create params: `line_items` (a `price` or inline `price_data` with
 * `product_data`), `discounts[0][coupon|promotion_code]` and `subscription_data`.
 * @module
 */
import type Stripe from 'stripe'
import { readTaxRates } from '../billing/tax.js'
import type { Ctx } from '../context.js'
import { MINIMUM_CHARGE, moneyText } from '../currencies.js'
import { invalidParam, invalidRequest, missingParam, unsupportedParam } from '../errors.js'
import { newId } from '../ids.js'
import {
  allowOnly,
  applyMetadata,
  nullableString,
  optArray,
  optEnum,
  optInt,
  optObject,
  optString,
  type Params,
} from '../params.js'
import { getObject } from '../state.js'
import { couponIsRedeemable } from './coupons.js'
import { readPlainFields } from './payment-intent-params.js'
import { createPrice } from './prices.js'
import { redeemablePromotion } from './promotion-codes.js'

/** `trial_settings[end_behavior][missing_payment_method]`: what a trial without a card ends in. */
export type MissingPaymentMethod = 'create_invoice' | 'cancel' | 'pause'

export type SubscriptionData = {
  trial_period_days: number | null
  trial_end: number | null
  missing_payment_method: MissingPaymentMethod
  metadata: Record<string, string>
  description: string | null
  /** Rates for line items without their own `tax_rates`. */
  default_tax_rates: Stripe.TaxRate[]
}

function readPrice(ctx: Ctx, item: Params, i: number): Stripe.Price {
  const param = `line_items[${i}]`
  const priceId = optString(item, 'price', `${param}[price]`)
  const data = optObject(item, 'price_data', `${param}[price_data]`)
  if (priceId && data) {
    throw invalidRequest(
      `You may only specify one of these parameters: price, price_data.`,
      undefined,
      `${param}[price]`,
    )
  }
  if (priceId) {
    const price = getObject<Stripe.Price>(ctx.state, 'price', priceId, `${param}[price]`)
    if (!price.active) throw invalidParam(`${param}[price]`, `The price \`${price.id}\` is not active.`)
    return price
  }
  if (!data) throw missingParam(`${param}[price]`)
  allowOnly(
    data,
    [
      'currency',
      'product',
      'product_data',
      'recurring',
      'tax_behavior',
      'unit_amount',
      'unit_amount_decimal',
    ],
    `${param}[price_data]`,
  )
  const price = createPrice(ctx, data, `${param}[price_data]`)
  // Inline prices are single-use: Stripe creates them inactive.
  price.active = false
  return price
}

export function lineItem(price: Stripe.Price, quantity: number): Stripe.LineItem {
  const unit = price.unit_amount ?? 0
  return {
    id: newId('li', 24),
    object: 'item',
    adjustable_quantity: null,
    amount_discount: 0,
    amount_subtotal: unit * quantity,
    amount_tax: 0,
    amount_total: unit * quantity,
    currency: price.currency,
    description: null,
    metadata: {},
    price,
    quantity,
  } as Stripe.LineItem
}

/** Validates and builds the line items; prices must suit the mode and share one currency. */
export function readLineItems(ctx: Ctx, params: Params, mode: 'payment' | 'subscription'): Stripe.LineItem[] {
  const raw = optArray(params, 'line_items')
  if (!raw || raw.length === 0) throw missingParam('line_items')
  const items = raw.map((entry, i) => {
    if (typeof entry !== 'object' || Array.isArray(entry))
      throw invalidParam(`line_items[${i}]`, 'Invalid line item')
    allowOnly(
      entry,
      [
        'price',
        'price_data',
        'quantity',
        'adjustable_quantity',
        'dynamic_tax_rates',
        'tax_rates',
        'metadata',
      ],
      `line_items[${i}]`,
    )
    const quantity = optInt(entry, 'quantity', `line_items[${i}][quantity]`) ?? 1
    if (quantity < 1) throw invalidParam(`line_items[${i}][quantity]`, 'Quantity must be at least 1.')
    if (entry.dynamic_tax_rates !== undefined)
      throw unsupportedParam(`line_items[${i}][dynamic_tax_rates]`, '(it needs automatic tax location)')
    const item = lineItem(readPrice(ctx, entry, i), quantity)
    item.description = productName(ctx, item.price)
    item.metadata = applyMetadata({}, entry)
    const rates = readTaxRates(ctx, entry.tax_rates, `line_items[${i}][tax_rates]`) ?? []
    if (rates.length > 0)
      item.taxes = rates.map((rate) => ({
        amount: 0,
        rate,
        taxability_reason: 'standard_rated',
        taxable_amount: 0,
      }))
    return item
  })
  checkModeAndCurrency(items, mode)
  return items
}

function productName(ctx: Ctx, price: Stripe.Price | null): string | null {
  const id = typeof price?.product === 'string' ? price.product : null
  const product = id ? (ctx.state.objects[id] as Stripe.Product | undefined) : undefined
  return product?.name ?? null
}

function checkModeAndCurrency(items: Stripe.LineItem[], mode: 'payment' | 'subscription'): void {
  const recurring = items.some((li) => li.price?.recurring)
  if (mode === 'payment' && recurring) {
    throw invalidParam(
      'line_items',
      'You specified `payment` mode but passed a recurring price. Either switch to `subscription` mode or use only one-time prices.',
    )
  }
  if (mode === 'subscription' && !recurring) {
    throw invalidParam(
      'line_items',
      'You must provide at least one recurring price in `subscription` mode when using prices.',
    )
  }
  const currencies = new Set(items.map((li) => li.currency))
  if (currencies.size > 1) {
    throw invalidParam('line_items', 'All line items must share the same currency.')
  }
  // A payment is charged at once, so it must reach the currency's minimum charge (a free one is fine).
  const total = items.reduce((sum, li) => sum + li.amount_total, 0)
  const currency = items[0]?.currency
  const minimum = currency ? MINIMUM_CHARGE[currency] : undefined
  if (mode === 'payment' && currency && minimum !== undefined && total > 0 && total < minimum)
    throw invalidParam(
      'line_items',
      `The Checkout Session's total amount due must add up to at least ${moneyText(minimum, currency)}`,
      'amount_too_small',
    )
}

/** `discounts[0][coupon]` or `discounts[0][promotion_code]` (at most one discount). */
export function readDiscount(ctx: Ctx, params: Params): Stripe.Checkout.Session.Discount[] {
  const raw = optArray(params, 'discounts')
  if (!raw || raw.length === 0) return []
  if (raw.length > 1) throw invalidParam('discounts', 'You may only specify one discount.')
  const entry = raw[0]
  if (typeof entry !== 'object' || Array.isArray(entry))
    throw invalidParam('discounts[0]', 'Invalid discount')
  allowOnly(entry, ['coupon', 'promotion_code'], 'discounts[0]')
  const couponId = optString(entry, 'coupon', 'discounts[0][coupon]')
  const promoId = optString(entry, 'promotion_code', 'discounts[0][promotion_code]')
  if (couponId && promoId) {
    throw invalidRequest(
      'You may only specify one of these parameters: coupon, promotion_code.',
      undefined,
      'discounts[0]',
    )
  }
  if (couponId) {
    const coupon = getObject<Stripe.Coupon>(ctx.state, 'coupon', couponId, 'discounts[0][coupon]')
    if (!couponIsRedeemable(ctx, coupon)) {
      throw invalidRequest(`Coupon expired: ${coupon.id}`, 'coupon_expired', 'discounts[0][coupon]')
    }
    return [{ coupon: couponId, promotion_code: null }]
  }
  if (!promoId) throw missingParam('discounts[0][coupon]')
  const promo = getObject<Stripe.PromotionCode>(
    ctx.state,
    'promotion_code',
    promoId,
    'discounts[0][promotion_code]',
    'promotion code',
  )
  const ok = redeemablePromotion(ctx, promo)
  if ('reason' in ok)
    throw invalidParam('discounts[0][promotion_code]', `This promotion code cannot be redeemed: ${ok.reason}`)
  return [{ coupon: ok.coupon.id, promotion_code: promo.id }]
}

export function readSubscriptionData(ctx: Ctx, params: Params): SubscriptionData | null {
  const data = optObject(params, 'subscription_data')
  if (!data) return null
  allowOnly(
    data,
    [
      'trial_period_days',
      'trial_end',
      'trial_settings',
      'metadata',
      'description',
      'billing_cycle_anchor',
      'billing_mode',
      'proration_behavior',
      'default_tax_rates',
      'invoice_settings',
      'on_behalf_of',
      'transfer_data',
      'application_fee_percent',
      'pending_invoice_item_interval',
    ],
    'subscription_data',
  )
  // Stripe knows these; the emulator does not model them, so it refuses them rather than drop them.
  for (const key of [
    'billing_cycle_anchor',
    'billing_mode',
    'proration_behavior',
    'invoice_settings',
    'on_behalf_of',
    'transfer_data',
    'application_fee_percent',
    'pending_invoice_item_interval',
  ])
    if (data[key] !== undefined) throw unsupportedParam(`subscription_data[${key}]`)
  const days = optInt(data, 'trial_period_days', 'subscription_data[trial_period_days]') ?? null
  if (days !== null && (days < 1 || days > 730)) {
    throw invalidParam('subscription_data[trial_period_days]', 'trial_period_days must be between 1 and 730.')
  }
  const trialEnd = optInt(data, 'trial_end', 'subscription_data[trial_end]') ?? null
  if (trialEnd !== null && trialEnd < ctx.now() + 2 * 86_400) {
    throw invalidParam(
      'subscription_data[trial_end]',
      '`subscription_data[trial_end]` must be at least 48 hours in the future.',
    )
  }
  if (days !== null && trialEnd !== null) {
    throw invalidRequest(
      'You may only specify one of these parameters: trial_end, trial_period_days.',
      undefined,
      'subscription_data[trial_end]',
    )
  }
  return {
    trial_period_days: days,
    trial_end: trialEnd,
    missing_payment_method: readMissingPaymentMethod(data),
    metadata: applyMetadata({}, data),
    description: nullableString(data, 'description') ?? null,
    default_tax_rates:
      readTaxRates(ctx, data.default_tax_rates, 'subscription_data[default_tax_rates]') ?? [],
  }
}

export type PaymentIntentData = {
  description: string | null
  metadata: Record<string, string>
  setup_future_usage: 'off_session' | 'on_session' | null
  /** `receipt_email`, `shipping`, `statement_descriptor(_suffix)`, `transfer_group`, as sent (payment-intent-params.ts reads them). */
  fields: Params
}

/** `payment_intent_data` (payment mode): copied onto the PaymentIntent made at confirmation. */
export function readPaymentIntentData(params: Params): PaymentIntentData | null {
  const data = optObject(params, 'payment_intent_data')
  if (!data) return null
  allowOnly(
    data,
    [
      'application_fee_amount',
      'capture_method',
      'description',
      'metadata',
      'on_behalf_of',
      'receipt_email',
      'setup_future_usage',
      'shipping',
      'statement_descriptor',
      'statement_descriptor_suffix',
      'transfer_data',
      'transfer_group',
    ],
    'payment_intent_data',
  )
  // Connect and manual capture are not modelled: refused by name rather than dropped.
  for (const key of ['application_fee_amount', 'on_behalf_of', 'transfer_data'])
    if (data[key] !== undefined) throw unsupportedParam(`payment_intent_data[${key}]`)
  const capture = optString(data, 'capture_method', 'payment_intent_data[capture_method]')
  if (capture !== undefined && capture !== 'automatic')
    throw unsupportedParam('payment_intent_data[capture_method]', `set to ${capture}`)
  const FIELDS = [
    'receipt_email',
    'shipping',
    'statement_descriptor',
    'statement_descriptor_suffix',
    'transfer_group',
  ]
  const fields: Params = Object.fromEntries(
    FIELDS.flatMap((k) => (data[k] === undefined ? [] : [[k, data[k]!]])),
  )
  readPlainFields(fields) // validated now, applied to the PaymentIntent at confirmation
  const sfu = optString(data, 'setup_future_usage', 'payment_intent_data[setup_future_usage]')
  if (sfu !== undefined && sfu !== 'off_session' && sfu !== 'on_session') {
    throw invalidParam(
      'payment_intent_data[setup_future_usage]',
      'Invalid setup_future_usage: must be one of off_session, on_session',
    )
  }
  return {
    description: nullableString(data, 'description') ?? null,
    metadata: applyMetadata({}, data),
    setup_future_usage: sfu ?? null,
    fields,
  }
}

/** `trial_settings[end_behavior][missing_payment_method]` of `data` (named `name`), default `create_invoice`. */
export function readMissingPaymentMethod(
  data: Params,
  name = 'subscription_data[trial_settings]',
): MissingPaymentMethod {
  const settings = optObject(data, 'trial_settings', name)
  if (!settings) return 'create_invoice'
  allowOnly(settings, ['end_behavior'], name)
  const end = optObject(settings, 'end_behavior', `${name}[end_behavior]`)
  if (!end) throw missingParam(`${name}[end_behavior]`)
  allowOnly(end, ['missing_payment_method'], `${name}[end_behavior]`)
  const behaviour = optEnum(
    end,
    'missing_payment_method',
    ['create_invoice', 'cancel', 'pause'] as const,
    `${name}[end_behavior][missing_payment_method]`,
  )
  if (!behaviour) throw missingParam(`${name}[end_behavior][missing_payment_method]`)
  return behaviour
}
