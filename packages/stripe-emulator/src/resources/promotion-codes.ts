/**
 * Promotion codes in the clover shape (`promotion: { type: 'coupon', coupon }`), with the legacy
 * `coupon=` create param the Stripe CLI still sends: create, retrieve, update (`active`,
 * metadata), list (`code`, `active`, `coupon`, `customer`). Also the lookup the hosted page uses.
 * @module
 */
import type Stripe from 'stripe'
import type { Ctx } from '../context.js'
import { invalidRequest, missingParam } from '../errors.js'
import { newId, randomString } from '../ids.js'
import { LIST_PARAMS, paginate } from '../list.js'
import {
  allowOnly,
  applyMetadata,
  inRange,
  optBool,
  optInt,
  optObject,
  optRange,
  optString,
  type Params,
} from '../params.js'
import { route } from '../registry.js'
import { getObject, insertObject, listObjects } from '../state.js'
import { couponIsRedeemable } from './coupons.js'

const CREATE = [
  'promotion',
  'coupon',
  'code',
  'active',
  'customer',
  'expires_at',
  'max_redemptions',
  'metadata',
  'restrictions',
] as const

function couponParam(ctx: Ctx, params: Params): Stripe.Coupon {
  const promotion = optObject(params, 'promotion')
  if (promotion) {
    allowOnly(promotion, ['type', 'coupon'], 'promotion')
    const id = optString(promotion, 'coupon', 'promotion[coupon]')
    if (!id) throw missingParam('promotion[coupon]')
    return getObject<Stripe.Coupon>(ctx.state, 'coupon', id, 'promotion[coupon]')
  }
  const legacy = optString(params, 'coupon')
  if (!legacy) throw missingParam('promotion')
  return getObject<Stripe.Coupon>(ctx.state, 'coupon', legacy, 'coupon')
}

function restrictionsOf(params: Params): Stripe.PromotionCode.Restrictions {
  const r = optObject(params, 'restrictions') ?? {}
  allowOnly(
    r,
    ['first_time_transaction', 'minimum_amount', 'minimum_amount_currency', 'currency_options'],
    'restrictions',
  )
  return {
    first_time_transaction: optBool(r, 'first_time_transaction') ?? false,
    minimum_amount: optInt(r, 'minimum_amount') ?? null,
    minimum_amount_currency: optString(r, 'minimum_amount_currency')?.toLowerCase() ?? null,
  }
}

function createPromotionCode(ctx: Ctx, params: Params): Stripe.PromotionCode {
  allowOnly(params, CREATE)
  const coupon = couponParam(ctx, params)
  const code = optString(params, 'code') || randomString(8).toUpperCase()
  const taken = listObjects<Stripe.PromotionCode>(
    ctx.state,
    'promotion_code',
    (p) => p.active && p.code === code,
  )
  if (taken.length > 0) {
    throw invalidRequest(
      'An active promotion code with `code` already exists.',
      'resource_already_exists',
      'code',
    )
  }
  const customer = optString(params, 'customer')
  if (customer) getObject(ctx.state, 'customer', customer, 'customer')
  const promo: Stripe.PromotionCode = {
    id: newId('promo', 24),
    object: 'promotion_code',
    active: optBool(params, 'active') ?? true,
    code,
    created: ctx.now(),
    customer: customer ?? null,
    customer_account: null,
    expires_at: optInt(params, 'expires_at') ?? null,
    livemode: false,
    max_redemptions: optInt(params, 'max_redemptions') ?? null,
    metadata: applyMetadata({}, params),
    promotion: { coupon: coupon.id, type: 'coupon' },
    restrictions: restrictionsOf(params),
    times_redeemed: 0,
  }
  insertObject(ctx.state, promo)
  ctx.emit('promotion_code.created', promo)
  return promo
}

/** The coupon of a promotion code, if the code can be redeemed now; else why not. */
export function redeemablePromotion(
  ctx: Ctx,
  promo: Stripe.PromotionCode,
): { coupon: Stripe.Coupon } | { reason: string } {
  if (!promo.active) return { reason: 'This code is not active.' }
  if (promo.expires_at !== null && ctx.now() > promo.expires_at) return { reason: 'This code has expired.' }
  if (promo.max_redemptions !== null && promo.times_redeemed >= promo.max_redemptions) {
    return { reason: 'This code has been fully redeemed.' }
  }
  const couponId =
    typeof promo.promotion.coupon === 'string' ? promo.promotion.coupon : promo.promotion.coupon?.id
  const coupon = couponId ? (ctx.state.objects[couponId] as Stripe.Coupon | undefined) : undefined
  if (!coupon || !couponIsRedeemable(ctx, coupon)) return { reason: 'This code is no longer valid.' }
  return { coupon }
}

/** Finds an active promotion code by the text a customer typed (case-insensitive, as Stripe's page). */
export function findPromotionCodeByCode(ctx: Ctx, code: string): Stripe.PromotionCode | undefined {
  const wanted = code.trim().toUpperCase()
  const matches = listObjects<Stripe.PromotionCode>(
    ctx.state,
    'promotion_code',
    (p) => p.code.toUpperCase() === wanted,
  )
  return matches.find((p) => p.active) ?? matches[0]
}

route('post', '/v1/promotion_codes', (ctx, params) => createPromotionCode(ctx, params))
route('get', '/v1/promotion_codes/:id', (ctx, _params, path) =>
  getObject(ctx.state, 'promotion_code', path.id!, 'id', 'promotion code'),
)
route('post', '/v1/promotion_codes/:id', (ctx, params, path) => {
  allowOnly(params, ['active', 'metadata', 'restrictions'])
  const promo = getObject<Stripe.PromotionCode>(ctx.state, 'promotion_code', path.id!, 'id', 'promotion code')
  const previous = { active: promo.active, metadata: promo.metadata }
  const active = optBool(params, 'active')
  if (active !== undefined) promo.active = active
  promo.metadata = applyMetadata(promo.metadata ?? {}, params)
  ctx.emit('promotion_code.updated', promo, previous)
  return promo
})
route('get', '/v1/promotion_codes', (ctx, params) => {
  allowOnly(params, [...LIST_PARAMS, 'active', 'code', 'coupon', 'customer', 'created'])
  const active = optBool(params, 'active')
  const code = optString(params, 'code')
  const coupon = optString(params, 'coupon')
  const customer = optString(params, 'customer')
  const created = optRange(params, 'created')
  const items = listObjects<Stripe.PromotionCode>(
    ctx.state,
    'promotion_code',
    (p) =>
      (active === undefined || p.active === active) &&
      (code === undefined || p.code === code) &&
      (coupon === undefined || p.promotion.coupon === coupon) &&
      (customer === undefined || p.customer === customer) &&
      inRange(p.created, created),
  )
  return paginate(items, params, '/v1/promotion_codes')
})
