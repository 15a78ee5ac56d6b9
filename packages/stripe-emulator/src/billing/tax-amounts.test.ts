import type Stripe from 'stripe'
import { beforeAll, describe, expect, it } from 'vitest'
import { assertStripeShape } from '../shapes.js'
import { useEmulatorSuite } from '../test-suite.js'
import { taxShares } from './tax.js'
import { customerWithCard, monthlyPrice, periodOf } from './test-helpers.js'

const suite = useEmulatorSuite()
let salesTax: Stripe.TaxRate // 8.25 % exclusive
let vat: Stripe.TaxRate // 20 % inclusive

const strip = <T extends object>(o: T): T => {
  const { lastResponse: _l, ...rest } = o as T & { lastResponse?: unknown }
  return rest as T
}

beforeAll(async () => {
  salesTax = await suite.stripe.taxRates.create({
    display_name: 'Sales tax',
    percentage: 8.25,
    inclusive: false,
  })
  vat = await suite.stripe.taxRates.create({ display_name: 'VAT', percentage: 20, inclusive: true })
})

describe('tax arithmetic per line', () => {
  it('adds exclusive tax and carves inclusive tax out, rounding half away from zero', () => {
    const rate = (percentage: number, inclusive: boolean) =>
      ({ id: 'txr_x', percentage, inclusive }) as Stripe.TaxRate
    expect(taxShares(1999, [rate(8.25, false)]).map((s) => [s.amount, s.taxable])).toEqual([[165, 1999]])
    expect(taxShares(1200, [rate(20, true)]).map((s) => [s.amount, s.taxable])).toEqual([[200, 1000]])
    expect(taxShares(10, [rate(5, false)])[0]!.amount).toBe(1) // 0.5 rounds up
    expect(taxShares(-10, [rate(5, false)])[0]!.amount).toBe(-1) // credits round away from zero too
    // Exclusive tax is charged on the amount net of inclusive tax.
    expect(taxShares(1200, [rate(20, true), rate(10, false)]).map((s) => s.amount)).toEqual([200, 100])
  })
})

