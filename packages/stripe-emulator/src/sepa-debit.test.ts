import type Stripe from 'stripe'
import { beforeAll, describe, expect, it } from 'vitest'
import { FAILING_TEST_IBAN, isValidIban, SUCCEEDING_TEST_IBAN } from './resources/sepa-debit.js'
import { assertStripeShape } from './shapes.js'
import { useEmulatorSuite } from './test-suite.js'
import { postPageForm } from './testing.js'

const SETTLE_SECONDS = 120

const suite = useEmulatorSuite({ asyncPaymentSeconds: SETTLE_SECONDS })
let eurPrice: Stripe.Price
let usdPrice: Stripe.Price

beforeAll(async () => {
  eurPrice = await suite.stripe.prices.create({
    currency: 'eur',
    unit_amount: 1900,
    product_data: { name: 'Atlas (PDF)' },
  })
  usdPrice = await suite.stripe.prices.create({
    currency: 'usd',
    unit_amount: 900,
    product_data: { name: 'Zine' },
  })
})

function newSession(price: Stripe.Price): Promise<Stripe.Checkout.Session> {
  return suite.stripe.checkout.sessions.create({
    mode: 'payment',
    line_items: [{ price: price.id, quantity: 1 }],
    success_url: 'http://shop.test/ok?session_id={CHECKOUT_SESSION_ID}',
  })
}

function paySepa(session: Stripe.Checkout.Session, iban: string, ibanName = 'Ada Lovelace') {
  return postPageForm(session.url ?? '', {
    email: 'ada@example.com',
    paymentMethodType: 'sepa_debit',
    iban,
    ibanName,
  })
}

async function settle(): Promise<void> {
  await suite.emulator.clock.advance(SETTLE_SECONDS)
  await suite.emulator.idle()
}

describe('IBAN check', () => {
  it("accepts Stripe's test IBANs and refuses a mistyped one", () => {
    expect(isValidIban(SUCCEEDING_TEST_IBAN)).toBe(true)
    expect(isValidIban(FAILING_TEST_IBAN)).toBe(true)
    expect(isValidIban('de89 3704 0044 0532 0130 00')).toBe(true)
    expect(isValidIban('AT611904300234573202')).toBe(false)
    expect(isValidIban('AT61')).toBe(false)
  })
})

