/**
 * Building subscriptions and items in the API 2025+ shape: billing periods live on the items
 * (`items.data[].current_period_start/end`), not on the subscription.
 * @module
 */
import type Stripe from 'stripe'
import type { Ctx } from '../context.js'
import { newId } from '../ids.js'
import { clockOfCustomer } from '../resources/customers.js'
import { hiddenOf, insertObject } from '../state.js'
import { addInterval, type Interval } from './periods.js'

/** `taxRates`: the item's own `tax_rates` (none: the subscription's `default_tax_rates` apply). */
export type ItemInput = { price: Stripe.Price; quantity: number; taxRates?: Stripe.TaxRate[] }

export type SubscriptionInput = {
  customer: string
  items: ItemInput[]
  trialEnd: number | null
  metadata: Record<string, string>
  defaultPaymentMethod: string | null
  description: string | null
  coupon: Stripe.Coupon | null
  promotionCode: string | null
  /** Rates for items without their own `tax_rates`. */
  defaultTaxRates?: Stripe.TaxRate[]
  /** What a trial ending without a payment method does (Stripe's default: `create_invoice`). */
  missingPaymentMethod?: 'create_invoice' | 'cancel' | 'pause'
}

export type SubscriptionHidden = {
  coupon?: string
  couponInvoices?: number
  /** Proration lines waiting for the next invoice. */
  pendingLines?: Array<{
    amount: number
    description: string
    price: string
    quantity: number
    start: number
    end: number
    item: string
    /** The pending `ii_…` invoice item standing for this line. */
    invoiceItem?: string
  }>
  firstFailureAt?: number
  /** The trial end a trial_will_end was already sent for (sent once per trial end). */
  trialWillEndFor?: number
}

export function subHidden(ctx: Ctx, subId: string): SubscriptionHidden {
  return hiddenOf<SubscriptionHidden>(ctx.state, subId)
}

export function periodEnd(price: Stripe.Price, start: number, anchor: number): number {
  const r = price.recurring
  if (!r) throw new Error(`price ${price.id} is not recurring`)
  return addInterval(start, r.interval as Interval, r.interval_count, anchor)
}

export function buildItem(
  ctx: Ctx,
  subId: string,
  input: ItemInput,
  start: number,
  end: number,
): Stripe.SubscriptionItem {
  return {
    id: newId('si', 14),
    object: 'subscription_item',
    billing_thresholds: null,
    created: ctx.now(),
    current_period_end: end,
    current_period_start: start,
    current_trial: null,
    discounts: [],
    metadata: {},
    plan: planOf(input.price),
    price: input.price,
    quantity: input.quantity,
    subscription: subId,
    tax_rates: input.taxRates ?? [],
  } as Stripe.SubscriptionItem
}

/** The legacy `plan` mirror of a recurring price, still part of the item's shape. */
export function planOf(price: Stripe.Price): Stripe.Plan {
  return {
    id: price.id,
    object: 'plan',
    active: price.active,
    amount: price.unit_amount,
    amount_decimal: price.unit_amount_decimal,
    billing_scheme: price.billing_scheme,
    created: price.created,
    currency: price.currency,
    interval: price.recurring?.interval ?? 'month',
    interval_count: price.recurring?.interval_count ?? 1,
    livemode: false,
    metadata: price.metadata,
    meter: price.recurring?.meter ?? null,
    nickname: price.nickname,
    product: price.product,
    tiers_mode: null,
    transform_usage: null,
    trial_period_days: price.recurring?.trial_period_days ?? null,
    usage_type: price.recurring?.usage_type ?? 'licensed',
  } as Stripe.Plan
}

export function buildSubscription(ctx: Ctx, input: SubscriptionInput): Stripe.Subscription {
  const clockId = clockOfCustomer(ctx, input.customer)
  const now = ctx.now(clockId)
  const id = newId('sub', 24)
  const trialEnd = input.trialEnd !== null && input.trialEnd > now ? input.trialEnd : null
  const anchor = trialEnd ?? now
  const items = input.items.map((it) =>
    buildItem(ctx, id, it, now, trialEnd ?? periodEnd(it.price, now, anchor)),
  )
  const sub = {
    id,
    object: 'subscription',
    application: null,
    application_fee_percent: null,
    automatic_tax: { disabled_reason: null, enabled: false, liability: null },
    billing_cycle_anchor: anchor,
    billing_cycle_anchor_config: null,
    billing_mode: { flexible: null, type: 'classic', updated_at: now },
    billing_schedules: [],
    billing_thresholds: null,
    cancel_at: null,
    cancel_at_period_end: false,
    canceled_at: null,
    cancellation_details: { comment: null, feedback: null, feedback_option: null, reason: null },
    collection_method: 'charge_automatically',
    created: now,
    currency: input.items[0]!.price.currency,
    customer: input.customer,
    customer_account: null,
    days_until_due: null,
    default_payment_method: input.defaultPaymentMethod,
    default_source: null,
    default_tax_rates: input.defaultTaxRates ?? [],
    description: input.description,
    discounts: [],
    ended_at: null,
    invoice_settings: { account_tax_ids: null, issuer: { type: 'self' } },
    items: { object: 'list', url: `/v1/subscription_items?subscription=${id}`, has_more: false, data: items },
    latest_invoice: null,
    livemode: false,
    managed_payments: null,
    metadata: input.metadata,
    next_pending_invoice_item_invoice: null,
    on_behalf_of: null,
    pause_collection: null,
    payment_settings: {
      payment_method_options: null,
      payment_method_types: null,
      save_default_payment_method: 'off',
    },
    pending_invoice_item_interval: null,
    pending_setup_intent: null,
    pending_update: null,
    schedule: null,
    start_date: now,
    status: 'incomplete',
    test_clock: clockId,
    transfer_data: null,
    trial_end: trialEnd,
    trial_settings: {
      end_behavior: { missing_payment_method: input.missingPaymentMethod ?? 'create_invoice' },
    },
    trial_start: trialEnd ? now : null,
  } as unknown as Stripe.Subscription
  insertObject(ctx.state, sub)
  if (input.coupon) {
    subHidden(ctx, id).coupon = input.coupon.id
    const discount = buildDiscount(sub, input.coupon, input.promotionCode, now)
    insertObject(ctx.state, discount)
    sub.discounts = [discount.id] as unknown as Stripe.Subscription['discounts']
  }
  return sub
}

/** The subscription's Discount (clover shape: the coupon sits in `source`). */
function buildDiscount(
  sub: Stripe.Subscription,
  coupon: Stripe.Coupon,
  promotionCode: string | null,
  now: number,
): Stripe.Discount {
  return {
    id: `di_${sub.id.slice(4)}`,
    object: 'discount',
    checkout_session: null,
    customer: String(sub.customer),
    customer_account: null,
    end: null,
    invoice: null,
    invoice_item: null,
    promotion_code: promotionCode,
    source: { type: 'coupon', coupon: coupon.id },
    start: now,
    subscription: sub.id,
    subscription_item: null,
  } as unknown as Stripe.Discount
}

export function clockOfSubscription(ctx: Ctx, sub: Stripe.Subscription): string | null {
  return typeof sub.test_clock === 'string' ? sub.test_clock : clockOfCustomer(ctx, String(sub.customer))
}

/** The end of the current period (all items share one cycle here). */
export function currentPeriodEnd(sub: Stripe.Subscription): number {
  return sub.items.data[0]!.current_period_end
}

export function currentPeriodStart(sub: Stripe.Subscription): number {
  return sub.items.data[0]!.current_period_start
}
