/**
 * Coupons and promotion codes at Stripe (the console and `tollgate coupons`): create (percent or
 * amount off, duration, max redemptions, expiry, optionally a customer-facing code), list with
 * redemptions, deactivate. Input is checked before Stripe is called: exactly one of percent or
 * amount, a currency with an amount, months only for `repeating`.
 * @module
 */
import type Stripe from 'stripe'
import type { Deps } from '../../../deps.js'
import { AppError } from '../../../lib/errors.js'
import { formatMoney } from '../../../lib/money.js'
import { isStripeError } from '../../../lib/stripe-errors.js'

export const DURATIONS = ['once', 'forever', 'repeating'] as const

export type CouponInput = {
  name?: string | undefined
  percentOff?: number | undefined
  amountOff?: number | undefined
  currency?: string | undefined
  duration: (typeof DURATIONS)[number]
  durationInMonths?: number | undefined
  maxRedemptions?: number | undefined
  redeemBy?: Date | undefined
  code?: string | undefined
}

/** A refusal naming the input field at fault (`details.field`), so the CLI can name its flag. */
function refuse(message: string, field: keyof CouponInput): AppError {
  return new AppError('INVALID_REQUEST', { message, details: { field } })
}

export function checkCoupon(input: CouponInput, now: Date): void {
  const percent = input.percentOff !== undefined
  const amount = input.amountOff !== undefined
  if (percent && amount) throw refuse('Give a percent or an amount off, not both.', 'amountOff')
  if (!percent && !amount) throw refuse('Give a percent or an amount off.', 'percentOff')
  if (percent && !(Number(input.percentOff) > 0 && Number(input.percentOff) <= 100)) {
    throw refuse('The percent off must be more than 0 and at most 100.', 'percentOff')
  }
  if (amount && !(Number.isSafeInteger(input.amountOff) && Number(input.amountOff) > 0)) {
    throw refuse('The amount off must be a positive whole number of minor units.', 'amountOff')
  }
  if (amount && !/^[a-z]{3}$/.test(input.currency ?? ''))
    throw refuse('An amount off needs its currency (e.g. usd).', 'currency')
  if (percent && input.currency) throw refuse('A percent off takes no currency.', 'currency')
  if ((input.duration === 'repeating') !== (input.durationInMonths !== undefined)) {
    throw refuse('Months go with a repeating duration, and only with it.', 'durationInMonths')
  }
  if (
    input.maxRedemptions !== undefined &&
    !(Number.isSafeInteger(input.maxRedemptions) && input.maxRedemptions > 0)
  ) {
    throw refuse('Max redemptions must be a positive whole number.', 'maxRedemptions')
  }
  if (input.redeemBy && input.redeemBy <= now) throw refuse('The expiry must be in the future.', 'redeemBy')
  if (input.code !== undefined && !/^[A-Za-z0-9_-]{3,40}$/.test(input.code)) {
    throw refuse('A code is 3 to 40 letters, digits, - or _.', 'code')
  }
}

export async function createCoupon(
  deps: Deps,
  input: CouponInput,
): Promise<{ coupon: Stripe.Coupon; promotionCode?: Stripe.PromotionCode }> {
  checkCoupon(input, deps.clock.now())
  const coupon = await deps.stripe.coupons.create({
    duration: input.duration,
    ...(input.name ? { name: input.name } : {}),
    ...(input.percentOff !== undefined ? { percent_off: input.percentOff } : {}),
    ...(input.amountOff !== undefined ? { amount_off: input.amountOff, currency: input.currency } : {}),
    ...(input.durationInMonths !== undefined ? { duration_in_months: input.durationInMonths } : {}),
    ...(input.maxRedemptions !== undefined ? { max_redemptions: input.maxRedemptions } : {}),
    ...(input.redeemBy ? { redeem_by: Math.floor(input.redeemBy.getTime() / 1000) } : {}),
  })
  if (!input.code) return { coupon }
  const promotionCode = await deps.stripe.promotionCodes.create({
    promotion: { type: 'coupon', coupon: coupon.id },
    code: input.code,
  })
  return { coupon, promotionCode }
}

export type CouponListing = { coupon: Stripe.Coupon; codes: Stripe.PromotionCode[] }

/** What a coupon takes off, as the console and the command line show it: "25%" or "$5.50". */
export function couponOffText(
  coupon: Pick<Stripe.Coupon, 'percent_off' | 'amount_off' | 'currency'>,
): string {
  return coupon.percent_off != null
    ? `${coupon.percent_off}%`
    : formatMoney(coupon.amount_off ?? 0, coupon.currency ?? 'usd')
}

/** Every coupon with its promotion codes, newest first, paging through Stripe (up to 1,000 of each). */
export async function listCoupons(deps: Deps): Promise<CouponListing[]> {
  const [coupons, codes] = await Promise.all([
    deps.stripe.coupons.list({ limit: 100 }).autoPagingToArray({ limit: 1000 }),
    deps.stripe.promotionCodes.list({ limit: 100 }).autoPagingToArray({ limit: 1000 }),
  ])
  return coupons.map((coupon) => ({
    coupon,
    codes: codes.filter((p) => couponIdOf(p) === coupon.id),
  }))
}

/**
 * The listings whose coupon id or name, or one of whose promotion codes, contains `query` (any
 * case); all of them for an empty query.
 */
export function searchCoupons(listing: CouponListing[], query: string): CouponListing[] {
  const needle = query.trim().toLowerCase()
  if (!needle) return listing
  const has = (text: string | null | undefined): boolean => !!text && text.toLowerCase().includes(needle)
  return listing.filter(
    ({ coupon, codes }) => has(coupon.id) || has(coupon.name) || codes.some((p) => has(p.code)),
  )
}

function couponIdOf(code: Stripe.PromotionCode): string | undefined {
  const c = code.promotion?.coupon
  return typeof c === 'string' ? c : c?.id
}

/** A promotion code (`promo_…`) is switched off; a coupon is deleted (no new redemptions). */
export type Deactivation = {
  kind: 'promotion_code' | 'coupon'
  /** What Stripe held just before, for the audit log. */
  before: Record<string, unknown>
}

export async function deactivateCoupon(deps: Deps, id: string): Promise<Deactivation> {
  try {
    if (id.startsWith('promo_')) {
      const code = await deps.stripe.promotionCodes.retrieve(id)
      await deps.stripe.promotionCodes.update(id, { active: false })
      return {
        kind: 'promotion_code',
        before: { code: code.code, active: code.active, times_redeemed: code.times_redeemed },
      }
    }
    const coupon = await deps.stripe.coupons.retrieve(id)
    await deps.stripe.coupons.del(id)
    return {
      kind: 'coupon',
      before: {
        percent_off: coupon.percent_off,
        amount_off: coupon.amount_off,
        currency: coupon.currency,
        duration: coupon.duration,
        valid: coupon.valid,
        times_redeemed: coupon.times_redeemed,
      },
    }
  } catch (err) {
    throw refusalOf(err, id)
  }
}

/** Stripe's answer to an id the admin typed: unknown or malformed ids are the admin's 4xx, not our 500. */
function refusalOf(err: unknown, id: string): unknown {
  if (!isStripeError(err)) return err
  if (err.statusCode === 404) {
    return new AppError('NOT_FOUND', { message: `No coupon or promotion code "${id}".`, cause: err })
  }
  if (err.statusCode === 400) return new AppError('INVALID_REQUEST', { message: err.message, cause: err })
  return new AppError('STRIPE_UNAVAILABLE', { cause: err })
}
