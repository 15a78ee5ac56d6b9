/**
 * The discount a new subscription starts with: `discounts[0][coupon|promotion_code]`, or the
 * legacy `coupon` / `promotion_code` params older clients and the Stripe CLI still send.
 * @module
 */
import type Stripe from 'stripe'
import type { Ctx } from '../context.js'
import { invalidParam } from '../errors.js'
import { optArray, optString, type Params } from '../params.js'
import { getObject } from '../state.js'
import { couponIsRedeemable } from './coupons.js'
import { redeemablePromotion } from './promotion-codes.js'

export type ResolvedDiscount = { coupon: Stripe.Coupon | null; promotionCode: string | null }

export function resolveDiscount(ctx: Ctx, params: Params): ResolvedDiscount {
  const first = optArray(params, 'discounts')?.[0]
  const entry = first && typeof first === 'object' && !Array.isArray(first) ? first : {}
  const couponId = optString(entry, 'coupon', 'discounts[0][coupon]') ?? optString(params, 'coupon')
  const promoId =
    optString(entry, 'promotion_code', 'discounts[0][promotion_code]') ?? optString(params, 'promotion_code')
  if (promoId) {
    const promo = getObject<Stripe.PromotionCode>(
      ctx.state,
      'promotion_code',
      promoId,
      'promotion_code',
      'promotion code',
    )
    const ok = redeemablePromotion(ctx, promo)
    if ('reason' in ok) throw invalidParam('promotion_code', ok.reason)
    promo.times_redeemed++
    return { coupon: ok.coupon, promotionCode: promo.id }
  }
  if (couponId) {
    const coupon = getObject<Stripe.Coupon>(ctx.state, 'coupon', couponId, 'coupon')
    if (!couponIsRedeemable(ctx, coupon))
      throw invalidParam('coupon', 'This coupon can no longer be redeemed.')
    return { coupon, promotionCode: null }
  }
  return { coupon: null, promotionCode: null }
}
