import type Stripe from 'stripe'
import { beforeAll, describe, expect, it } from 'vitest'
import { useEmulatorSuite } from './test-suite.js'
import { postPageForm } from './testing.js'

const suite = useEmulatorSuite()
let price: Stripe.Price

beforeAll(async () => {
  price = await suite.stripe.prices.create({
    currency: 'usd',
    unit_amount: 1000,
    product_data: { name: 'Test card guide' },
  })
})

const CARD = { email: 'card@example.com', cardExpiry: '12 / 40', cardCvc: '123', cardName: 'Ada' }

describe("Stripe's test cards", () => {
  it('declines the always-declining cards on attach, with their decline codes', async () => {
    const customer = await suite.stripe.customers.create({ email: 'attach@example.com' })
    for (const [pm, code, declineCode] of [
      ['pm_card_chargeDeclined', 'card_declined', 'generic_decline'],
      ['pm_card_chargeDeclinedInsufficientFunds', 'card_declined', 'insufficient_funds'],
      ['pm_card_chargeDeclinedExpiredCard', 'expired_card', 'expired_card'],
      ['pm_card_chargeDeclinedProcessingError', 'processing_error', 'processing_error'],
      ['pm_card_chargeDeclinedFraudulent', 'card_declined', 'fraudulent'],
    ] as const) {
      await expect(suite.stripe.paymentMethods.attach(pm, { customer: customer.id })).rejects.toMatchObject({
        statusCode: 402,
        type: 'StripeCardError',
        code,
        decline_code: declineCode,
      })
    }
    await expect(
      suite.stripe.customers.create({ payment_method: 'pm_card_chargeDeclined' }),
    ).rejects.toMatchObject({ statusCode: 402, code: 'card_declined' })
    // 0341 attaches and fails only when charged; 3DS cards attach and ask only when money moves.
    for (const pm of ['pm_card_chargeCustomerFail', 'pm_card_threeDSecure2Required', 'pm_card_visa']) {
      const attached = await suite.stripe.paymentMethods.attach(pm, { customer: customer.id })
      expect(attached.customer).toBe(customer.id)
    }
  })

  it('asks for 3-D Secure for every 3DS card (3155, 3184, 3220, 3063, 3178, 1629, 1280, 0446 on-session), not for 3055 or 3097', async () => {
    for (const pm of [
      'pm_card_authenticationRequiredOnSetup',
      'pm_card_authenticationRequired',
      'pm_card_threeDSecure2Required',
      'pm_card_threeDSecureRequired',
      'pm_card_authenticationRequiredChargeDeclinedInsufficientFunds',
      'pm_card_threeDSecureRequiredChargeDeclined',
      'pm_card_threeDSecureRequiredProcessingError',
      'pm_card_authenticationRequiredSetupForOffSession',
    ]) {
      const pi = await suite.stripe.paymentIntents.create({
        amount: 500,
        currency: 'usd',
        payment_method: pm,
        confirm: true,
      })
      expect([pm, pi.status]).toEqual([pm, 'requires_action'])
    }
    const optional = await suite.stripe.paymentIntents.create({
      amount: 500,
      currency: 'usd',
      payment_method: 'pm_card_threeDSecureOptional',
      confirm: true,
    })
    expect(optional.status).toBe('succeeded')
    const optionalError = await suite.stripe.paymentIntents.create({
      amount: 500,
      currency: 'usd',
      payment_method: 'pm_card_threeDSecureOptionalProcessingError',
      confirm: true,
    })
    expect(optionalError.status).toBe('succeeded')
  })

  it('4000 0038 0000 0446 is already set up: off-session charges succeed without 3DS', async () => {
    const customer = await suite.stripe.customers.create({})
    const pm = await suite.stripe.paymentMethods.attach('pm_card_authenticationRequiredSetupForOffSession', {
      customer: customer.id,
    })
    const offSession = await suite.stripe.paymentIntents.create({
      amount: 700,
      currency: 'usd',
      customer: customer.id,
      payment_method: pm.id,
      confirm: true,
      off_session: true,
    })
    expect(offSession.status).toBe('succeeded')
  })

  it('4000 0084 0000 1280: 3-D Secure passes, then the charge fails with a processing error', async () => {
    const pi = await suite.stripe.paymentIntents.create({
      amount: 900,
      currency: 'usd',
      payment_method: 'pm_card_threeDSecureRequiredProcessingError',
      confirm: true,
    })
    const url = String(pi.next_action?.use_stripe_sdk?.stripe_js)
    await fetch(url, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'result=complete',
    })
    const after = await suite.stripe.paymentIntents.retrieve(pi.id)
    expect(after.status).toBe('requires_payment_method')
    expect(after.last_payment_error).toMatchObject({ code: 'processing_error' })
  })

  it('runs the hosted 3DS step for 4000 0000 0000 3220, and declines 3178 after authentication', async () => {
    const session = async () =>
      suite.stripe.checkout.sessions.create({
        mode: 'payment',
        line_items: [{ price: price.id, quantity: 1 }],
        success_url: 'http://shop.test/ok',
      })
    const s1 = await session()
    const challenged = await postPageForm(s1.url!, { ...CARD, cardNumber: '4000 0000 0000 3220' })
    expect(challenged.status).toBe(303)
    expect(challenged.location).toContain(`/c/pay/${s1.id}/3ds`)
    const done = await postPageForm(`${suite.t.url}/c/pay/${s1.id}/3ds`, { result: 'complete' })
    expect(done).toMatchObject({ status: 303, location: 'http://shop.test/ok' })

    const s2 = await session()
    const second = await postPageForm(s2.url!, { ...CARD, cardNumber: '4000 0082 6000 3178' })
    expect(second.location).toContain(`/c/pay/${s2.id}/3ds`)
    const declined = await postPageForm(`${suite.t.url}/c/pay/${s2.id}/3ds`, { result: 'complete' })
    expect(declined.location ?? declined.html).not.toBe('http://shop.test/ok')
    expect((await suite.stripe.checkout.sessions.retrieve(s2.id)).status).toBe('open')
  })
})
