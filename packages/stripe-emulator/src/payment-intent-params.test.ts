import type Stripe from 'stripe'
import { describe, expect, it } from 'vitest'
import { useEmulatorSuite } from './test-suite.js'

const suite = useEmulatorSuite()

async function types(): Promise<string[]> {
  await suite.emulator.idle()
  return suite.receiver.received.map((r) => r.event.type)
}

describe('PaymentIntent parameters are honoured or refused, never dropped', () => {
  it('create sets statement descriptors, transfer group, shipping and automatic payment methods', async () => {
    const pi = await suite.stripe.paymentIntents.create({
      amount: 1500,
      currency: 'usd',
      statement_descriptor_suffix: 'ORDER 42',
      transfer_group: 'order_42',
      shipping: { name: 'Ada', address: { line1: '1 Main St', country: 'GB' } },
      automatic_payment_methods: { enabled: true, allow_redirects: 'never' },
    })
    expect(pi).toMatchObject({
      statement_descriptor_suffix: 'ORDER 42',
      transfer_group: 'order_42',
      shipping: { name: 'Ada', address: { line1: '1 Main St', country: 'GB', city: null } },
      automatic_payment_methods: { enabled: true, allow_redirects: 'never' },
    })
    for (const [params, param] of [
      [{ excluded_payment_method_types: ['card'] }, 'excluded_payment_method_types'],
      [{ payment_method_configuration: 'pmc_123' }, 'payment_method_configuration'],
    ] as const)
      await expect(
        suite.stripe.paymentIntents.create({
          amount: 100,
          currency: 'usd',
          ...params,
        } as Stripe.PaymentIntentCreateParams),
      ).rejects.toMatchObject({ statusCode: 400, code: 'parameter_unsupported', param })
    await expect(
      suite.stripe.paymentIntents.create({
        amount: 100,
        currency: 'usd',
        return_url: 'https://shop.test/back',
      }),
    ).rejects.toMatchObject({ statusCode: 400, param: 'return_url' })
  })

  it('update changes amount, currency, customer and payment method before success, and sends no event', async () => {
    const customer = await suite.stripe.customers.create({})
    const pi = await suite.stripe.paymentIntents.create({ amount: 1000, currency: 'usd' })
    await suite.emulator.idle()
    suite.receiver.received.length = 0
    const updated = await suite.stripe.paymentIntents.update(pi.id, {
      amount: 2500,
      currency: 'eur',
      customer: customer.id,
      payment_method: 'pm_card_visa',
      statement_descriptor: 'TOLLGATE SHOP',
    })
    expect(updated).toMatchObject({
      amount: 2500,
      currency: 'eur',
      customer: customer.id,
      status: 'requires_confirmation',
      statement_descriptor: 'TOLLGATE SHOP',
    })
    expect(await types()).toEqual([])
    const paid = await suite.stripe.paymentIntents.confirm(pi.id)
    expect(paid).toMatchObject({ status: 'succeeded', amount_received: 2500 })
    await expect(suite.stripe.paymentIntents.update(pi.id, { amount: 10 })).rejects.toMatchObject({
      statusCode: 400,
      code: 'payment_intent_unexpected_state',
    })
    // Metadata and description stay editable after success.
    const later = await suite.stripe.paymentIntents.update(pi.id, { metadata: { order: '42' } })
    expect(later.metadata).toEqual({ order: '42' })
  })

  it('a 3DS card: return_url makes the step a redirect that comes back; error_on_requires_action fails it instead', async () => {
    const redirected = await suite.stripe.paymentIntents.create({
      amount: 1000,
      currency: 'usd',
      payment_method: 'pm_card_threeDSecure2Required',
      confirm: true,
      return_url: 'https://shop.test/back',
    })
    expect(redirected.status).toBe('requires_action')
    expect(redirected.next_action).toMatchObject({
      type: 'redirect_to_url',
      redirect_to_url: { return_url: 'https://shop.test/back' },
    })
    const challenge = String(redirected.next_action?.redirect_to_url?.url)
    const done = await fetch(challenge, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'result=complete',
    })
    expect(done.status).toBe(303)
    expect(done.headers.get('location')).toMatch(/^https:\/\/shop\.test\/back\?payment_intent=/)
    expect((await suite.stripe.paymentIntents.retrieve(redirected.id)).status).toBe('succeeded')

    // confirmation_method=manual: after the challenge it waits for the server to confirm again.
    const manual = await suite.stripe.paymentIntents.create({
      amount: 1000,
      currency: 'usd',
      payment_method: 'pm_card_threeDSecure2Required',
      confirmation_method: 'manual',
      confirm: true,
    })
    expect(manual).toMatchObject({ status: 'requires_action', confirmation_method: 'manual' })
    await fetch(String(manual.next_action?.use_stripe_sdk?.stripe_js), {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'result=complete',
    })
    expect((await suite.stripe.paymentIntents.retrieve(manual.id)).status).toBe('requires_confirmation')
    expect((await suite.stripe.paymentIntents.confirm(manual.id)).status).toBe('succeeded')

    const strict = await suite.stripe.paymentIntents
      .create({
        amount: 1000,
        currency: 'usd',
        payment_method: 'pm_card_threeDSecure2Required',
        confirm: true,
        error_on_requires_action: true,
      })
      .catch((e: unknown) => e)
    expect(strict).toMatchObject({ statusCode: 402, code: 'authentication_required' })
    const failed = (strict as { raw: { payment_intent: Stripe.PaymentIntent } }).raw.payment_intent
    expect(failed).toMatchObject({ status: 'requires_payment_method', next_action: null })
  })

  it('elsewhere too: capture takes metadata and descriptors; values the emulator does not model are refused by name', async () => {
    const held = await suite.stripe.paymentIntents.create({
      amount: 1000,
      currency: 'usd',
      payment_method: 'pm_card_visa',
      capture_method: 'manual',
      confirm: true,
    })
    await expect(
      suite.stripe.paymentIntents.capture(held.id, { final_capture: false }),
    ).rejects.toMatchObject({ statusCode: 400, code: 'parameter_unsupported', param: 'final_capture' })
    const captured = await suite.stripe.paymentIntents.capture(held.id, {
      metadata: { shipped: 'yes' },
      statement_descriptor_suffix: 'SHIPPED',
    })
    expect(captured).toMatchObject({
      status: 'succeeded',
      metadata: { shipped: 'yes' },
      statement_descriptor_suffix: 'SHIPPED',
    })
    const refused = async (call: Promise<unknown>, param: string) =>
      expect(call).rejects.toMatchObject({ statusCode: 400, code: 'parameter_unsupported', param })
    await refused(
      suite.stripe.refunds.create({ payment_intent: held.id, origin: 'customer_balance' }),
      'origin',
    )
    await refused(
      suite.stripe.refunds.create({ payment_intent: held.id, reverse_transfer: true }),
      'reverse_transfer',
    )
    const customer = await suite.stripe.customers.create({})
    await refused(
      suite.stripe.customers.createSource(customer.id, { source: 'tok_visa', validate: false }),
      'validate',
    )
    await refused(
      suite.stripe.setupIntents.create({
        customer: customer.id,
        payment_method: 'pm_card_visa',
        confirm: true,
        mandate_data: { customer_acceptance: { type: 'offline' } },
      }),
      'mandate_data',
    )
    await suite.stripe.invoiceItems.create({ customer: customer.id, amount: 500, currency: 'usd' })
    const invoice = await suite.stripe.invoices.create({
      customer: customer.id,
      pending_invoice_items_behavior: 'include',
    })
    await suite.stripe.invoices.finalizeInvoice(invoice.id)
    await refused(suite.stripe.invoices.pay(invoice.id, { paid_out_of_band: true }), 'paid_out_of_band')
    const si = await suite.stripe.setupIntents.create({ automatic_payment_methods: { enabled: true } })
    expect(si.automatic_payment_methods).toEqual({ allow_redirects: 'always', enabled: true })
  })

  it('Checkout payment_intent_data: descriptors, transfer group and shipping reach the PaymentIntent; Connect fields are refused', async () => {
    const price = await suite.stripe.prices.create({
      currency: 'usd',
      unit_amount: 1200,
      product_data: { name: 'Ebook' },
    })
    const session = await suite.stripe.checkout.sessions.create({
      mode: 'payment',
      line_items: [{ price: price.id, quantity: 1 }],
      success_url: 'https://shop.test/ok',
      payment_intent_data: { statement_descriptor_suffix: 'EBOOK', transfer_group: 'order_7' },
    })
    const res = await fetch(String(session.url), {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        email: 'buyer@example.com',
        cardNumber: '4242 4242 4242 4242',
        cardExpiry: '12 / 40',
        cardCvc: '123',
        cardName: 'Buyer',
      }).toString(),
    })
    expect(res.status).toBe(303)
    const paid = await suite.stripe.checkout.sessions.retrieve(session.id, { expand: ['payment_intent'] })
    expect(paid.payment_intent).toMatchObject({
      status: 'succeeded',
      statement_descriptor_suffix: 'EBOOK',
      transfer_group: 'order_7',
    })
    await expect(
      suite.stripe.checkout.sessions.create({
        mode: 'payment',
        line_items: [{ price: price.id, quantity: 1 }],
        success_url: 'https://shop.test/ok',
        payment_intent_data: { application_fee_amount: 100 },
      }),
    ).rejects.toMatchObject({
      code: 'parameter_unsupported',
      param: 'payment_intent_data[application_fee_amount]',
    })
  })
})
