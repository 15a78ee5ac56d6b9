/**
 * Reading a subscription request: the parameters create and update accept, the items of a new
 * subscription, its trial end, and the item swaps of an update.
 * @module
 */
import type Stripe from 'stripe'
import type { ItemInput } from '../billing/model.js'
import { readTaxRates } from '../billing/tax.js'
import type { Ctx } from '../context.js'
import { invalidParam, invalidRequest, missingParam } from '../errors.js'
import {
  allowOnly,
  onlyDefault,
  optArray,
  optBool,
  optInt,
  optString,
  type Params,
  taxDisabled,
} from '../params.js'
import { getObject } from '../state.js'

// Modelled parameters (some only at Stripe's default value, see guardDefaults). Stripe's others
// (`add_invoice_items`, `days_until_due`, `default_source`,
// `billing_cycle_anchor` on create, `proration_date`…) are refused as unsupported (sdk-params.ts).
export const CREATE = [
  'customer',
  'items',
  'default_payment_method',
  'trial_period_days',
  'trial_end',
  'trial_from_plan',
  'metadata',
  'discounts',
  'coupon',
  'promotion_code',
  'payment_behavior',
  'cancel_at_period_end',
  'cancel_at',
  'description',
  'off_session',
  'proration_behavior',
  'collection_method',
  'payment_settings',
  'automatic_tax',
  'currency',
  'trial_settings',
  'billing_mode',
  'default_tax_rates',
  'expand',
] as const
export const UPDATE = [
  'items',
  'cancel_at_period_end',
  'cancel_at',
  'proration_behavior',
  'trial_end',
  'metadata',
  'default_payment_method',
  'description',
  'payment_behavior',
  'off_session',
  'discounts',
  'coupon',
  'promotion_code',
  'cancellation_details',
  'billing_cycle_anchor',
  'pause_collection',
  'collection_method',
  'trial_from_plan',
  'payment_settings',
  'automatic_tax',
  'default_tax_rates',
] as const

/**
 * Parameters the emulator models only at Stripe's default: charged automatically, no automatic
 * tax, payment settings that only say whether to save the card, the items' own currency, the
 * cycle left unchanged on update, and on update a trial that ends by invoicing (on create,
 * `trial_settings[end_behavior][missing_payment_method]` may also be `cancel` or `pause`).
 */
export function guardDefaults(params: Params, currency: string | null, create = false): void {
  onlyDefault(params, 'collection_method', (v) => v === 'charge_automatically')
  onlyDefault(params, 'automatic_tax', taxDisabled)
  onlyDefault(
    params,
    'payment_settings',
    (v) =>
      typeof v === 'object' &&
      !Array.isArray(v) &&
      Object.keys(v).every((k) => k === 'save_default_payment_method' || k === 'payment_method_types'),
  )
  if (currency !== null) onlyDefault(params, 'currency', (v) => String(v).toLowerCase() === currency)
  if (!create)
    onlyDefault(params, 'trial_settings', (v) => {
      const end = typeof v === 'object' && !Array.isArray(v) ? v.end_behavior : undefined
      return typeof end === 'object' && !Array.isArray(end) && end.missing_payment_method === 'create_invoice'
    })
  onlyDefault(params, 'billing_cycle_anchor', (v) => v === 'unchanged')
}

/**
 * Refuses a set of prices one subscription cannot hold, as Stripe does: one currency, one
 * recurring interval (classic billing mode, the only one modelled) and no price twice.
 */
export function checkItemPrices(prices: Stripe.Price[], param: string): void {
  const first = prices[0]
  const seen = new Set<string>()
  for (const price of prices) {
    if (seen.has(price.id))
      throw invalidParam(param, `Cannot add multiple subscription items with the same plan: ${price.id}`)
    seen.add(price.id)
    if (!first) continue
    const field =
      price.currency !== first.currency
        ? 'currency'
        : price.recurring?.interval !== first.recurring?.interval
          ? 'interval'
          : price.recurring?.interval_count !== first.recurring?.interval_count
            ? 'interval_count'
            : undefined
    if (field)
      throw invalidParam(
        param,
        `Currency and interval fields must match across all plans on this subscription. Found mismatch in ${field} field.`,
      )
  }
}

