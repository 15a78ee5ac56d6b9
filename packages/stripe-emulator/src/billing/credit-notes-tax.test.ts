import type Stripe from 'stripe'
import { describe, expect, it } from 'vitest'
import { assertStripeShape } from '../shapes.js'
import { useEmulatorSuite } from '../test-suite.js'
import { customerWithCard } from './test-helpers.js'

const suite = useEmulatorSuite()

const strip = <T extends object>(o: T): T => {
  const { lastResponse: _, ...rest } = o as T & { lastResponse?: unknown }
  return rest as T
}

async function paidInvoice(amount: number) {
  const { customer } = await customerWithCard(suite.stripe)
  await suite.stripe.invoiceItems.create({ customer: customer.id, amount, currency: 'usd' })
  const draft = await suite.stripe.invoices.create({
    customer: customer.id,
    pending_invoice_items_behavior: 'include',
  })
  return { customer, invoice: await suite.stripe.invoices.pay(draft.id) }
}

describe('credit notes and the customer balance', () => {
  it('a paid invoice: part refunded, part credited to the balance; preview first; events in order', async () => {
    const { customer, invoice } = await paidInvoice(5000)
    const preview = await suite.stripe.creditNotes.preview({
      invoice: invoice.id,
      amount: 3000,
      refund_amount: 1000,
    })
    expect(preview).toMatchObject({ amount: 3000, type: 'post_payment', status: 'issued' })
    // GET /v1/credit_notes/preview/lines: the preview's lines, paged (it was read as note id "preview").
    const previewLines = await suite.stripe.creditNotes.listPreviewLineItems({
      invoice: invoice.id,
      amount: 3000,
      refund_amount: 1000,
      limit: 3,
    })
    expect(previewLines.data.map((l) => l.amount)).toEqual(preview.lines.data.map((l) => l.amount))
    expect(previewLines.data.length).toBeGreaterThan(0)
    assertStripeShape(previewLines.data[0])
    await expect(
      suite.stripe.creditNotes.listPreviewLineItems({ invoice: 'in_missing' }),
    ).rejects.toMatchObject({
      statusCode: 400,
      code: 'resource_missing',
    })
    expect((await suite.stripe.creditNotes.list({ invoice: invoice.id })).data).toEqual([])
    await suite.emulator.idle()
    const start = suite.receiver.received.length
    const note = await suite.stripe.creditNotes.create({
      invoice: invoice.id,
      amount: 3000,
      refund_amount: 1000,
      reason: 'product_unsatisfactory',
    })
    assertStripeShape(strip(note))
    assertStripeShape(note.lines.data[0])
    expect(note).toMatchObject({ amount: 3000, post_payment_amount: 3000, reason: 'product_unsatisfactory' })
    const refund = await suite.stripe.refunds.retrieve(String(note.refunds[0]?.refund))
    expect(refund).toMatchObject({ amount: 1000, status: 'succeeded' })
    expect((await suite.stripe.customers.retrieve(customer.id)) as Stripe.Customer).toMatchObject({
      balance: -2000,
    })
    const txns = await suite.stripe.customers.listBalanceTransactions(customer.id)
    expect(txns.data.map((t) => [t.type, t.amount, t.credit_note])).toEqual([['credit_note', -2000, note.id]])
    assertStripeShape(strip(txns.data[0]!))
    expect((await suite.stripe.invoices.retrieve(invoice.id)).post_payment_credit_notes_amount).toBe(3000)
    await suite.emulator.idle()
    const types = suite.receiver.received.slice(start).map((r) => r.event.type)
    expect(types.indexOf('charge.refunded')).toBeGreaterThanOrEqual(0)
    expect(types.filter((t) => /^(credit_note|invoice|customer)\./.test(t))).toEqual([
      'customer.updated',
      'credit_note.created',
      'invoice.updated',
    ])
    // Only 2000 is left to credit.
    await expect(
      suite.stripe.creditNotes.create({ invoice: invoice.id, amount: 2001 }),
    ).rejects.toMatchObject({
      statusCode: 400,
      param: 'amount',
    })
    await expect(suite.stripe.creditNotes.voidCreditNote(note.id)).rejects.toMatchObject({ statusCode: 400 })
  })

  it('an open invoice: the credit lowers what is due; voiding restores it', async () => {
    const customer = await suite.stripe.customers.create({})
    await suite.stripe.invoiceItems.create({ customer: customer.id, amount: 4000, currency: 'usd' })
    const draft = await suite.stripe.invoices.create({
      customer: customer.id,
      pending_invoice_items_behavior: 'include',
    })
    const open = await suite.stripe.invoices.finalizeInvoice(draft.id)
    const note = await suite.stripe.creditNotes.create({
      invoice: open.id,
      lines: [{ type: 'custom_line_item', unit_amount: 500, quantity: 2, description: 'Goodwill' }],
    })
    expect(note).toMatchObject({ amount: 1000, pre_payment_amount: 1000, type: 'pre_payment' })
    expect(await suite.stripe.invoices.retrieve(open.id)).toMatchObject({
      amount_due: 3000,
      amount_remaining: 3000,
    })
    const voided = await suite.stripe.creditNotes.voidCreditNote(note.id)
    expect(voided.status).toBe('void')
    expect(await suite.stripe.invoices.retrieve(open.id)).toMatchObject({
      amount_due: 4000,
      amount_remaining: 4000,
    })
    await expect(
      suite.stripe.creditNotes.create({ invoice: open.id, amount: 100, refund_amount: 100 }),
    ).rejects.toMatchObject({ statusCode: 400, param: 'refund_amount' })
    await expect(
      suite.stripe.creditNotes.create({ invoice: draft.id.replace('in_', 'in_x') }),
    ).rejects.toMatchObject({
      statusCode: 400,
      code: 'resource_missing',
      param: 'invoice',
    })
  })

  it('manual balance adjustments never mix currencies', async () => {
    const customer = await suite.stripe.customers.create({})
    const txn = await suite.stripe.customers.createBalanceTransaction(customer.id, {
      amount: -700,
      currency: 'eur',
      description: 'Welcome credit',
    })
    expect(txn).toMatchObject({ type: 'adjustment', ending_balance: -700 })
    await expect(
      suite.stripe.customers.createBalanceTransaction(customer.id, { amount: 100, currency: 'usd' }),
    ).rejects.toMatchObject({ statusCode: 400, param: 'currency' })
    const updated = await suite.stripe.customers.updateBalanceTransaction(customer.id, txn.id, {
      metadata: { by: 'ops' },
    })
    expect(updated.metadata).toEqual({ by: 'ops' })
  })
})