describe('tax rates applied to invoices', () => {
  it('rounds each line’s tax to the nearest cent, then sums them: Stripe’s worked example ($0.43 and $4.84 at 15%)', async () => {
    // support.stripe.com/questions/rounding-rules-for-stripe-fees: $0.0645 → $0.06, $0.7265 → $0.73,
    // total tax $0.79, subtotal $5.27, total $6.06 (rounding the sum instead would give $0.79 too,
    // but $0.0645 + $0.7265 rounded per line is what the table shows).
    const fifteen = await suite.stripe.taxRates.create({
      display_name: 'GST',
      percentage: 15,
      inclusive: false,
    })
    const { customer } = await customerWithCard(suite.stripe)
    const draft = await suite.stripe.invoices.create({ customer: customer.id })
    for (const amount of [43, 484])
      await suite.stripe.invoiceItems.create({
        customer: customer.id,
        invoice: draft.id,
        amount,
        currency: 'usd',
        tax_rates: [fifteen.id],
      })
    const taxed = await suite.stripe.invoices.retrieve(draft.id)
    expect(taxed.lines.data.map((l) => l.taxes?.[0]?.amount).sort((a, b) => (a ?? 0) - (b ?? 0))).toEqual([
      6, 73,
    ])
    expect(taxed).toMatchObject({ subtotal: 527, total: 606 })
    expect(taxed.total_taxes?.map((t) => t.amount)).toEqual([79])
  })

  it('invoice items: per-line taxes, total_taxes, totals, and the charge of the finalized invoice', async () => {
    const { customer } = await customerWithCard(suite.stripe)
    const draft = await suite.stripe.invoices.create({ customer: customer.id })
    await suite.stripe.invoiceItems.create({
      customer: customer.id,
      invoice: draft.id,
      amount: 1999,
      currency: 'usd',
      tax_rates: [salesTax.id],
    })
    const vatItem = await suite.stripe.invoiceItems.create({
      customer: customer.id,
      invoice: draft.id,
      amount: 1200,
      currency: 'usd',
      tax_rates: [vat.id],
    })
    expect(vatItem.tax_rates?.map((r) => r.id)).toEqual([vat.id])
    const taxed = await suite.stripe.invoices.retrieve(draft.id)
    assertStripeShape(strip(taxed))
    expect(taxed).toMatchObject({
      subtotal: 3199,
      subtotal_excluding_tax: 2999,
      total: 3364,
      total_excluding_tax: 2999,
      amount_due: 3364,
    })
    expect(taxed.total_taxes).toEqual([
      expect.objectContaining({ amount: 165, tax_behavior: 'exclusive', taxable_amount: 1999 }),
      expect.objectContaining({ amount: 200, tax_behavior: 'inclusive', taxable_amount: 1000 }),
    ])
    expect(
      taxed.lines.data.map((l) => l.taxes?.map((t) => [t.amount, t.tax_rate_details?.tax_rate])),
    ).toEqual([[[165, salesTax.id]], [[200, vat.id]]])

    await suite.stripe.invoiceItems.update(vatItem.id, { tax_rates: '' as unknown as string[] })
    expect(await suite.stripe.invoices.retrieve(draft.id)).toMatchObject({
      total: 3364 - 0,
      total_excluding_tax: 3199,
    })

    const paid = await suite.stripe.invoices.pay(draft.id)
    expect(paid).toMatchObject({ status: 'paid', amount_paid: 3364 })
    const charges = await suite.stripe.charges.list({ customer: customer.id })
    expect(charges.data[0]?.amount).toBe(3364)
  })

  it('subscriptions: item rates, default_tax_rates, a coupon taxed after discount, renewals and previews', async () => {
    const clock = await suite.stripe.testHelpers.testClocks.create({
      frozen_time: suite.emulator.clock.now(),
    })
    const { customer } = await customerWithCard(suite.stripe, 'pm_card_visa', clock.id)
    const base = await monthlyPrice(suite.stripe, 1000)
    const addon = await monthlyPrice(suite.stripe, 600)
    const coupon = await suite.stripe.coupons.create({ percent_off: 25, duration: 'once' })
    const sub = await suite.stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: base.id, tax_rates: [salesTax.id] }, { price: addon.id }],
      default_tax_rates: [vat.id],
      discounts: [{ coupon: coupon.id }],
      expand: ['latest_invoice'],
    })
    expect(sub.default_tax_rates?.map((r) => r.id)).toEqual([vat.id])
    expect(sub.items.data.map((i) => i.tax_rates?.map((r) => r.id))).toEqual([[salesTax.id], []])
    const first = sub.latest_invoice as Stripe.Invoice
    // 1600 less 25 % = 1200 spread 750 / 450; 8.25 % of 750 = 61.875 → 62; 450 carries 75 inclusive VAT.
    expect(first).toMatchObject({ subtotal: 1600, total: 1262, amount_paid: 1262, status: 'paid' })
    expect(first.total_taxes?.map((t) => [t.amount, t.taxable_amount])).toEqual([
      [62, 750],
      [75, 375],
    ])

    const preview = await suite.stripe.invoices.createPreview({ subscription: sub.id })
    // No coupon any more: 1000 + 83 (82.5 rounds up) + 600 with 100 VAT inside.
    expect(preview).toMatchObject({ subtotal: 1600, total: 1683, total_excluding_tax: 1500 })

    await suite.stripe.subscriptionItems.update(sub.items.data[0]!.id, {
      tax_rates: '' as unknown as string[],
      proration_behavior: 'none',
    })
    const end = periodOf(sub).end
    await suite.stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: end + 2 * 3600 })
    const renewal = (await suite.stripe.invoices.list({ subscription: sub.id, limit: 1 })).data[0]!
    // Both items now take the subscription's inclusive VAT: 1600 with 267 inside.
    expect(renewal).toMatchObject({
      subtotal: 1600,
      total: 1600,
      subtotal_excluding_tax: 1333,
      amount_paid: 1600,
    })
    assertStripeShape(strip(renewal))
  })

  it('Checkout: line item rates and subscription_data[default_tax_rates] in the session and what is charged', async () => {
    const oneOff = await suite.stripe.prices.create({
      currency: 'usd',
      unit_amount: 2500,
      product_data: { name: 'Ebook' },
    })
    const session = await suite.stripe.checkout.sessions.create({
      mode: 'payment',
      line_items: [{ price: oneOff.id, quantity: 2, tax_rates: [salesTax.id] }],
      success_url: 'http://shop.test/ok',
    })
    expect(session).toMatchObject({
      amount_subtotal: 5000,
      amount_total: 5413,
      total_details: { amount_tax: 413, amount_discount: 0 },
    })
    const items = await suite.stripe.checkout.sessions.listLineItems(session.id)
    expect(items.data[0]).toMatchObject({ amount_tax: 413, amount_total: 5413 })
    expect(items.data[0]?.taxes?.[0]).toMatchObject({
      amount: 413,
      taxable_amount: 5000,
      rate: { id: salesTax.id },
    })
    assertStripeShape(strip(session))

    const price = await monthlyPrice(suite.stripe, 1200)
    const sub = await suite.stripe.checkout.sessions.create({
      mode: 'subscription',
      line_items: [{ price: price.id }],
      subscription_data: { default_tax_rates: [vat.id] },
      success_url: 'http://shop.test/ok',
    })
    expect(sub).toMatchObject({ amount_total: 1200, total_details: { amount_tax: 200 } })
    const res = await fetch(sub.url ?? '', {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        email: 'tax@example.com',
        cardNumber: '4242424242424242',
        cardExpiry: '12/34',
        cardCvc: '123',
        cardName: 'Tax Payer',
      }).toString(),
    })
    expect(res.status).toBe(303)
    const done = await suite.stripe.checkout.sessions.retrieve(sub.id, {
      expand: ['subscription', 'invoice'],
    })
    expect((done.subscription as Stripe.Subscription).default_tax_rates?.map((r) => r.id)).toEqual([vat.id])
    expect(done.invoice).toMatchObject({ total: 1200, total_excluding_tax: 1000, amount_paid: 1200 })
  })

  it('refuses missing, inactive and duplicate rates, dynamic rates and rates on schedule phases', async () => {
    const { customer } = await customerWithCard(suite.stripe)
    const archived = await suite.stripe.taxRates.create({
      display_name: 'Old',
      percentage: 5,
      inclusive: false,
    })
    await suite.stripe.taxRates.update(archived.id, { active: false })
    const item = (tax_rates: string[]) =>
      suite.stripe.invoiceItems.create({ customer: customer.id, amount: 100, currency: 'usd', tax_rates })
    await expect(item(['txr_missing'])).rejects.toMatchObject({
      statusCode: 400,
      code: 'resource_missing',
      param: 'tax_rates[0]',
    })
    await expect(item([archived.id])).rejects.toMatchObject({ statusCode: 400, param: 'tax_rates' })
    await expect(item([vat.id, vat.id])).rejects.toMatchObject({ statusCode: 400, param: 'tax_rates' })
    const price = await monthlyPrice(suite.stripe, 700)
    await expect(
      suite.stripe.checkout.sessions.create({
        mode: 'subscription',
        line_items: [
          { price: price.id, dynamic_tax_rates: [vat.id] } as Stripe.Checkout.SessionCreateParams.LineItem,
        ],
        success_url: 'http://shop.test/ok',
      }),
    ).rejects.toMatchObject({ code: 'parameter_unsupported', param: 'line_items[0][dynamic_tax_rates]' })
    await expect(
      suite.stripe.checkout.sessions.create({
        mode: 'subscription',
        line_items: [{ price: price.id }],
        subscription_data: { billing_cycle_anchor: suite.emulator.clock.now() + 5 * 86_400 },
        success_url: 'http://shop.test/ok',
      }),
    ).rejects.toMatchObject({
      code: 'parameter_unsupported',
      param: 'subscription_data[billing_cycle_anchor]',
    })
    await expect(
      suite.stripe.subscriptionSchedules.create({
        customer: customer.id,
        start_date: 'now',
        phases: [{ items: [{ price: price.id, tax_rates: [vat.id] }], duration: { interval: 'month' } }],
      }),
    ).rejects.toMatchObject({ code: 'parameter_unsupported', param: 'phases[0][items][0][tax_rates]' })
    expect(await suite.stripe.invoiceItems.list({ customer: customer.id })).toMatchObject({ data: [] })
  })
})