export function readItems(ctx: Ctx, params: Params): ItemInput[] {
  // Classic billing mode only: flexible's mixed intervals and proration rules are not modelled.
  onlyDefault(
    params,
    'billing_mode',
    (v) => typeof v === 'object' && !Array.isArray(v) && v.type === 'classic',
  )
  const raw = optArray(params, 'items')
  if (!raw || raw.length === 0) throw missingParam('items')
  const items = raw.map((entry, i) => {
    if (typeof entry !== 'object' || Array.isArray(entry)) throw invalidParam(`items[${i}]`, 'Invalid item')
    allowOnly(
      entry,
      ['price', 'quantity', 'metadata', 'tax_rates', 'discounts', 'price_data', 'plan'],
      `items[${i}]`,
    )
    const priceId =
      optString(entry, 'price', `items[${i}][price]`) ?? optString(entry, 'plan', `items[${i}][plan]`)
    if (!priceId) throw missingParam(`items[${i}][price]`)
    const price = getObject<Stripe.Price>(ctx.state, 'price', priceId, `items[${i}][price]`)
    if (price.type !== 'recurring') {
      throw invalidParam(
        `items[${i}][price]`,
        `The price specified is set to \`type=one_time\` but this field only accepts prices with \`type=recurring\`.`,
      )
    }
    if (price.recurring?.usage_type === 'metered' && entry.quantity !== undefined)
      throw invalidParam(
        `items[${i}][quantity]`,
        'Quantity should not be specified where usage_type is `metered`.',
      )
    const quantity = optInt(entry, 'quantity', `items[${i}][quantity]`) ?? 1
    if (quantity < 1) throw invalidParam(`items[${i}][quantity]`, 'Invalid quantity')
    const taxRates = readTaxRates(ctx, entry.tax_rates, `items[${i}][tax_rates]`)
    return { price, quantity, ...(taxRates ? { taxRates } : {}) }
  })
  checkItemPrices(
    items.map((item) => item.price),
    'items',
  )
  return items
}

export function readTrialEnd(params: Params, now: number, items: ItemInput[]): number | null {
  if (params.trial_end === 'now') return null
  const end = optInt(params, 'trial_end')
  if (end !== undefined) {
    if (end <= now) throw invalidParam('trial_end', 'Invalid timestamp: must be in the future')
    return end
  }
  const days = optInt(params, 'trial_period_days')
  if (days !== undefined && days > 0) return now + days * 86_400
  if (optBool(params, 'trial_from_plan')) {
    const planDays = items[0]?.price.recurring?.trial_period_days
    if (planDays) return now + planDays * 86_400
  }
  return null
}
export function readSwaps(
  ctx: Ctx,
  sub: Stripe.Subscription,
  params: Params,
): Array<{
  item: Stripe.SubscriptionItem
  price: Stripe.Price
  quantity: number
  taxRates: Stripe.TaxRate[] | undefined
}> {
  const raw = optArray(params, 'items') ?? []
  const swaps = raw.map((entry, i) => {
    if (typeof entry !== 'object' || Array.isArray(entry)) throw invalidParam(`items[${i}]`, 'Invalid item')
    allowOnly(
      entry,
      ['id', 'price', 'quantity', 'metadata', 'deleted', 'tax_rates', 'discounts', 'plan'],
      `items[${i}]`,
    )
    const itemId = optString(entry, 'id', `items[${i}][id]`) ?? sub.items.data[0]?.id
    const item = sub.items.data.find((it) => it.id === itemId)
    if (!item)
      throw invalidRequest(`No such subscription item: '${itemId}'`, 'resource_missing', `items[${i}][id]`)
    const priceId =
      optString(entry, 'price', `items[${i}][price]`) ?? optString(entry, 'plan') ?? item.price.id
    const price = getObject<Stripe.Price>(ctx.state, 'price', priceId, `items[${i}][price]`)
    if (price.currency !== sub.currency)
      throw invalidParam(`items[${i}][price]`, 'The price currency must match the subscription currency.')
    return {
      item,
      price,
      quantity: optInt(entry, 'quantity', `items[${i}][quantity]`) ?? item.quantity ?? 1,
      taxRates: readTaxRates(ctx, entry.tax_rates, `items[${i}][tax_rates]`),
    }
  })
  // The items as they would be after the swaps.
  checkItemPrices(
    sub.items.data.map((item) => swaps.findLast((s) => s.item.id === item.id)?.price ?? item.price),
    'items',
  )
  return swaps
}