describe('SEPA Direct Debit on the hosted Checkout page', () => {
  it('is offered for a one-time EUR payment and not for USD', async () => {
    const eur = await newSession(eurPrice)
    expect(eur.payment_method_types).toEqual(['card', 'sepa_debit'])
    const eurHtml = await (await fetch(eur.url ?? '')).text()
    expect(eurHtml).toContain('name="iban"')
    expect(eurHtml).toContain('value="sepa_debit"')
    const usd = await newSession(usdPrice)
    expect(usd.payment_method_types).toEqual(['card'])
    expect(await (await fetch(usd.url ?? '')).text()).not.toContain('name="iban"')
    // Choosing SEPA on a session that does not offer it falls back to the card form's checks.
    const res = await paySepa(usd, SUCCEEDING_TEST_IBAN)
    expect(res.status).toBe(400)
    expect(res.html).toContain('Your card number is incomplete.')
  })

  it('completes the session unpaid while processing, then paid with async_payment_succeeded', async () => {
    const session = await newSession(eurPrice)
    const res = await paySepa(session, 'AT61 1904 3002 3457 3201')
    expect(res.status).toBe(303)
    expect(res.location).toBe(`http://shop.test/ok?session_id=${session.id}`)
    await suite.emulator.idle()

    const completed = await suite.stripe.checkout.sessions.retrieve(session.id, {
      expand: ['payment_intent'],
    })
    assertStripeShape(completed)
    expect(completed.status).toBe('complete')
    expect(completed.payment_status).toBe('unpaid')
    const pi = completed.payment_intent as Stripe.PaymentIntent
    expect(pi.status).toBe('processing')
    expect(pi.payment_method_types).toEqual(['card', 'sepa_debit'])
    const pending = await suite.stripe.charges.retrieve(String(pi.latest_charge))
    assertStripeShape(pending)
    expect(pending.status).toBe('pending')
    expect(pending.paid).toBe(false)
    expect(pending.payment_method_details?.type).toBe('sepa_debit')
    expect(pending.payment_method_details?.sepa_debit?.last4).toBe('3201')
    const pm = await suite.stripe.paymentMethods.retrieve(String(pi.payment_method))
    assertStripeShape(pm)
    expect(pm.type).toBe('sepa_debit')
    expect(pm.billing_details).toMatchObject({ name: 'Ada Lovelace', email: 'ada@example.com' })
    expect(suite.receiver.types()).toEqual([
      'payment_intent.created',
      'charge.pending',
      'payment_intent.processing',
      'checkout.session.completed',
    ])
    const completedEvent = suite.receiver.received.at(-1)?.event.data.object as Stripe.Checkout.Session
    expect(completedEvent.payment_status).toBe('unpaid')

    // Nothing happens before the bank answers.
    await suite.emulator.clock.advance(SETTLE_SECONDS - 5)
    await suite.emulator.idle()
    expect(suite.receiver.received).toHaveLength(4)

    await suite.emulator.clock.advance(5)
    await suite.emulator.idle()
    expect(suite.receiver.types().slice(4)).toEqual([
      'charge.succeeded',
      'payment_intent.succeeded',
      'checkout.session.async_payment_succeeded',
    ])
    for (const r of suite.receiver.received) assertStripeShape(r.event)
    const paid = await suite.stripe.checkout.sessions.retrieve(session.id, { expand: ['payment_intent'] })
    expect(paid.payment_status).toBe('paid')
    expect((paid.payment_intent as Stripe.PaymentIntent).status).toBe('succeeded')
    expect((paid.payment_intent as Stripe.PaymentIntent).amount_received).toBe(1900)
    const charge = await suite.stripe.charges.retrieve(String(pi.latest_charge))
    expect(charge).toMatchObject({ status: 'succeeded', paid: true })
  })

  it('fails the debit of the failing test IBAN with async_payment_failed', async () => {
    const session = await newSession(eurPrice)
    expect((await paySepa(session, FAILING_TEST_IBAN)).status).toBe(303)
    await settle()
    expect(suite.receiver.types()).toEqual([
      'payment_intent.created',
      'charge.pending',
      'payment_intent.processing',
      'checkout.session.completed',
      'charge.failed',
      'payment_intent.payment_failed',
      'checkout.session.async_payment_failed',
    ])
    const failed = await suite.stripe.checkout.sessions.retrieve(session.id, { expand: ['payment_intent'] })
    expect(failed.status).toBe('complete')
    expect(failed.payment_status).toBe('unpaid')
    const pi = failed.payment_intent as Stripe.PaymentIntent
    assertStripeShape(pi)
    expect(pi.status).toBe('requires_payment_method')
    expect(pi.last_payment_error?.code).toBe('insufficient_funds')
    const charge = await suite.stripe.charges.retrieve(String(pi.latest_charge))
    expect(charge).toMatchObject({ status: 'failed', paid: false, failure_code: 'insufficient_funds' })
  })

  it('shows an error for a bad IBAN or a missing name and creates nothing', async () => {
    const session = await newSession(eurPrice)
    const bad = await paySepa(session, 'AT611904300234573202')
    expect(bad.status).toBe(400)
    expect(bad.html).toContain('Your IBAN is invalid.')
    const noName = await paySepa(session, SUCCEEDING_TEST_IBAN, '')
    expect(noName.status).toBe(400)
    expect(noName.html).toContain('Enter the account holder&#39;s name.')
    await suite.emulator.idle()
    expect(suite.receiver.received).toEqual([])
    expect((await suite.stripe.checkout.sessions.retrieve(session.id)).status).toBe('open')
  })
})

