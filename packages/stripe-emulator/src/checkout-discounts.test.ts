import type Stripe from 'stripe'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Receiver, startReceiver, startTestEmulator, type TestEmulator } from './testing.js'

let t: TestEmulator
let stripe: Stripe
let receiver: Receiver
let oneTime: Stripe.Price

const SUCCESS = 'http://shop.test/ok?session_id={CHECKOUT_SESSION_ID}'

beforeAll(async () => {
  t = await startTestEmulator()
  stripe = t.stripe
  receiver = await startReceiver(stripe, ['checkout.session.expired', 'checkout.session.completed'])
  oneTime = await stripe.prices.create({
    currency: 'usd',
    unit_amount: 1500,
    product_data: { name: 'Field guide' },
  })
})

afterAll(async () => {
  await receiver?.close()
  await t?.close()
})

async function expectStripeError(
  promise: Promise<unknown>,
  match: { status: number; code?: string; param?: string },
): Promise<void> {
  const err = (await promise.then(
    () => {
      throw new Error('expected the request to fail')
    },
    (e: unknown) => e,
  )) as { statusCode?: number; code?: string; param?: string }
  expect(err.statusCode).toBe(match.status)
  if (match.code) expect(err.code).toBe(match.code)
  if (match.param) expect(err.param).toBe(match.param)
}

describe('discounts', () => {
  it('applies a percent coupon to totals and line items', async () => {
    const coupon = await stripe.coupons.create({ percent_off: 25, duration: 'once' })
    const session = await stripe.checkout.sessions.create({
      mode: 'payment',
      line_items: [{ price: oneTime.id, quantity: 2 }],
      success_url: SUCCESS,
      discounts: [{ coupon: coupon.id }],
    })
    expect(session.amount_subtotal).toBe(3000)
    expect(session.total_details?.amount_discount).toBe(750)
    expect(session.amount_total).toBe(2250)
    expect(session.discounts).toEqual([{ coupon: coupon.id, promotion_code: null }])
    const items = await stripe.checkout.sessions.listLineItems(session.id)
    expect(items.data[0]?.amount_discount).toBe(750)
    expect(items.data[0]?.amount_total).toBe(2250)
  })

  it('applies an amount_off promotion code in a zero-decimal currency (JPY)', async () => {
    const yen = await stripe.prices.create({
      currency: 'jpy',
      unit_amount: 1200,
      product_data: { name: 'Zine' },
    })
    const coupon = await stripe.coupons.create({ amount_off: 500, currency: 'jpy' })
    const promo = await stripe.promotionCodes.create({
      promotion: { type: 'coupon', coupon: coupon.id },
      code: 'YEN500',
    })
    const session = await stripe.checkout.sessions.create({
      mode: 'payment',
      line_items: [{ price: yen.id, quantity: 3 }],
      success_url: SUCCESS,
      discounts: [{ promotion_code: promo.id }],
    })
    expect(session.currency).toBe('jpy')
    expect(session.amount_subtotal).toBe(3600)
    expect(session.amount_total).toBe(3100)
    const page = await (await fetch(session.url ?? '')).text()
    expect(page).toContain('¥3,100')
    expect(page).toContain('¥500')
  })

  it('refuses a coupon past its redeem_by on emulator time', async () => {
    const coupon = await stripe.coupons.create({ percent_off: 10, redeem_by: t.emulator.clock.now() + 3600 })
    await t.emulator.clock.advance(7200)
    await expectStripeError(
      stripe.checkout.sessions.create({
        mode: 'payment',
        line_items: [{ price: oneTime.id, quantity: 1 }],
        success_url: SUCCESS,
        discounts: [{ coupon: coupon.id }],
      }),
      { status: 400, code: 'coupon_expired', param: 'discounts[0][coupon]' },
    )
  })

  it('never discounts below zero', async () => {
    const coupon = await stripe.coupons.create({ amount_off: 10_000, currency: 'usd' })
    const session = await stripe.checkout.sessions.create({
      mode: 'payment',
      line_items: [{ price: oneTime.id, quantity: 1 }],
      success_url: SUCCESS,
      discounts: [{ coupon: coupon.id }],
    })
    expect(session.amount_total).toBe(0)
    expect(session.total_details?.amount_discount).toBe(1500)
  })
})
