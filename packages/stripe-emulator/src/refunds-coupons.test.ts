import type Stripe from 'stripe'
import { describe, expect, it } from 'vitest'
import { assertStripeShape } from './shapes.js'
import { useEmulatorSuite } from './test-suite.js'

const suite = useEmulatorSuite()

async function failure(promise: Promise<unknown>): Promise<Stripe.errors.StripeError> {
  return promise.then(
    () => {
      throw new Error('expected the request to fail')
    },
    (e: unknown) => e as Stripe.errors.StripeError,
  )
}

async function paidIntent(amount = 2000): Promise<Stripe.PaymentIntent> {
  return suite.stripe.paymentIntents.create({
    amount,
    currency: 'usd',
    payment_method: 'pm_card_visa',
    confirm: true,
  })
}

describe('refunds', () => {
  it('refunds partially, then the rest; refunded turns true only at the end', async () => {
    const pi = await paidIntent(2000)
    await suite.emulator.idle()
    suite.receiver.received.length = 0
    const partial = await suite.stripe.refunds.create({
      payment_intent: pi.id,
      amount: 500,
      reason: 'requested_by_customer',
    })
    assertStripeShape(partial)
    expect(partial.status).toBe('succeeded')
    expect(partial.amount).toBe(500)
    expect(partial.charge).toBe(pi.latest_charge)
    let charge = await suite.stripe.charges.retrieve(String(pi.latest_charge))
    expect(charge.amount_refunded).toBe(500)
    expect(charge.refunded).toBe(false)

    const rest = await suite.stripe.refunds.create({ charge: charge.id })
    expect(rest.amount).toBe(1500)
    charge = await suite.stripe.charges.retrieve(charge.id, { expand: ['refunds'] })
    expect(charge.amount_refunded).toBe(2000)
    expect(charge.refunded).toBe(true)
    expect(charge.refunds?.data.map((r) => r.id).sort()).toEqual([partial.id, rest.id].sort())

    await suite.emulator.idle()
    expect(suite.receiver.types()).toEqual([
      'refund.created',
      'charge.refunded',
      'refund.created',
      'charge.refunded',
    ])
    const last = suite.receiver.received.at(-1)?.event as Stripe.ChargeRefundedEvent
    expect(last.data.previous_attributes).toEqual({ amount_refunded: 500, refunded: false })

    const again = await failure(suite.stripe.refunds.create({ charge: charge.id }))
    expect(again.statusCode).toBe(400)
    expect(again.code).toBe('charge_already_refunded')
    const listed = await suite.stripe.refunds.list({ payment_intent: pi.id })
    expect(listed.data).toHaveLength(2)
    expect((await suite.stripe.refunds.retrieve(partial.id)).amount).toBe(500)
  })

  it('a refund to card 5126 looks successful, then fails a minute later and the charge keeps the money', async () => {
    const pi = await suite.stripe.paymentIntents.create({
      amount: 1500,
      currency: 'usd',
      payment_method: 'pm_card_refundFail',
      confirm: true,
    })
    await suite.emulator.idle()
    suite.receiver.received.length = 0
    const refund = await suite.stripe.refunds.create({ payment_intent: pi.id })
    expect(refund.status).toBe('succeeded')
    expect((await suite.stripe.charges.retrieve(String(pi.latest_charge))).refunded).toBe(true)

    await suite.emulator.clock.advance(61)
    await suite.emulator.idle()
    const failed = await suite.stripe.refunds.retrieve(refund.id)
    assertStripeShape(failed)
    expect(failed).toMatchObject({ status: 'failed', failure_reason: 'expired_or_canceled_card' })
    const charge = await suite.stripe.charges.retrieve(String(pi.latest_charge))
    expect(charge).toMatchObject({ refunded: false, amount_refunded: 0 })
    expect(suite.receiver.types()).toEqual([
      'refund.created',
      'charge.refunded',
      'charge.refund.updated',
      'refund.updated',
      'refund.failed',
    ])
  })

  it('refuses too-large amounts and unknown charges', async () => {
    const pi = await paidIntent(1000)
    const tooMuch = await failure(suite.stripe.refunds.create({ payment_intent: pi.id, amount: 1001 }))
    expect(tooMuch.statusCode).toBe(400)
    expect(tooMuch.param).toBe('amount')
    const missing = await failure(suite.stripe.refunds.create({ charge: 'ch_missing' }))
    expect(missing.statusCode).toBe(400)
    expect(missing.param).toBe('charge')
  })
})