describe('SEPA Direct Debit through the API', () => {
  it('creates the PaymentMethod and confirms a EUR PaymentIntent into processing, then succeeded', async () => {
    const pm = await suite.stripe.paymentMethods.create({
      type: 'sepa_debit',
      sepa_debit: { iban: SUCCEEDING_TEST_IBAN },
      billing_details: { name: 'Ada Lovelace', email: 'ada@example.com' },
    })
    expect(pm.sepa_debit).toMatchObject({ country: 'AT', last4: '3201' })
    const pi = await suite.stripe.paymentIntents.create({
      amount: 2500,
      currency: 'eur',
      payment_method: pm.id,
      confirm: true,
    })
    expect(pi.status).toBe('processing')
    await settle()
    expect((await suite.stripe.paymentIntents.retrieve(pi.id)).status).toBe('succeeded')
  })

  it("answers bad input with Stripe's errors", async () => {
    await expect(
      suite.stripe.paymentMethods.create({
        type: 'sepa_debit',
        sepa_debit: { iban: 'AT611904300234573202' },
        billing_details: { name: 'A', email: 'a@example.com' },
      }),
    ).rejects.toMatchObject({ statusCode: 400, code: 'invalid_iban', param: 'sepa_debit[iban]' })
    await expect(
      suite.stripe.paymentMethods.create({ type: 'sepa_debit', sepa_debit: { iban: SUCCEEDING_TEST_IBAN } }),
    ).rejects.toMatchObject({ statusCode: 400, code: 'parameter_missing', param: 'billing_details[name]' })
    const pm = await suite.stripe.paymentMethods.create({
      type: 'sepa_debit',
      sepa_debit: { iban: SUCCEEDING_TEST_IBAN },
      billing_details: { name: 'Ada Lovelace', email: 'ada@example.com' },
    })
    await expect(
      suite.stripe.paymentIntents.create({
        amount: 2500,
        currency: 'usd',
        payment_method: pm.id,
        confirm: true,
      }),
    ).rejects.toMatchObject({ statusCode: 400, param: 'currency' })
  })
})

