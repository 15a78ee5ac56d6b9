import type Stripe from 'stripe'
import { describe, expect, it } from 'vitest'
import { assertStripeShape } from './shapes.js'
import { useEmulatorSuite } from './test-suite.js'
import { postPageForm } from './testing.js'

const suite = useEmulatorSuite()

const strip = <T extends object>(o: T): T => {
  const { lastResponse: _, ...rest } = o as T & { lastResponse?: unknown }
  return rest as T
}

async function typesSince(start: number): Promise<string[]> {
  await suite.emulator.idle()
  return suite.receiver.received.slice(start).map((r) => r.event.type)
}

describe('SetupIntents', () => {
  it('create, update, confirm with a card: attached to the customer, events in order', async () => {
    const customer = await suite.stripe.customers.create({ email: 'si@example.com' })
    await suite.emulator.idle()
    const start = suite.receiver.received.length
    const si = await suite.stripe.setupIntents.create({ customer: customer.id, metadata: { plan: 'pro' } })
    assertStripeShape(strip(si))
    expect(si).toMatchObject({
      status: 'requires_payment_method',
      usage: 'off_session',
      customer: customer.id,
    })
    expect(si.client_secret).toMatch(new RegExp(`^${si.id}_secret_`))
    const updated = await suite.stripe.setupIntents.update(si.id, { description: 'Card for renewals' })
    expect(updated.description).toBe('Card for renewals')
    const confirmed = await suite.stripe.setupIntents.confirm(si.id, { payment_method: 'pm_card_visa' })
    expect(confirmed.status).toBe('succeeded')
    const pm = await suite.stripe.paymentMethods.retrieve(String(confirmed.payment_method))
    expect(pm.customer).toBe(customer.id)
    // No event for the update: Stripe has no setup_intent.updated.
    expect(await typesSince(start)).toEqual([
      'setup_intent.created',
      'payment_method.attached',
      'setup_intent.succeeded',
    ])
    const list = await suite.stripe.setupIntents.list({ customer: customer.id })
    expect(list.data.map((s) => s.id)).toEqual([si.id])
    expect((await suite.stripe.setupIntents.retrieve(si.id)).status).toBe('succeeded')
    await expect(suite.stripe.setupIntents.cancel(si.id)).rejects.toMatchObject({
      statusCode: 400,
      code: 'setup_intent_unexpected_state',
    })
  })

  it('a declining card fails the setup with a 402 carrying the SetupIntent', async () => {
    const start = suite.receiver.received.length
    const err = await suite.stripe.setupIntents
      .create({ confirm: true, payment_method: 'pm_card_chargeDeclinedInsufficientFunds' })
      .catch((e: Stripe.errors.StripeCardError) => e)
    expect(err).toMatchObject({
      statusCode: 402,
      type: 'StripeCardError',
      decline_code: 'insufficient_funds',
    })
    const si = (err as Stripe.errors.StripeCardError).raw as { setup_intent?: Stripe.SetupIntent }
    expect(si.setup_intent?.status).toBe('requires_payment_method')
    expect(si.setup_intent?.last_setup_error?.decline_code).toBe('insufficient_funds')
    expect(await typesSince(start)).toEqual(['setup_intent.created', 'setup_intent.setup_failed'])
  })

  it('3155 asks for 3-D Secure once; passing it sets the card up for off-session charges', async () => {
    const customer = await suite.stripe.customers.create({})
    const si = await suite.stripe.setupIntents.create({
      customer: customer.id,
      confirm: true,
      payment_method: 'pm_card_authenticationRequiredOnSetup',
      return_url: 'http://shop.test/back',
    })
    expect(si.status).toBe('requires_action')
    expect(si.next_action?.type).toBe('redirect_to_url')
    const url = String(si.next_action?.redirect_to_url?.url)
    expect((await fetch(url)).status).toBe(200)
    const done = await postPageForm(url, { result: 'complete' })
    expect(done.status).toBe(303)
    expect(done.location).toBe(`http://shop.test/back?setup_intent=${si.id}`)
    const after = await suite.stripe.setupIntents.retrieve(si.id)
    expect(after.status).toBe('succeeded')
    // The authenticated card is now charged off-session without another challenge.
    const pi = await suite.stripe.paymentIntents.create({
      amount: 500,
      currency: 'usd',
      customer: customer.id,
      payment_method: String(after.payment_method),
      confirm: true,
      off_session: true,
    })
    expect(pi.status).toBe('succeeded')
  })

  it('3220 asks every time; a failed challenge records the failure', async () => {
    const start = suite.receiver.received.length
    const si = await suite.stripe.setupIntents.create({
      confirm: true,
      payment_method: 'pm_card_threeDSecure2Required',
    })
    expect(si.next_action?.type).toBe('use_stripe_sdk')
    await postPageForm(`${suite.t.url}/3ds/${si.id}`, { result: 'fail' })
    const after = await suite.stripe.setupIntents.retrieve(si.id)
    expect(after.status).toBe('requires_payment_method')
    expect(after.last_setup_error?.code).toBe('setup_intent_authentication_failure')
    expect(await typesSince(start)).toEqual([
      'setup_intent.created',
      'setup_intent.requires_action',
      'setup_intent.setup_failed',
    ])
  })

  it('cancel, and bad input answered in the envelope', async () => {
    const si = await suite.stripe.setupIntents.create({})
    const canceled = await suite.stripe.setupIntents.cancel(si.id, { cancellation_reason: 'abandoned' })
    expect(canceled).toMatchObject({ status: 'canceled', cancellation_reason: 'abandoned' })
    await expect(
      suite.stripe.setupIntents.confirm(si.id, { payment_method: 'pm_card_visa' }),
    ).rejects.toMatchObject({
      statusCode: 400,
      code: 'setup_intent_unexpected_state',
    })
    await expect(suite.stripe.setupIntents.create({ customer: 'cus_nope' })).rejects.toMatchObject({
      statusCode: 400,
      code: 'resource_missing',
      param: 'customer',
    })
    await expect(suite.stripe.setupIntents.retrieve('seti_nope')).rejects.toMatchObject({ statusCode: 404 })
    await expect(
      suite.stripe.setupIntents.confirm((await suite.stripe.setupIntents.create({})).id),
    ).rejects.toMatchObject({ statusCode: 400, code: 'setup_intent_unexpected_state' })
  })
})

