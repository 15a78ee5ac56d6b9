/**
 * Coupons: create (`percent_off` or `amount_off` + `currency`; `duration` once / repeating /
 * forever), retrieve, update (name, metadata), delete, list. Also the discount arithmetic the
 * Checkout Session uses.
 * @module
 */
import type Stripe from 'stripe'
import type { Ctx } from '../context.js'
import { readCurrency } from '../currencies.js'
import { invalidParam, invalidRequest, missingParam } from '../errors.js'
import { randomString } from '../ids.js'
import { LIST_PARAMS, paginate } from '../list.js'
import {
  allowOnly,
  applyMetadata,
  inRange,
  nullableString,
  optEnum,
  optInt,
  optRange,
  optString,
  type Params,
} from '../params.js'
import { route } from '../registry.js'
import { deleteObject, getObject, insertObject, listObjects } from '../state.js'

const CREATE = [
  'id',
  'amount_off',
  'currency',
  'currency_options',
  'duration',
  'duration_in_months',
  'max_redemptions',
  'metadata',
  'name',
  'percent_off',
  'redeem_by',
  'applies_to',
] as const

function readPercent(params: Params): number | null {
  const raw = optString(params, 'percent_off')
  if (raw === undefined || raw === '') return null
  const n = Number(raw)
  if (!Number.isFinite(n) || n <= 0 || n > 100)
    throw invalidParam('percent_off', 'percent_off must be between 0 and 100.')
  return n
}

function createCoupon(ctx: Ctx, params: Params): Stripe.Coupon {
  allowOnly(params, CREATE)
  const percentOff = readPercent(params)
  const amountOff = optInt(params, 'amount_off') ?? null
  if (percentOff === null && amountOff === null) throw missingParam('percent_off')
  if (percentOff !== null && amountOff !== null) {
    throw invalidRequest(
      'You may only specify one of these parameters: amount_off, percent_off.',
      undefined,
      'amount_off',
    )
  }
  const given = optString(params, 'currency')
  const currency = given ? readCurrency(given, 'currency') : null
  if (amountOff !== null && !currency) throw missingParam('currency')
  if (amountOff !== null && amountOff < 1) throw invalidParam('amount_off', 'amount_off must be positive.')
  const duration = optEnum(params, 'duration', ['once', 'repeating', 'forever'] as const) ?? 'once'
  const months = optInt(params, 'duration_in_months') ?? null
  if (duration === 'repeating' && months === null) throw missingParam('duration_in_months')
  const id = optString(params, 'id') || randomString(8)
  if (ctx.state.objects[id]) throw invalidRequest('Coupon already exists.', 'resource_already_exists', 'id')
  const coupon: Stripe.Coupon = {
    id,
    object: 'coupon',
    amount_off: amountOff,
    created: ctx.now(),
    currency: amountOff !== null ? currency : null,
    duration,
    duration_in_months: duration === 'repeating' ? months : null,
    livemode: false,
    max_redemptions: optInt(params, 'max_redemptions') ?? null,
    metadata: applyMetadata({}, params),
    name: nullableString(params, 'name') ?? null,
    percent_off: percentOff,
    redeem_by: optInt(params, 'redeem_by') ?? null,
    times_redeemed: 0,
    valid: true,
  }
  insertObject(ctx.state, coupon)
  ctx.emit('coupon.created', coupon)
  return coupon
}

/** Whether a coupon can still be redeemed now (max_redemptions, redeem_by). */
export function couponIsRedeemable(ctx: Ctx, coupon: Stripe.Coupon): boolean {
  if (!coupon.valid) return false
  if (coupon.max_redemptions !== null && coupon.times_redeemed >= coupon.max_redemptions) return false
  if (coupon.redeem_by !== null && ctx.now() > coupon.redeem_by) return false
  return true
}

/** The discount a coupon takes off `subtotal` (minor units, never more than the subtotal). */
export function discountAmount(coupon: Stripe.Coupon, subtotal: number, currency: string): number {
  if (coupon.percent_off !== null)
    return Math.min(subtotal, Math.round((subtotal * coupon.percent_off) / 100))
  if (coupon.amount_off !== null && coupon.currency === currency) return Math.min(subtotal, coupon.amount_off)
  return 0
}

/** Counts one redemption and marks the coupon invalid once it is used up (Stripe emits no event). */
export function redeemCoupon(coupon: Stripe.Coupon): void {
  coupon.times_redeemed++
  if (coupon.max_redemptions !== null && coupon.times_redeemed >= coupon.max_redemptions) coupon.valid = false
}

route('post', '/v1/coupons', (ctx, params) => createCoupon(ctx, params))
route('get', '/v1/coupons/:id', (ctx, _params, path) => getObject(ctx.state, 'coupon', path.id!))
route('post', '/v1/coupons/:id', (ctx, params, path) => {
  allowOnly(params, ['metadata', 'name', 'currency_options'])
  const coupon = getObject<Stripe.Coupon>(ctx.state, 'coupon', path.id!)
  const before = JSON.parse(JSON.stringify(coupon)) as Stripe.Coupon
  coupon.metadata = applyMetadata(coupon.metadata ?? {}, params)
  const name = nullableString(params, 'name')
  if (name !== undefined) coupon.name = name
  ctx.emit('coupon.updated', coupon, { metadata: before.metadata, name: before.name })
  return coupon
})
route('delete', '/v1/coupons/:id', (ctx, _params, path) => {
  const coupon = getObject<Stripe.Coupon>(ctx.state, 'coupon', path.id!)
  deleteObject(ctx.state, coupon.id)
  ctx.emit('coupon.deleted', { ...coupon, valid: false })
  return { id: coupon.id, object: 'coupon', deleted: true }
})
route('get', '/v1/coupons', (ctx, params) => {
  allowOnly(params, [...LIST_PARAMS, 'created'])
  const created = optRange(params, 'created')
  return paginate(
    listObjects<Stripe.Coupon>(ctx.state, 'coupon', (c) => inRange(c.created, created)),
    params,
    '/v1/coupons',
  )
})
