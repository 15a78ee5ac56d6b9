import Stripe from 'stripe'
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

describe('payment methods', () => {
  it('creates from card[token], attaches, lists by customer and detaches', async () => {
    const customer = await suite.stripe.customers.create({ email: 'pm@example.com' })
    const pm = await suite.stripe.paymentMethods.create({ type: 'card', card: { token: 'tok_visa' } })
    assertStripeShape(pm)
    expect(pm.card?.last4).toBe('4242')
    expect(pm.customer).toBeNull()
    const attached = await suite.stripe.paymentMethods.attach(pm.id, { customer: customer.id })
    expect(attached.customer).toBe(customer.id)
    const listed = await suite.stripe.paymentMethods.list({ customer: customer.id, type: 'card' })
    expect(listed.data.map((p) => p.id)).toEqual([pm.id])
    const detached = await suite.stripe.paymentMethods.detach(pm.id)
    expect(detached.customer).toBeNull()
    await suite.emulator.idle()
    expect(suite.receiver.types()).toEqual([
      'customer.created',
      'payment_method.attached',
      'payment_method.detached',
    ])
  })

  it('turns magic ids into fresh payment methods, on customers too', async () => {
    const customer = await suite.stripe.customers.create({
      payment_method: 'pm_card_chargeCustomerFail',
      invoice_settings: { default_payment_method: 'pm_card_visa' },
    })
    const pms = await suite.stripe.customers.listPaymentMethods(customer.id)
    expect(pms.data).toHaveLength(2)
    expect(pms.data.map((p) => p.card?.last4).sort()).toEqual(['0341', '4242'])
    expect(customer.invoice_settings.default_payment_method).toMatch(/^pm_/)
    expect(customer.invoice_settings.default_payment_method).not.toBe('pm_card_visa')
    const err = await failure(suite.stripe.paymentMethods.retrieve('pm_missing'))
    expect(err.statusCode).toBe(404)
  })
})

