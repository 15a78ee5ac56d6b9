/**
 * The subscription behind a paid subscription-mode Checkout Session: its line items, its
 * `subscription_data` (trial, metadata, description) and its discount. Called by the payment
 * pages once the card was accepted (or no payment is due because of a trial).
 * @module
 */
import type Stripe from 'stripe'
import type { Ctx } from '../context.js'
import { checkoutLineItems, checkoutSubscriptionData } from '../resources/checkout-sessions.js'
import { clockOfCustomer } from '../resources/customers.js'
import { startSubscription } from './lifecycle.js'
import { buildSubscription } from './model.js'

function sessionCoupon(
  ctx: Ctx,
  session: Stripe.Checkout.Session,
): { coupon: Stripe.Coupon | null; promotionCode: string | null } {
  const d = session.discounts?.[0]
  if (!d) return { coupon: null, promotionCode: null }
  const promoId = typeof d.promotion_code === 'string' ? d.promotion_code : (d.promotion_code?.id ?? null)
  let couponId = typeof d.coupon === 'string' ? d.coupon : (d.coupon?.id ?? null)
  if (!couponId && promoId) {
    const promo = ctx.state.objects[promoId] as Stripe.PromotionCode | undefined
    const c = promo?.promotion.coupon
    couponId = typeof c === 'string' ? c : (c?.id ?? null)
  }
  const coupon = couponId ? ((ctx.state.objects[couponId] as Stripe.Coupon | undefined) ?? null) : null
  return { coupon, promotionCode: promoId }
}

export function createSubscriptionFromCheckout(
  ctx: Ctx,
  session: Stripe.Checkout.Session,
  paymentMethodId: string | null,
): { subscription: Stripe.Subscription; invoice: Stripe.Invoice | null } {
  const customer = String(session.customer)
  const data = checkoutSubscriptionData(ctx, session)
  const now = ctx.now(clockOfCustomer(ctx, customer))
  const trialEnd = data?.trial_end ?? (data?.trial_period_days ? now + data.trial_period_days * 86_400 : null)
  // A line item's own rates become its subscription item's; `default_tax_rates` the subscription's
  // (a line taxed at exactly the defaults bills the same either way, so it keeps none of its own).
  const defaults = (data?.default_tax_rates ?? []).map((r) => r.id).join()
  const items = checkoutLineItems(ctx, session).map((li) => {
    const rates = (li.taxes ?? []).map((t) => t.rate)
    return {
      price: (typeof li.price === 'string' ? ctx.state.objects[li.price] : li.price) as Stripe.Price,
      quantity: li.quantity ?? 1,
      ...(rates.length > 0 && rates.map((r) => r.id).join() !== defaults ? { taxRates: rates } : {}),
    }
  })
  const discount = sessionCoupon(ctx, session)
  const subscription = buildSubscription(ctx, {
    customer,
    items,
    trialEnd,
    metadata: { ...(data?.metadata ?? {}) },
    defaultPaymentMethod: paymentMethodId,
    description: data?.description ?? null,
    coupon: discount.coupon,
    promotionCode: discount.promotionCode,
    defaultTaxRates: data?.default_tax_rates ?? [],
    ...(data ? { missingPaymentMethod: data.missing_payment_method } : {}),
  })
  const invoice = startSubscription(ctx, subscription)
  return { subscription, invoice }
}