describe('tax rates and customer tax IDs', () => {
  it('tax rates: create, update, list by inclusive', async () => {
    const vat = await suite.stripe.taxRates.create({
      display_name: 'VAT',
      percentage: 19,
      inclusive: true,
      country: 'DE',
      tax_type: 'vat',
    })
    assertStripeShape(strip(vat))
    expect(vat).toMatchObject({ percentage: 19, effective_percentage: 19, inclusive: true, active: true })
    const sales = await suite.stripe.taxRates.create({
      display_name: 'Sales tax',
      percentage: 7.25,
      inclusive: false,
      state: 'CA',
    })
    const archived = await suite.stripe.taxRates.update(sales.id, { active: false })
    expect(archived.active).toBe(false)
    const inclusive = await suite.stripe.taxRates.list({ inclusive: true })
    expect(inclusive.data.map((r) => r.id)).toContain(vat.id)
    expect(inclusive.data.map((r) => r.id)).not.toContain(sales.id)
    await expect(
      suite.stripe.taxRates.create({ display_name: 'Bad', percentage: 101, inclusive: false }),
    ).rejects.toMatchObject({
      statusCode: 400,
      param: 'percentage',
    })
  })

  it('tax IDs: on customer create and under the customer; bad values refused', async () => {
    const customer = await suite.stripe.customers.create({
      tax_id_data: [{ type: 'eu_vat', value: 'DE123456789' }],
    })
    const listed = await suite.stripe.customers.listTaxIds(customer.id)
    expect(listed.data.map((t) => [t.type, t.value, t.country])).toEqual([['eu_vat', 'DE123456789', 'DE']])
    assertStripeShape(strip(listed.data[0]!))
    const ein = await suite.stripe.customers.createTaxId(customer.id, { type: 'us_ein', value: '12-3456789' })
    // Left out of the customer unless expanded (Stripe's 2020-08-27 change), then the same list.
    expect((await suite.stripe.customers.retrieve(customer.id)) as Stripe.Customer).not.toHaveProperty(
      'tax_ids',
    )
    const expanded = (await suite.stripe.customers.retrieve(customer.id, {
      expand: ['tax_ids'],
    })) as Stripe.Customer
    expect(expanded.tax_ids).toMatchObject({ object: 'list', url: `/v1/customers/${customer.id}/tax_ids` })
    expect(expanded.tax_ids?.data.map((t) => t.id)).toEqual([ein.id, listed.data[0]!.id])
    await expect(suite.stripe.customers.deleteTaxId(customer.id, ein.id)).resolves.toMatchObject({
      deleted: true,
    })
    await expect(suite.stripe.customers.retrieveTaxId(customer.id, ein.id)).rejects.toMatchObject({
      statusCode: 404,
    })
    await expect(
      suite.stripe.customers.createTaxId(customer.id, { type: 'eu_vat', value: 'nope' }),
    ).rejects.toMatchObject({
      statusCode: 400,
      code: 'tax_id_invalid',
    })
    const before = (await suite.stripe.customers.list({ limit: 100 })).data.length
    await expect(
      suite.stripe.customers.create({
        email: 'x@example.com',
        tax_id_data: [{ type: 'gb_vat', value: 'GB1' }],
      }),
    ).rejects.toMatchObject({ statusCode: 400, param: 'tax_id_data[0][value]' })
    expect((await suite.stripe.customers.list({ limit: 100 })).data.length).toBe(before)
  })
})