describe('Checkout in setup mode', () => {
  const CARD = { email: 'saver@example.com', cardExpiry: '12 / 34', cardCvc: '123', cardName: 'Sam Saver' }

  it('the hosted page saves a card: setup_intent on the session, attached, events in order', async () => {
    const customer = await suite.stripe.customers.create({ email: 'saver@example.com' })
    await suite.emulator.idle()
    const start = suite.receiver.received.length
    const session = await suite.stripe.checkout.sessions.create({
      mode: 'setup',
      currency: 'usd',
      customer: customer.id,
      success_url: 'http://shop.test/saved?cs={CHECKOUT_SESSION_ID}',
      setup_intent_data: { metadata: { reason: 'renewals' } },
    })
    assertStripeShape(strip(session))
    expect(session).toMatchObject({
      mode: 'setup',
      payment_status: 'no_payment_required',
      amount_total: null,
    })
    expect(session.setup_intent).toMatch(/^seti_/)
    const html = await (await fetch(String(session.url))).text()
    expect(html).toContain('Save card')
    const res = await postPageForm(String(session.url), { ...CARD, cardNumber: '4242 4242 4242 4242' })
    expect(res.status).toBe(303)
    expect(res.location).toBe(`http://shop.test/saved?cs=${session.id}`)
    const si = await suite.stripe.setupIntents.retrieve(String(session.setup_intent))
    expect(si).toMatchObject({ status: 'succeeded', customer: customer.id, metadata: { reason: 'renewals' } })
    const pm = await suite.stripe.paymentMethods.retrieve(String(si.payment_method))
    expect(pm.customer).toBe(customer.id)
    expect(await typesSince(start)).toEqual([
      'setup_intent.created',
      'payment_method.attached',
      'setup_intent.succeeded',
      'checkout.session.completed',
    ])
    const completed = suite.receiver.received.at(-1)?.event.data.object as Stripe.Checkout.Session
    expect(completed).toMatchObject({ status: 'complete', setup_intent: si.id })
  })

  it('3DS on the page, a decline shown on the page, and line_items refused', async () => {
    const session = await suite.stripe.checkout.sessions.create({
      mode: 'setup',
      currency: 'usd',
      customer_creation: 'always',
      success_url: 'http://shop.test/saved',
    })
    const declined = await postPageForm(String(session.url), { ...CARD, cardNumber: '4000 0000 0000 0002' })
    expect(declined.status).toBe(402)
    expect(declined.html).toContain('Your card was declined.')
    const challenged = await postPageForm(String(session.url), { ...CARD, cardNumber: '4000 0027 6000 3184' })
    expect(challenged.location).toBe(`/c/pay/${session.id}/3ds`)
    const done = await postPageForm(`${suite.t.url}/c/pay/${session.id}/3ds`, { result: 'complete' })
    expect(done.location).toBe('http://shop.test/saved')
    const after = await suite.stripe.checkout.sessions.retrieve(session.id)
    expect(after.status).toBe('complete')
    expect(after.customer).toMatch(/^cus_/)
    const si = await suite.stripe.setupIntents.retrieve(String(after.setup_intent))
    expect(si).toMatchObject({ status: 'succeeded', customer: after.customer })
    await expect(
      suite.stripe.checkout.sessions.create({
        mode: 'setup',
        currency: 'usd',
        line_items: [{ price: 'price_x', quantity: 1 }],
        success_url: 'http://shop.test/saved',
      }),
    ).rejects.toMatchObject({ statusCode: 400, param: 'line_items' })
  })
})
