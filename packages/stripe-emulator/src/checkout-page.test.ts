import type Stripe from 'stripe'
import { beforeAll, describe, expect, it } from 'vitest'
import { assertStripeShape } from './shapes.js'
import { useEmulatorSuite } from './test-suite.js'
import { postPageForm } from './testing.js'

const suite = useEmulatorSuite()
let price: Stripe.Price

const SUCCESS = 'http://shop.test/ok?session_id={CHECKOUT_SESSION_ID}'

type Form = Partial<
  Record<'email' | 'cardNumber' | 'cardExpiry' | 'cardCvc' | 'cardName' | 'promotionCode', string>
>

const CARD: Form = {
  email: 'payer@example.com',
  cardNumber: '4242 4242 4242 4242',
  cardExpiry: '12 / 34',
  cardCvc: '123',
  cardName: 'Pat Payer',
}

const post = (url: string, form: Form) => postPageForm(url, form)

async function newSession(
  extra: Partial<Stripe.Checkout.SessionCreateParams> = {},
): Promise<Stripe.Checkout.Session> {
  return suite.stripe.checkout.sessions.create({
    mode: 'payment',
    line_items: [{ price: price.id, quantity: 2 }],
    success_url: SUCCESS,
    cancel_url: 'http://shop.test/cancel',
    ...extra,
  })
}

beforeAll(async () => {
  price = await suite.stripe.prices.create({
    currency: 'usd',
    unit_amount: 1500,
    product_data: { name: 'Field guide' },
  })
})

