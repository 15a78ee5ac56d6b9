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
