import type Stripe from 'stripe'
import { beforeAll, describe, expect, it } from 'vitest'
import { useEmulatorSuite } from '../test-suite.js'
import { customerWithCard, monthlyPrice } from './test-helpers.js'

const suite = useEmulatorSuite()
let price: Stripe.Price

beforeAll(async () => {
  price = await monthlyPrice(suite.stripe)
})

describe('invoice payments', () => {
  it('lists and retrieves invoice payments at the invoice’s payments.url', async () => {
    const { stripe } = suite
    const { customer } = await customerWithCard(stripe)
    const sub = await stripe.subscriptions.create({ customer: customer.id, items: [{ price: price.id }] })
    const invoice = await stripe.invoices.retrieve(String(sub.latest_invoice), { expand: ['payments'] })
    expect(invoice.payments?.url).toBe(`/v1/invoice_payments?invoice=${invoice.id}`)
    const listed = await stripe.invoicePayments.list({ invoice: invoice.id })
    expect(listed.data).toEqual(invoice.payments?.data)
    expect(listed.data[0]).toMatchObject({ object: 'invoice_payment', invoice: invoice.id, status: 'paid' })
    const payment = await stripe.invoicePayments.retrieve(listed.data[0]!.id)
    expect(payment).toMatchObject({ id: listed.data[0]!.id, amount_paid: 900 })
    expect((await stripe.invoicePayments.list({ invoice: invoice.id, status: 'open' })).data).toEqual([])
    const byIntent = await stripe.invoicePayments.list({
      payment: { type: 'payment_intent', payment_intent: payment.payment.payment_intent as string },
    })
    expect(byIntent.data.map((p) => p.id)).toEqual([payment.id])
    await expect(stripe.invoicePayments.retrieve('inpay_missing')).rejects.toMatchObject({ statusCode: 404 })
    await expect(stripe.invoicePayments.list({ invoice: 'in_missing' })).rejects.toMatchObject({
      param: 'invoice',
    })
  })
})

describe('a customer’s subscriptions', () => {
  it('lists them at the URL the customer’s subscriptions field names, without ended ones', async () => {
    const { stripe } = suite
    const { customer } = await customerWithCard(stripe)
    const kept = await stripe.subscriptions.create({ customer: customer.id, items: [{ price: price.id }] })
    const ended = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: (await monthlyPrice(stripe, 400)).id }],
    })
    await stripe.subscriptions.cancel(ended.id)
    const withList = await stripe.customers.retrieve(customer.id, { expand: ['subscriptions'] })
    const url = (withList as Stripe.Customer).subscriptions?.url ?? ''
    const listed = (await stripe.rawRequest('GET', url, {})) as unknown as Stripe.ApiList<Stripe.Subscription>
    expect(listed).toMatchObject({ object: 'list', url, has_more: false })
    expect(listed.data.map((s) => s.id)).toEqual([kept.id])
    await expect(
      stripe.rawRequest('GET', '/v1/customers/cus_missing/subscriptions', {}),
    ).rejects.toMatchObject({
      statusCode: 404,
    })
  })
})
