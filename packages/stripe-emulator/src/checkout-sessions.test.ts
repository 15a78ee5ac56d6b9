import type Stripe from 'stripe'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { assertStripeShape } from './shapes.js'
import { type Receiver, startReceiver, startTestEmulator, type TestEmulator } from './testing.js'

let t: TestEmulator
let stripe: Stripe
let receiver: Receiver
let oneTime: Stripe.Price
let monthly: Stripe.Price

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
  monthly = await stripe.prices.create({
    currency: 'usd',
    unit_amount: 900,
    recurring: { interval: 'month' },
    product_data: { name: 'Membership' },
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

describe('Checkout Sessions API', () => {
  it('creates an open payment session with the literal success_url placeholder and a hosted url', async () => {
    const session = await stripe.checkout.sessions.create({
      mode: 'payment',
      line_items: [{ price: oneTime.id, quantity: 2 }],
      success_url: SUCCESS,
      cancel_url: 'http://shop.test/cancel',
      client_reference_id: 'ref-1',
      metadata: { order: 'o1' },
      customer_email: 'buyer@example.com',
    })
    assertStripeShape(session)
    expect(session.id).toMatch(/^cs_test_/)
    expect(session.status).toBe('open')
    expect(session.payment_status).toBe('unpaid')
    expect(session.success_url).toBe(SUCCESS)
    expect(session.url).toBe(`${t.url}/c/pay/${session.id}`)
    expect(session.amount_subtotal).toBe(3000)
    expect(session.amount_total).toBe(3000)
    expect(session.payment_intent).toBeNull()
    expect(session.customer).toBeNull()
    expect(session.customer_creation).toBe('if_required')
    expect(session.ui_mode).toBe('hosted_page')
    expect(session.expires_at - session.created).toBe(86_400)
    expect(session.line_items).toBeUndefined()
    expect(session.metadata).toEqual({ order: 'o1' })
    expect(session.client_reference_id).toBe('ref-1')

    const again = await stripe.checkout.sessions.retrieve(session.id, { expand: ['line_items'] })
    const items = again.line_items?.data ?? []
    expect(items).toHaveLength(1)
    assertStripeShape(items[0], 'item')
    expect(items[0]?.price?.id).toBe(oneTime.id)
    expect(items[0]?.description).toBe('Field guide')
    expect(items[0]?.amount_total).toBe(3000)

    const listed = await stripe.checkout.sessions.listLineItems(session.id)
    expect(listed.data.map((li) => li.id)).toEqual(items.map((li) => li.id))
  })

  it('creates inline prices from price_data with product_data', async () => {
    const session = await stripe.checkout.sessions.create({
      mode: 'payment',
      line_items: [
        { price_data: { currency: 'eur', unit_amount: 250, product_data: { name: 'Sticker' } }, quantity: 3 },
      ],
      success_url: SUCCESS,
    })
    const items = await stripe.checkout.sessions.listLineItems(session.id)
    expect(session.currency).toBe('eur')
    expect(session.amount_total).toBe(750)
    expect(items.data[0]?.description).toBe('Sticker')
    expect(items.data[0]?.price?.active).toBe(false)
  })

  it('accepts the legacy payment_method_types[] and ui_mode hosted', async () => {
    const params = {
      mode: 'payment',
      line_items: [{ price: oneTime.id, quantity: 1 }],
      success_url: SUCCESS,
      payment_method_types: ['card'],
      ui_mode: 'hosted',
    } as unknown as Stripe.Checkout.SessionCreateParams
    const session = await stripe.checkout.sessions.create(params)
    expect(session.payment_method_types).toEqual(['card'])
    expect(session.ui_mode).toBe('hosted_page')
  })

  it('creates a subscription session with a trial: nothing due today', async () => {
    const session = await stripe.checkout.sessions.create({
      mode: 'subscription',
      line_items: [{ price: monthly.id, quantity: 1 }],
      success_url: SUCCESS,
      subscription_data: { trial_period_days: 14, metadata: { plan: 'member' } },
      payment_method_collection: 'if_required',
    })
    assertStripeShape(session)
    expect(session.mode).toBe('subscription')
    expect(session.customer_creation).toBeNull()
    expect(session.amount_total).toBe(0)
    expect(session.payment_method_collection).toBe('if_required')
    const page = await (await fetch(session.url ?? '')).text()
    expect(page).toContain('Free for 14 days, then $9.00 / month')
  })

  it('answers bad input with Stripe errors', async () => {
    const base = { mode: 'payment' as const, success_url: SUCCESS }
    await expectStripeError(stripe.checkout.sessions.create({ ...base }), {
      status: 400,
      code: 'parameter_missing',
      param: 'line_items',
    })
    await expectStripeError(
      stripe.checkout.sessions.create({ ...base, line_items: [{ price: 'price_nope', quantity: 1 }] }),
      { status: 400, code: 'resource_missing', param: 'line_items[0][price]' },
    )
    await expectStripeError(
      stripe.checkout.sessions.create({ ...base, line_items: [{ price: monthly.id, quantity: 1 }] }),
      { status: 400, param: 'line_items' },
    )
    await expectStripeError(
      stripe.checkout.sessions.create({
        mode: 'subscription',
        success_url: SUCCESS,
        line_items: [{ price: oneTime.id, quantity: 1 }],
      }),
      { status: 400, param: 'line_items' },
    )
    await expectStripeError(
      stripe.checkout.sessions.create({
        ...base,
        line_items: [{ price: oneTime.id, quantity: 1 }],
        bogus: 1,
      } as Stripe.Checkout.SessionCreateParams),
      { status: 400, code: 'parameter_unknown', param: 'bogus' },
    )
    await expectStripeError(
      stripe.checkout.sessions.create({
        ...base,
        line_items: [{ price: oneTime.id, quantity: 1 }],
        expires_at: Math.floor(Date.now() / 1000) + 600,
      }),
      { status: 400, param: 'expires_at' },
    )
    const coupon = await stripe.coupons.create({ percent_off: 10 })
    await expectStripeError(
      stripe.checkout.sessions.create({
        ...base,
        line_items: [{ price: oneTime.id, quantity: 1 }],
        allow_promotion_codes: true,
        discounts: [{ coupon: coupon.id }],
      }),
      { status: 400, param: 'discounts' },
    )
    await expectStripeError(stripe.checkout.sessions.retrieve('cs_test_missing'), {
      status: 404,
      code: 'resource_missing',
    })
  })

  it('lists with filters and pages', async () => {
    const customer = await stripe.customers.create({ email: 'lister@example.com' })
    const mine = await stripe.checkout.sessions.create({
      mode: 'payment',
      customer: customer.id,
      line_items: [{ price: oneTime.id, quantity: 1 }],
      success_url: SUCCESS,
    })
    expect(mine.customer).toBe(customer.id)
    expect(mine.customer_details?.email).toBe('lister@example.com')
    const byCustomer = await stripe.checkout.sessions.list({ customer: customer.id })
    expect(byCustomer.data.map((s) => s.id)).toEqual([mine.id])
    const open = await stripe.checkout.sessions.list({ status: 'open', limit: 2 })
    expect(open.data).toHaveLength(2)
    expect(open.has_more).toBe(true)
    const next = await stripe.checkout.sessions.list({
      status: 'open',
      limit: 2,
      starting_after: open.data[1]?.id ?? '',
    })
    expect(next.data[0]?.id).not.toBe(open.data[0]?.id)
  })

  it('expires an open session once, with checkout.session.expired, and refuses a second expire', async () => {
    const session = await stripe.checkout.sessions.create({
      mode: 'payment',
      line_items: [{ price: oneTime.id, quantity: 1 }],
      success_url: SUCCESS,
    })
    const expired = await stripe.checkout.sessions.expire(session.id)
    expect(expired.status).toBe('expired')
    expect(expired.url).toBeNull()
    await expectStripeError(stripe.checkout.sessions.expire(session.id), { status: 400 })
    await t.emulator.idle()
    const got = receiver.received.filter(
      (r) =>
        r.event.type === 'checkout.session.expired' &&
        (r.event.data.object as { id: string }).id === session.id,
    )
    expect(got).toHaveLength(1)
    const page = await fetch(session.url ?? '')
    expect(page.status).toBe(410)
    expect(await page.text()).toContain('expired')
  })

  it('expires on emulator time after 24 h (and not before)', async () => {
    const session = await stripe.checkout.sessions.create({
      mode: 'payment',
      line_items: [{ price: oneTime.id, quantity: 1 }],
      success_url: SUCCESS,
    })
    await t.emulator.clock.advance(86_400 - 120)
    expect((await stripe.checkout.sessions.retrieve(session.id)).status).toBe('open')
    await t.emulator.clock.advance(240)
    const after = await stripe.checkout.sessions.retrieve(session.id)
    expect(after.status).toBe('expired')
    expect(after.url).toBeNull()
    const events = await stripe.events.list({ type: 'checkout.session.expired', limit: 100 })
    expect(events.data.filter((e) => (e.data.object as { id: string }).id === session.id)).toHaveLength(1)
  })
})
