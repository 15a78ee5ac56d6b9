import type Stripe from 'stripe'
import { beforeAll, describe, expect, it } from 'vitest'
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

function eventsFor(ids: string[]): string[] {
  return suite.receiver.received
    .filter((r) => {
      const o = r.event.data.object as { id?: string; payment_intent?: string; customer?: string }
      return ids.includes(o.id ?? '') || ids.includes(o.payment_intent ?? '')
    })
    .map((r) => r.event.type)
}

beforeAll(async () => {
  price = await suite.stripe.prices.create({
    currency: 'usd',
    unit_amount: 1500,
    product_data: { name: 'Field guide' },
  })
})

describe('hosted Checkout page: 3DS, promotion codes, expiry', () => {
  it('runs the 3DS page for 4000 0025 0000 3155: Complete pays, Fail leaves the session open', async () => {
    const failing = await newSession()
    const first = await post(failing.url ?? '', { ...CARD, cardNumber: '4000 0025 0000 3155' })
    expect(first.status).toBe(303)
    expect(first.location).toBe(`/c/pay/${failing.id}/3ds`)
    const challenge = await (await fetch(new URL(first.location ?? '', suite.t.url))).text()
    expect(challenge).toContain('Complete')
    expect(challenge).toContain('Fail')
    const failed = await fetch(new URL(first.location ?? '', suite.t.url), {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'result=fail',
    })
    expect(failed.status).toBe(402)
    expect(await failed.text()).toContain('unable to authenticate')
    const open = await suite.stripe.checkout.sessions.retrieve(failing.id, { expand: ['payment_intent'] })
    expect(open.status).toBe('open')
    expect((open.payment_intent as Stripe.PaymentIntent).last_payment_error?.code).toBe(
      'payment_intent_authentication_failure',
    )

    const passing = await newSession()
    const again = await post(passing.url ?? '', { ...CARD, cardNumber: '4000002500003155' })
    expect(again.location).toBe(`/c/pay/${passing.id}/3ds`)
    const completed = await fetch(new URL(again.location ?? '', suite.t.url), {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'result=complete',
    })
    expect(completed.status).toBe(303)
    expect(completed.headers.get('location')).toBe(`http://shop.test/ok?session_id=${passing.id}`)
    const done = await suite.stripe.checkout.sessions.retrieve(passing.id, { expand: ['payment_intent'] })
    expect(done.status).toBe('complete')
    await suite.emulator.idle()
    const pi = done.payment_intent as Stripe.PaymentIntent
    expect(eventsFor([pi.id, passing.id])).toEqual([
      'payment_intent.created',
      'payment_intent.requires_action',
      'charge.succeeded',
      'payment_intent.succeeded',
      'checkout.session.completed',
    ])
  })

  it('applies a promotion code on the page, rejects unknown and inactive codes, and charges the discounted total', async () => {
    const coupon = await suite.stripe.coupons.create({ percent_off: 50, duration: 'once' })
    await suite.stripe.promotionCodes.create({
      promotion: { type: 'coupon', coupon: coupon.id },
      code: 'HALF',
    })
    const off = await suite.stripe.promotionCodes.create({
      promotion: { type: 'coupon', coupon: coupon.id },
      code: 'OLD',
    })
    await suite.stripe.promotionCodes.update(off.id, { active: false })
    const session = await newSession({ allow_promotion_codes: true })

    const unknown = await post(session.url ?? '', { promotionCode: 'NOPE' })
    expect(unknown.status).toBe(400)
    expect(unknown.html).toContain('This code is invalid.')
    const inactive = await post(session.url ?? '', { promotionCode: 'OLD' })
    expect(inactive.status).toBe(400)
    expect(inactive.html).toContain('not active')

    const applied = await post(session.url ?? '', { promotionCode: 'half' })
    expect(applied.status).toBe(200)
    expect(applied.html).toContain('Promotion code applied.')
    expect(applied.html).toContain('Discount (HALF)')
    expect(applied.html).toContain('$15.00')

    const paid = await post(session.url ?? '', { ...CARD, promotionCode: 'HALF' })
    expect(paid.status).toBe(303)
    const done = await suite.stripe.checkout.sessions.retrieve(session.id, { expand: ['payment_intent'] })
    expect(done.amount_total).toBe(1500)
    expect(done.total_details?.amount_discount).toBe(1500)
    expect((done.payment_intent as Stripe.PaymentIntent).amount).toBe(1500)
    expect((await suite.stripe.coupons.retrieve(coupon.id)).times_redeemed).toBe(1)
  })

  it('refuses a promotion code when the session does not allow codes', async () => {
    const session = await newSession()
    const res = await post(session.url ?? '', { ...CARD, promotionCode: 'HALF' })
    expect(res.status).toBe(400)
    expect((await suite.stripe.checkout.sessions.retrieve(session.id)).status).toBe('open')
  })

  it('expires after 24 h of emulator time with checkout.session.expired, and the page says so', async () => {
    const session = await newSession()
    await suite.emulator.clock.advance(86_400 + 60)
    const expired = await suite.stripe.checkout.sessions.retrieve(session.id)
    expect(expired.status).toBe('expired')
    expect(suite.receiver.types()).toContain('checkout.session.expired')
    const res = await post(session.url ?? '', CARD)
    expect(res.status).toBe(410)
    expect((await suite.stripe.checkout.sessions.retrieve(session.id)).status).toBe('expired')
  })
})