describe("mandates and Stripe's delayed test IBANs", () => {
  async function sepaMethod(iban: string): Promise<Stripe.PaymentMethod> {
    return suite.stripe.paymentMethods.create({
      type: 'sepa_debit',
      sepa_debit: { iban },
      billing_details: { name: 'Ada Lovelace', email: 'ada@example.com' },
    })
  }
  const online = {
    customer_acceptance: {
      type: 'online' as const,
      online: { ip_address: '203.0.113.7', user_agent: 'Mozilla/5.0 (shop test)' },
    },
  }

  it('mandate_data with an online acceptance makes a multi_use Mandate when the method is saved', async () => {
    const customer = await suite.stripe.customers.create({})
    const pm = await sepaMethod(SUCCEEDING_TEST_IBAN)
    const pi = await suite.stripe.paymentIntents.create({
      amount: 1200,
      currency: 'eur',
      customer: customer.id,
      payment_method: pm.id,
      setup_future_usage: 'off_session',
      confirm: true,
      mandate_data: online,
    })
    const charge = await suite.stripe.charges.retrieve(String(pi.latest_charge))
    const { lastResponse: _, ...mandate } = await suite.stripe.mandates.retrieve(
      String(charge.payment_method_details?.sepa_debit?.mandate),
    )
    assertStripeShape(mandate)
    expect(mandate).toMatchObject({
      type: 'multi_use',
      multi_use: {},
      payment_method: pm.id,
      customer_acceptance: { type: 'online', online: online.customer_acceptance.online },
    })
    expect(mandate.customer_acceptance.accepted_at).toEqual(expect.any(Number))
    expect(mandate.single_use).toBeUndefined()
    // A later confirmation without mandate_data names no mandate.
    const plain = await suite.stripe.paymentIntents.create({
      amount: 500,
      currency: 'eur',
      payment_method: (await sepaMethod(SUCCEEDING_TEST_IBAN)).id,
      confirm: true,
    })
    const plainCharge = await suite.stripe.charges.retrieve(String(plain.latest_charge))
    expect(plainCharge.payment_method_details?.sepa_debit?.mandate).toBeNull()
    await settle()
  })

  it('refuses mandate_data Stripe would refuse, and with a card (not modelled), before anything changes', async () => {
    const pm = await sepaMethod(SUCCEEDING_TEST_IBAN)
    const base = { amount: 1200, currency: 'eur', payment_method: pm.id }
    await expect(suite.stripe.paymentIntents.create({ ...base, mandate_data: online })).rejects.toMatchObject(
      { statusCode: 400, param: 'mandate_data' },
    )
    await expect(
      suite.stripe.paymentIntents.create({
        ...base,
        confirm: true,
        mandate_data: { customer_acceptance: { type: 'online' } },
      }),
    ).rejects.toMatchObject({
      statusCode: 400,
      code: 'parameter_missing',
      param: 'mandate_data[customer_acceptance][online]',
    })
    await expect(
      suite.stripe.paymentIntents.create({
        ...base,
        confirm: true,
        mandate_data: {
          customer_acceptance: { type: 'online', online: { ip_address: '203.0.113.7' } } as never,
        },
      }),
    ).rejects.toMatchObject({
      statusCode: 400,
      code: 'parameter_missing',
      param: 'mandate_data[customer_acceptance][online][user_agent]',
    })
    await expect(
      suite.stripe.paymentIntents.create({
        ...base,
        confirm: true,
        mandate_data: { customer_acceptance: { type: 'sideways' } as never },
      }),
    ).rejects.toMatchObject({ statusCode: 400, param: 'mandate_data[customer_acceptance][type]' })
    await expect(
      suite.stripe.paymentIntents.create({
        amount: 1200,
        currency: 'eur',
        payment_method: 'pm_card_visa',
        confirm: true,
        mandate_data: online,
      }),
    ).rejects.toMatchObject({ statusCode: 400, code: 'parameter_unsupported', param: 'mandate_data' })
    await expect(
      suite.stripe.paymentIntents.create({ ...base, currency: 'usd', confirm: true, mandate_data: online }),
    ).rejects.toMatchObject({ statusCode: 400, param: 'currency' })
    await suite.emulator.idle()
    expect(suite.receiver.types().filter((t) => t.startsWith('charge.'))).toEqual([])
    await expect(suite.stripe.mandates.retrieve('mandate_missing')).rejects.toMatchObject({
      statusCode: 404,
      code: 'resource_missing',
    })
  })

  it('the delayed IBANs answer after at least three minutes: AT32…204 succeeds, AT05…205 fails', async () => {
    const succeeds = await sepaMethod('AT321904300235473204')
    const fails = await sepaMethod('AT051904300235473205')
    expect(isValidIban('DE08370400440532013003') && isValidIban('DE78370400440532013004')).toBe(true)
    const confirm = (pm: Stripe.PaymentMethod) =>
      suite.stripe.paymentIntents.create({
        amount: 700,
        currency: 'eur',
        payment_method: pm.id,
        confirm: true,
      })
    const [ok, ko] = [await confirm(succeeds), await confirm(fails)]
    await settle() // asyncPaymentSeconds (120 here): the prompt IBANs would have answered
    expect((await suite.stripe.paymentIntents.retrieve(ok.id)).status).toBe('processing')
    expect((await suite.stripe.paymentIntents.retrieve(ko.id)).status).toBe('processing')
    await suite.emulator.clock.advance(60)
    await suite.emulator.idle()
    expect((await suite.stripe.paymentIntents.retrieve(ok.id)).status).toBe('succeeded')
    expect((await suite.stripe.paymentIntents.retrieve(ko.id)).status).toBe('requires_payment_method')
  })
})