describe('hosted Checkout page', () => {
  it('renders the session in test mode with the fixed field names and one submit button', async () => {
    const session = await newSession({ allow_promotion_codes: true })
    const res = await fetch(session.url ?? '')
    const html = await res.text()
    expect(res.status).toBe(200)
    expect(html).toContain('Test mode — local Stripe emulator')
    expect(html).toContain('Field guide')
    expect(html).toContain('$30.00')
    expect(html).toContain('Qty 2 × $15.00')
    expect(html).toContain('href="http://shop.test/cancel"')
    for (const name of ['email', 'cardNumber', 'cardExpiry', 'cardCvc', 'cardName', 'promotionCode']) {
      expect(html).toContain(`name="${name}"`)
    }
    expect(html.match(/type="submit"/g)).toHaveLength(1)
  })

  it('pays with 4242: 303 to the success URL, events in Stripe order, each verified by signature', async () => {
    const session = await newSession({ customer_creation: 'always' })
    const res = await post(session.url ?? '', CARD)
    expect(res.status).toBe(303)
    expect(res.location).toBe(`http://shop.test/ok?session_id=${session.id}`)
    await suite.emulator.idle()

    const done = await suite.stripe.checkout.sessions.retrieve(session.id, { expand: ['payment_intent'] })
    assertStripeShape(done)
    expect(done.status).toBe('complete')
    expect(done.payment_status).toBe('paid')
    expect(done.url).toBeNull()
    expect(done.success_url).toBe(SUCCESS)
    expect(done.customer_details?.email).toBe('payer@example.com')
    expect(done.customer).toMatch(/^cus_/)
    const pi = done.payment_intent as Stripe.PaymentIntent
    assertStripeShape(pi)
    expect(pi.status).toBe('succeeded')
    expect(pi.amount_received).toBe(3000)
    const charge = await suite.stripe.charges.retrieve(String(pi.latest_charge))
    assertStripeShape(charge)
    expect(charge.status).toBe('succeeded')
    expect(charge.payment_method_details?.card?.last4).toBe('4242')

    // The suite.receiver accepted only deliveries that passed suite.stripe.webhooks.constructEvent.
    const types = suite.receiver.types()
    expect(types).toEqual([
      'customer.created',
      'payment_intent.created',
      'charge.succeeded',
      'payment_intent.succeeded',
      'checkout.session.completed',
    ])
    const completed = suite.receiver.received.at(-1)?.event.data.object as Stripe.Checkout.Session
    expect(completed.payment_intent).toBe(pi.id)
    for (const r of suite.receiver.received) assertStripeShape(r.event)
    const page = await fetch(session.url ?? '')
    expect(await page.text()).toContain('Payment complete')
  })

  it('answers a double submit with the success redirect twice but pays once', async () => {
    const session = await newSession()
    const [a, b] = await Promise.all([post(session.url ?? '', CARD), post(session.url ?? '', CARD)])
    expect([a.status, b.status]).toEqual([303, 303])
    expect(b.location).toBe(a.location)
    await suite.emulator.idle()
    expect(suite.receiver.types().filter((x) => x === 'checkout.session.completed')).toHaveLength(1)
    expect(suite.receiver.types().filter((x) => x === 'charge.succeeded')).toHaveLength(1)
  })

  it('asks for the billing address when the session requires it and returns it in customer_details', async () => {
    const session = await newSession({ billing_address_collection: 'required' })
    expect(await (await fetch(session.url ?? '')).text()).toContain('data-billing-address')
    const refused = await postPageForm(session.url ?? '', CARD)
    expect(refused.status).toBe(400)
    expect(refused.html).toContain('Enter your billing address.')
    const address = {
      addressLine1: '1 Main St',
      addressCity: 'Springfield',
      addressPostalCode: '12345',
      addressCountry: 'us',
    }
    expect((await postPageForm(session.url ?? '', { ...CARD, ...address })).status).toBe(303)
    const done = await suite.stripe.checkout.sessions.retrieve(session.id)
    expect(done.billing_address_collection).toBe('required')
    expect(done.customer_details?.address).toEqual({
      city: 'Springfield',
      country: 'US',
      line1: '1 Main St',
      line2: null,
      postal_code: '12345',
      state: null,
    })
    const plain = await newSession()
    expect(await (await fetch(plain.url ?? '')).text()).not.toContain('data-billing-address')
  })

  it('keeps a guest payment without a customer (customer_creation if_required)', async () => {
    const session = await newSession()
    expect((await post(session.url ?? '', CARD)).status).toBe(303)
    const done = await suite.stripe.checkout.sessions.retrieve(session.id)
    expect(done.customer).toBeNull()
    expect(done.customer_details?.email).toBe('payer@example.com')
    expect(done.customer_details?.name).toBe('Pat Payer')
    const byEmail = await suite.stripe.checkout.sessions.list({
      customer_details: { email: 'payer@example.com' },
      status: 'complete',
      limit: 100,
    })
    expect(byEmail.data.map((s) => s.id)).toContain(session.id)
    const other = await suite.stripe.checkout.sessions.list({
      customer_details: { email: 'nobody@example.com' },
    })
    expect(other.data).toEqual([])
  })

  it('copies payment_intent_data onto the PaymentIntent and saves the card with setup_future_usage', async () => {
    const session = await newSession({
      payment_intent_data: {
        metadata: { order: 'o-42' },
        description: 'Order 42',
        setup_future_usage: 'off_session',
      },
    })
    expect((await post(session.url ?? '', CARD)).status).toBe(303)
    await suite.emulator.idle()
    const done = await suite.stripe.checkout.sessions.retrieve(session.id, { expand: ['payment_intent'] })
    const pi = done.payment_intent as Stripe.PaymentIntent
    expect(pi.metadata).toEqual({ order: 'o-42' })
    expect(pi.description).toBe('Order 42')
    expect(done.customer).toMatch(/^cus_/)
    const saved = await suite.stripe.customers.listPaymentMethods(String(done.customer))
    expect(saved.data.map((p) => p.id)).toEqual([pi.payment_method])
    expect(suite.receiver.types()).toEqual([
      'customer.created',
      'payment_intent.created',
      'payment_method.attached',
      'charge.succeeded',
      'payment_intent.succeeded',
      'checkout.session.completed',
    ])
  })

  for (const [card, message, declineCode] of [
    ['4000 0000 0000 0002', 'Your card was declined.', 'generic_decline'],
    ['4000 0000 0000 9995', 'Your card has insufficient funds.', 'insufficient_funds'],
  ] as const) {
    it(`shows the decline for ${card}, leaves the session open and completes nothing`, async () => {
      const session = await newSession()
      const res = await post(session.url ?? '', { ...CARD, cardNumber: card })
      expect(res.status).toBe(402)
      expect(res.html).toContain(message)
      await suite.emulator.idle()
      const still = await suite.stripe.checkout.sessions.retrieve(session.id, { expand: ['payment_intent'] })
      expect(still.status).toBe('open')
      expect(still.payment_status).toBe('unpaid')
      expect(still.url).not.toBeNull()
      const pi = still.payment_intent as Stripe.PaymentIntent
      expect(pi.status).toBe('requires_payment_method')
      expect(pi.last_payment_error?.decline_code).toBe(declineCode)
      const types = suite.receiver.types()
      expect(types).toEqual(['payment_intent.created', 'charge.failed', 'payment_intent.payment_failed'])
      expect(types).not.toContain('checkout.session.completed')

      // A retry with a good card reuses the PaymentIntent and completes the session.
      const retry = await post(session.url ?? '', CARD)
      expect(retry.status).toBe(303)
      const done = await suite.stripe.checkout.sessions.retrieve(session.id)
      expect(done.payment_intent).toBe(pi.id)
      expect(done.status).toBe('complete')
    })
  }

  it("cancels the failed attempt's PaymentIntent when the session expires", async () => {
    const session = await newSession()
    expect((await post(session.url ?? '', { ...CARD, cardNumber: '4000000000000002' })).status).toBe(402)
    await suite.emulator.idle()
    suite.receiver.received.length = 0
    const expired = await suite.stripe.checkout.sessions.expire(session.id)
    await suite.emulator.idle()
    expect(suite.receiver.types()).toEqual(['payment_intent.canceled', 'checkout.session.expired'])
    const pi = await suite.stripe.paymentIntents.retrieve(String(expired.payment_intent))
    expect(pi.status).toBe('canceled')
    expect(pi.cancellation_reason).toBe('abandoned')
  })

  it('validates expiry, CVC, card number and email on the page', async () => {
    const session = await newSession()
    const cases: [Form, string][] = [
      [{ ...CARD, cardExpiry: '01 / 20' }, 'expiration date is in the past'],
      [{ ...CARD, cardExpiry: '13/40' }, 'expiration month is invalid'],
      [{ ...CARD, cardCvc: '12' }, 'security code is incomplete'],
      [{ ...CARD, cardNumber: '4242 4242 4242 4241' }, 'card number is invalid'],
      [{ ...CARD, email: 'not-an-email' }, 'valid email'],
    ]
    for (const [form, text] of cases) {
      const res = await post(session.url ?? '', form)
      expect(res.status).toBe(400)
      expect(res.html).toContain(text)
    }
    const still = await suite.stripe.checkout.sessions.retrieve(session.id)
    expect(still.status).toBe('open')
    expect(still.payment_intent).toBeNull()
  })
})