describe('payment intents and charges', () => {
  it('creates and confirms like the CLI (legacy payment_method_types), with events in order', async () => {
    const pi = await suite.stripe.paymentIntents.create({
      amount: 2000,
      currency: 'usd',
      payment_method: 'pm_card_visa',
      confirm: true,
      payment_method_types: ['card'],
    } as Stripe.PaymentIntentCreateParams)
    assertStripeShape(pi)
    expect(pi.status).toBe('succeeded')
    expect(pi.amount_received).toBe(2000)
    const charge = await suite.stripe.charges.retrieve(String(pi.latest_charge))
    assertStripeShape(charge)
    expect(charge.paid).toBe(true)
    expect(charge.payment_intent).toBe(pi.id)
    await suite.emulator.idle()
    expect(suite.receiver.types()).toEqual([
      'payment_intent.created',
      'charge.succeeded',
      'payment_intent.succeeded',
    ])
    const byPi = await suite.stripe.charges.list({ payment_intent: pi.id })
    expect(byPi.data.map((c) => c.id)).toEqual([charge.id])
  })

  it('answers a declined confirmation with 402 card_error carrying the PaymentIntent', async () => {
    for (const [pm, decline] of [
      ['pm_card_chargeDeclined', 'generic_decline'],
      ['pm_card_chargeDeclinedInsufficientFunds', 'insufficient_funds'],
      ['pm_card_chargeCustomerFail', 'generic_decline'],
    ] as const) {
      const err = await failure(
        suite.stripe.paymentIntents.create({
          amount: 500,
          currency: 'usd',
          payment_method: pm,
          confirm: true,
        }),
      )
      expect(err).toBeInstanceOf(Stripe.errors.StripeCardError)
      expect(err.statusCode).toBe(402)
      expect(err.code).toBe('card_declined')
      expect(err.decline_code).toBe(decline)
      const pi = err.payment_intent as Stripe.PaymentIntent
      expect(pi.status).toBe('requires_payment_method')
      expect(pi.last_payment_error?.decline_code).toBe(decline)
      const stored = await suite.stripe.paymentIntents.retrieve(pi.id)
      expect(stored.status).toBe('requires_payment_method')
      const charge = await suite.stripe.charges.retrieve(String(stored.latest_charge))
      expect(charge.status).toBe('failed')
      expect(charge.failure_code).toBe('card_declined')
    }
  })

  it('puts an authentication-required card into requires_action', async () => {
    const pi = await suite.stripe.paymentIntents.create({
      amount: 700,
      currency: 'usd',
      payment_method: 'pm_card_authenticationRequired',
      confirm: true,
    })
    expect(pi.status).toBe('requires_action')
    expect(pi.next_action?.type).toBe('use_stripe_sdk')
  })

  it('holds a manual-capture payment until captured', async () => {
    const pi = await suite.stripe.paymentIntents.create({
      amount: 1200,
      currency: 'usd',
      payment_method: 'pm_card_visa',
      capture_method: 'manual',
      confirm: true,
    })
    expect(pi.status).toBe('requires_capture')
    expect(pi.amount_capturable).toBe(1200)
    expect((await suite.stripe.charges.retrieve(String(pi.latest_charge))).captured).toBe(false)
    const refundFirst = await failure(suite.stripe.refunds.create({ charge: String(pi.latest_charge) }))
    expect(refundFirst.code).toBe('charge_not_refundable')
    const captured = await suite.stripe.paymentIntents.capture(pi.id, { amount_to_capture: 1000 })
    expect(captured.status).toBe('succeeded')
    expect(captured.amount_received).toBe(1000)
    const charge = await suite.stripe.charges.retrieve(String(pi.latest_charge))
    expect(charge.captured).toBe(true)
    expect(charge.amount_captured).toBe(1000)
    await suite.emulator.idle()
    expect(suite.receiver.types()).toEqual([
      'payment_intent.created',
      'charge.succeeded',
      'payment_intent.amount_capturable_updated',
      'charge.captured',
      'payment_intent.succeeded',
    ])
    const again = await failure(suite.stripe.paymentIntents.capture(pi.id))
    expect(again.code).toBe('payment_intent_unexpected_state')
  })

  it('declines an off-session payment on a card never set up for it (3155) with authentication_required', async () => {
    const err = await failure(
      suite.stripe.paymentIntents.create({
        amount: 900,
        currency: 'usd',
        payment_method: 'pm_card_authenticationRequiredOnSetup',
        confirm: true,
        off_session: true,
      }),
    )
    expect(err.statusCode).toBe(402)
    expect(err.code).toBe('authentication_required')
    const onSession = await suite.stripe.paymentIntents.create({
      amount: 900,
      currency: 'usd',
      payment_method: 'pm_card_authenticationRequiredOnSetup',
      confirm: true,
    })
    expect(onSession.status).toBe('requires_action')
  })

  it('lists payment intents by customer and cancels an unconfirmed one', async () => {
    const customer = await suite.stripe.customers.create({ email: 'pi@example.com' })
    const pi = await suite.stripe.paymentIntents.create({
      amount: 300,
      currency: 'eur',
      customer: customer.id,
    })
    expect(pi.status).toBe('requires_payment_method')
    const list = await suite.stripe.paymentIntents.list({ customer: customer.id })
    expect(list.data.map((p) => p.id)).toEqual([pi.id])
    const canceled = await suite.stripe.paymentIntents.cancel(pi.id)
    expect(canceled.status).toBe('canceled')
    const err = await failure(
      suite.stripe.paymentIntents.create({ currency: 'usd' } as Stripe.PaymentIntentCreateParams),
    )
    expect(err.code).toBe('parameter_missing')
    expect(err.param).toBe('amount')
  })
})

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
    expect(missing.statusCode).toBe(404)
    expect(missing.param).toBe('charge')
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
    expect(missing.statusCode).toBe(404)
    await suite.emulator.idle()
    expect(suite.receiver.types().filter((x) => x === 'promotion_code.created')).toHaveLength(2)
  })
})