describe('charge and refund edits from a back office', () => {
  it('updates a charge (description, metadata, receipt email, shipping, transfer group) with charge.updated; refuses customer and fraud_details by name', async () => {
    const pi = await paidIntent(1500)
    const id = String(pi.latest_charge)
    await suite.emulator.idle()
    suite.receiver.received.length = 0
    const { lastResponse: _, ...charge } = await suite.stripe.charges.update(id, {
      description: 'Order 42',
      metadata: { order: '42' },
      receipt_email: 'ada@example.com',
      transfer_group: 'order_42',
      shipping: { name: 'Ada Lovelace', address: { line1: '1 Analytical Row', country: 'GB' } },
    })
    assertStripeShape(charge)
    expect(charge).toMatchObject({
      description: 'Order 42',
      metadata: { order: '42' },
      receipt_email: 'ada@example.com',
      transfer_group: 'order_42',
      shipping: { name: 'Ada Lovelace', address: { line1: '1 Analytical Row', country: 'GB', city: null } },
    })
    expect(await suite.stripe.charges.retrieve(id)).toMatchObject({ description: 'Order 42' })
    await suite.emulator.idle()
    const updated = suite.receiver.received.filter((r) => r.event.type === 'charge.updated')
    expect(updated).toHaveLength(1)
    expect(updated[0]!.event.data.previous_attributes).toMatchObject({
      description: null,
      metadata: { order: null },
    })
    // Nothing changed: no event.
    await suite.stripe.charges.update(id, { description: 'Order 42' })
    for (const [param, body] of [
      ['customer', { customer: 'cus_x' }],
      ['fraud_details', { fraud_details: { user_report: 'safe' } }],
    ] as const)
      await expect(suite.stripe.charges.update(id, body as never)).rejects.toMatchObject({
        statusCode: 400,
        code: 'parameter_unsupported',
        param,
      })
    await expect(suite.stripe.charges.update('ch_missing', { description: 'x' })).rejects.toMatchObject({
      statusCode: 404,
      code: 'resource_missing',
    })
    await suite.emulator.idle()
    expect(suite.receiver.types().filter((t) => t === 'charge.updated')).toHaveLength(1)
  })

  it('cancelling a refund that does not wait for the customer is refused, as on Stripe', async () => {
    const pi = await paidIntent(1000)
    const refund = await suite.stripe.refunds.create({ payment_intent: pi.id })
    const err = await failure(suite.stripe.refunds.cancel(refund.id))
    expect(err).toMatchObject({ statusCode: 400, type: 'StripeInvalidRequestError' })
    expect(err.message).toContain('requires_action')
    expect((await suite.stripe.refunds.retrieve(refund.id)).status).toBe('succeeded')
    expect((await failure(suite.stripe.refunds.cancel('re_missing'))).statusCode).toBe(404)
  })
})

describe('coupons and promotion codes', () => {
  it('creates, retrieves, lists and deletes coupons with events', async () => {
    const percent = await suite.stripe.coupons.create({
      percent_off: 20,
      duration: 'repeating',
      duration_in_months: 3,
      name: 'Spring',
    })
    assertStripeShape(percent)
    expect(percent.duration_in_months).toBe(3)
    const fixed = await suite.stripe.coupons.create({
      id: 'FIVE',
      amount_off: 500,
      currency: 'usd',
      duration: 'forever',
      max_redemptions: 2,
    })
    expect(fixed.id).toBe('FIVE')
    expect((await suite.stripe.coupons.retrieve('FIVE')).amount_off).toBe(500)
    const list = await suite.stripe.coupons.list({ limit: 100 })
    expect(list.data.map((c) => c.id)).toEqual(expect.arrayContaining([percent.id, 'FIVE']))
    const err = await failure(suite.stripe.coupons.create({ amount_off: 100 }))
    expect(err.param).toBe('currency')
    const dup = await failure(suite.stripe.coupons.create({ id: 'FIVE', percent_off: 5 }))
    expect(dup.code).toBe('resource_already_exists')
    const deleted = await suite.stripe.coupons.del(percent.id)
    expect(deleted.deleted).toBe(true)
    await suite.emulator.idle()
    expect(suite.receiver.types()).toEqual(['coupon.created', 'coupon.created', 'coupon.deleted'])
  })

  it('creates promotion codes in the clover shape, accepts the legacy coupon param, filters by code', async () => {
    const coupon = await suite.stripe.coupons.create({ percent_off: 10 })
    const promo = await suite.stripe.promotionCodes.create({
      promotion: { type: 'coupon', coupon: coupon.id },
      code: 'TEN',
    })
    assertStripeShape(promo)
    expect(promo.promotion).toEqual({ type: 'coupon', coupon: coupon.id })
    const legacy = await suite.stripe.promotionCodes.create({
      coupon: coupon.id,
    } as unknown as Stripe.PromotionCodeCreateParams)
    expect(legacy.promotion.coupon).toBe(coupon.id)
    expect(legacy.code).toMatch(/^[A-Z0-9]{8}$/)
    const byCode = await suite.stripe.promotionCodes.list({ code: 'TEN' })
    expect(byCode.data.map((p) => p.id)).toEqual([promo.id])
    const off = await suite.stripe.promotionCodes.update(promo.id, { active: false })
    expect(off.active).toBe(false)
    expect((await suite.stripe.promotionCodes.list({ code: 'TEN', active: true })).data).toEqual([])
    const missing = await failure(
      suite.stripe.promotionCodes.create({ promotion: { type: 'coupon', coupon: 'nope' } }),
    )
    expect(missing.statusCode).toBe(400)
    await suite.emulator.idle()
    expect(suite.receiver.types().filter((x) => x === 'promotion_code.created')).toHaveLength(2)
  })
})
