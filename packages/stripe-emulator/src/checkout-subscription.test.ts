import type Stripe from 'stripe'
import { beforeAll, describe, expect, it } from 'vitest'
import { assertStripeShape } from './shapes.js'
import { useEmulatorSuite } from './test-suite.js'
import { postPageForm as post } from './testing.js'

const suite = useEmulatorSuite()
let monthly: Stripe.Price

const SUCCESS = 'http://shop.test/ok?session_id={CHECKOUT_SESSION_ID}'
const CARD = {
  email: 'member@example.com',
  cardNumber: '4242424242424242',
  cardExpiry: '12/34',
  cardCvc: '123',
  cardName: 'Mem Ber',
}

async function newSession(
  extra: Partial<Stripe.Checkout.SessionCreateParams> = {},
): Promise<Stripe.Checkout.Session> {
  return suite.stripe.checkout.sessions.create({
    mode: 'subscription',
    line_items: [{ price: monthly.id, quantity: 1 }],
    success_url: SUCCESS,
    ...extra,
  })
}

beforeAll(async () => {
  monthly = await suite.stripe.prices.create({
    currency: 'usd',
    unit_amount: 900,
    recurring: { interval: 'month' },
    product_data: { name: 'Membership' },
  })
})

describe('hosted Checkout in subscription mode', () => {
  it('creates the customer, attaches the card, lets billing subscribe and completes the session last', async () => {
    const session = await newSession({ metadata: { plan: 'member' } })
    const res = await post(session.url ?? '', CARD)
    expect(res.status).toBe(303)
    expect(res.location).toBe(`http://shop.test/ok?session_id=${session.id}`)
    await suite.emulator.idle()
    const done = await suite.stripe.checkout.sessions.retrieve(session.id, { expand: ['subscription'] })
    assertStripeShape(done)
    expect(done.status).toBe('complete')
    expect(done.payment_status).toBe('paid')
    expect(done.customer).toMatch(/^cus_/)
    expect(done.invoice).toMatch(/^in_/)
    const sub = done.subscription as Stripe.Subscription
    expect(sub.status).toBe('active')
    expect(sub.customer).toBe(done.customer)
    const types = suite.receiver.types()
    expect(types.slice(0, 2)).toEqual(['customer.created', 'payment_method.attached'])
    expect(types).toContain('customer.subscription.created')
    expect(types).toContain('invoice.paid')
    expect(types.at(-1)).toBe('checkout.session.completed')
  })

  it('starts a trial with nothing charged: no_payment_required, and the page shows the trial note', async () => {
    const session = await newSession({ subscription_data: { trial_period_days: 7 } })
    const page = await (await fetch(session.url ?? '')).text()
    expect(page).toContain('Free for 7 days, then $9.00 / month')
    // 0341 attaches fine; only later charges fail, so a trial can start with it.
    const res = await post(session.url ?? '', { ...CARD, cardNumber: '4000000000000341' })
    expect(res.status).toBe(303)
    const done = await suite.stripe.checkout.sessions.retrieve(session.id, { expand: ['subscription'] })
    expect(done.payment_status).toBe('no_payment_required')
    expect((done.subscription as Stripe.Subscription).status).toBe('trialing')
    expect(await charges(String(done.customer))).toEqual([])
  })

  it('starts a cardless trial with payment_method_collection if_required', async () => {
    const session = await newSession({
      subscription_data: { trial_period_days: 14 },
      payment_method_collection: 'if_required',
    })
    const res = await post(session.url ?? '', { email: 'cardless@example.com' })
    expect(res.status).toBe(303)
    const done = await suite.stripe.checkout.sessions.retrieve(session.id, { expand: ['subscription'] })
    expect(done.payment_status).toBe('no_payment_required')
    const sub = done.subscription as Stripe.Subscription
    expect(sub.status).toBe('trialing')
    expect(sub.default_payment_method).toBeNull()
    expect((await suite.stripe.customers.listPaymentMethods(String(done.customer))).data).toEqual([])
  })

  it('refuses 0341 when a payment is due today, leaving the session open and nothing created', async () => {
    const session = await newSession()
    const res = await post(session.url ?? '', { ...CARD, cardNumber: '4000 0000 0000 0341' })
    expect(res.status).toBe(402)
    expect(res.html).toContain('Your card was declined.')
    const still = await suite.stripe.checkout.sessions.retrieve(session.id)
    expect(still.status).toBe('open')
    expect(still.subscription).toBeNull()
    await suite.emulator.idle()
    expect(suite.receiver.types()).not.toContain('customer.subscription.created')
  })

  it('authenticates 4000 0025 0000 3155 on the 3DS page before subscribing', async () => {
    const session = await newSession()
    const first = await post(session.url ?? '', { ...CARD, cardNumber: '4000 0025 0000 3155' })
    expect(first.location).toBe(`/c/pay/${session.id}/3ds`)
    const done = await post(new URL(first.location ?? '', suite.t.url).href, { result: 'complete' })
    expect(done.status).toBe(303)
    const after = await suite.stripe.checkout.sessions.retrieve(session.id, { expand: ['subscription'] })
    expect(after.status).toBe('complete')
    expect((after.subscription as Stripe.Subscription).status).toBe('active')
  })
})

async function charges(customer: string): Promise<string[]> {
  return (await suite.stripe.charges.list({ customer })).data.map((c) => c.id)
}
