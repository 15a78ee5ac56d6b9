import { describe, expect, it } from 'vitest'
import { assertStripeShape } from '../shapes.js'
import { useEmulatorSuite } from '../test-suite.js'
import { customerWithCard } from './test-helpers.js'

const suite = useEmulatorSuite()

async function typesSince(start: number): Promise<string[]> {
  await suite.emulator.idle()
  return suite.receiver.received.slice(start).map((r) => r.event.type)
}

describe('invoice lifecycle by hand', () => {
  it('draft → items added, updated, deleted → update → finalize → pay, events in order', async () => {
    const { customer } = await customerWithCard(suite.stripe)
    const price = await suite.stripe.prices.create({
      currency: 'usd',
      unit_amount: 1250,
      product_data: { name: 'Setup fee' },
    })
    await suite.emulator.idle()
    const start = suite.receiver.received.length
    const draft = await suite.stripe.invoices.create({ customer: customer.id })
    expect(draft).toMatchObject({ status: 'draft', total: 0 })
    const a = await suite.stripe.invoiceItems.create({
      customer: customer.id,
      invoice: draft.id,
      pricing: { price: price.id },
      quantity: 2,
    })
    const b = await suite.stripe.invoiceItems.create({
      customer: customer.id,
      invoice: draft.id,
      amount: 500,
      currency: 'usd',
    })
    expect(a.amount).toBe(2500)
    await suite.stripe.invoiceItems.update(b.id, { amount: 800, description: 'Rush' })
    expect((await suite.stripe.invoices.retrieve(draft.id)).total).toBe(3300)
    await expect(suite.stripe.invoiceItems.del(b.id)).resolves.toMatchObject({ id: b.id, deleted: true })
    const updated = await suite.stripe.invoices.update(draft.id, {
      description: 'Onboarding',
      metadata: { po: '42' },
    })
    expect(updated).toMatchObject({ description: 'Onboarding', total: 2500, metadata: { po: '42' } })
    expect(updated.lines.data.map((l) => l.amount)).toEqual([2500])
    const open = await suite.stripe.invoices.finalizeInvoice(draft.id)
    expect(open.status).toBe('open')
    await expect(suite.stripe.invoiceItems.update(a.id, { amount: 1 })).rejects.toMatchObject({
      statusCode: 400,
      code: 'invoice_not_editable',
    })
    await expect(
      suite.stripe.invoices.update(draft.id, { collection_method: 'send_invoice' }),
    ).rejects.toMatchObject({
      statusCode: 400,
      param: 'collection_method',
    })
    const paid = await suite.stripe.invoices.pay(draft.id)
    expect(paid).toMatchObject({ status: 'paid', amount_paid: 2500 })
    assertStripeShape(paid)
    const types = (await typesSince(start)).filter((t) => t.startsWith('invoice'))
    expect(types).toEqual([
      'invoice.created',
      'invoiceitem.created',
      'invoice.updated',
      'invoiceitem.created',
      'invoice.updated',
      'invoice.updated', // an item's update: Stripe has no invoiceitem.updated, only its draft's update
      'invoiceitem.deleted',
      'invoice.updated',
      'invoice.updated',
      'invoice.finalized',
      'invoice.paid',
      'invoice.payment_succeeded',
      'invoice_payment.paid',
    ])
  })

  it('send_invoice: due date, sent, then void; mark_uncollectible; delete a draft', async () => {
    const customer = await suite.stripe.customers.create({ email: 'ap@example.com' })
    await suite.stripe.invoiceItems.create({ customer: customer.id, amount: 4000, currency: 'usd' })
    const draft = await suite.stripe.invoices.create({
      customer: customer.id,
      collection_method: 'send_invoice',
      days_until_due: 30,
      pending_invoice_items_behavior: 'include',
    })
    expect(draft).toMatchObject({ collection_method: 'send_invoice', total: 4000 })
    expect(draft.due_date).toBeGreaterThan(draft.created)
    const automatic = await suite.stripe.invoices.create({ customer: customer.id })
    // A state error with no code: the emulator sends only codes Stripe's own list has.
    await expect(suite.stripe.invoices.sendInvoice(automatic.id)).rejects.toMatchObject({
      statusCode: 400,
      type: 'StripeInvalidRequestError',
      code: undefined,
    })
    await suite.emulator.idle()
    const start = suite.receiver.received.length
    // Sending a draft finalizes it first, as on Stripe.
    const sent = await suite.stripe.invoices.sendInvoice(draft.id)
    expect(sent.status).toBe('open')
    const voided = await suite.stripe.invoices.voidInvoice(draft.id)
    expect(voided.status).toBe('void')
    const second = await suite.stripe.invoices.create({
      customer: customer.id,
      collection_method: 'send_invoice',
      days_until_due: 7,
    })
    await suite.stripe.invoices.finalizeInvoice(second.id)
    const bad = await suite.stripe.invoices.markUncollectible(second.id)
    expect(bad.status).toBe('uncollectible')
    const third = await suite.stripe.invoices.create({ customer: customer.id })
    await suite.stripe.invoiceItems.create({
      customer: customer.id,
      invoice: third.id,
      amount: 100,
      currency: 'usd',
    })
    await expect(suite.stripe.invoices.del(third.id)).resolves.toMatchObject({ id: third.id, deleted: true })
    await expect(suite.stripe.invoices.retrieve(third.id)).rejects.toMatchObject({ statusCode: 404 })
    const pending = await suite.stripe.invoiceItems.list({ customer: customer.id, pending: true })
    expect(pending.data.map((i) => i.amount)).toEqual([100])
    await expect(suite.stripe.invoices.del(second.id)).rejects.toMatchObject({
      statusCode: 400,
      code: undefined,
    })
    expect((await typesSince(start)).filter((t) => /^invoice\.(sent|voided|marked|deleted)/.test(t))).toEqual(
      ['invoice.sent', 'invoice.voided', 'invoice.marked_uncollectible', 'invoice.deleted'],
    )
  })

  it('refuses what it does not model, and bad input, in the envelope', async () => {
    const customer = await suite.stripe.customers.create({})
    await expect(
      suite.stripe.invoices.create({ customer: customer.id, automatic_tax: { enabled: true } }),
    ).rejects.toMatchObject({ code: 'parameter_unsupported', param: 'automatic_tax' })
    await expect(
      suite.stripe.invoices.create({ customer: customer.id, collection_method: 'send_invoice' }),
    ).rejects.toMatchObject({ statusCode: 400, param: 'days_until_due' })
    await expect(
      suite.stripe.invoiceItems.create({
        customer: customer.id,
        amount: 1,
        currency: 'usd',
        subscription: 'sub_x',
      }),
    ).rejects.toMatchObject({ code: 'parameter_unsupported', param: 'subscription' })
    await expect(suite.stripe.invoiceItems.update('ii_nope', { amount: 1 })).rejects.toMatchObject({
      statusCode: 404,
    })
    await expect(
      suite.stripe.invoiceItems.create({
        customer: customer.id,
        invoice: 'in_nope',
        amount: 1,
        currency: 'usd',
      }),
    ).rejects.toMatchObject({ statusCode: 400, code: 'resource_missing', param: 'invoice' })
  })
})
