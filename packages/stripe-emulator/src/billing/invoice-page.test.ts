import { PDFDocument } from 'pdf-lib'
import { describe, expect, it } from 'vitest'
import { useEmulatorSuite } from '../test-suite.js'
import { postPageForm } from '../testing.js'
import { billingTypes, customerWithCard, monthlyPrice } from './test-helpers.js'

const suite = useEmulatorSuite()

const CARD = { cardExpiry: '12 / 40', cardCvc: '123', cardName: 'Ada Lovelace' }

async function openInvoice(amount = 2500): Promise<{ id: string; url: string; pdf: string }> {
  const customer = await suite.stripe.customers.create({ email: 'buyer@example.com', name: 'Ada' })
  await suite.stripe.invoiceItems.create({
    customer: customer.id,
    amount,
    currency: 'eur',
    description: 'Consulting',
  })
  const draft = await suite.stripe.invoices.create({
    customer: customer.id,
    collection_method: 'send_invoice',
    days_until_due: 30,
    pending_invoice_items_behavior: 'include',
  })
  // As on Stripe, a draft has neither link yet.
  expect(draft.hosted_invoice_url).toBeNull()
  expect(draft.invoice_pdf).toBeNull()
  const open = await suite.stripe.invoices.finalizeInvoice(draft.id)
  expect(open.hosted_invoice_url).toBe(`${suite.t.url}/i/${open.id}`)
  expect(open.invoice_pdf).toBe(`${suite.t.url}/i/${open.id}/pdf`)
  return { id: open.id, url: open.hosted_invoice_url!, pdf: open.invoice_pdf! }
}

describe('hosted invoice page and PDF', () => {
  it('shows an open invoice with its lines, amount due, PDF link and a card form', async () => {
    const { url } = await openInvoice()
    const res = await fetch(url)
    expect(res.status).toBe(200)
    const html = await res.text()
    expect(html).toContain('Consulting')
    expect(html).toContain('data-amount-remaining="2500"')
    expect(html).toContain('€25.00')
    expect(html).toContain('data-status="open"')
    expect(html).toContain('/pdf')
    expect(html).toContain('name="cardNumber"')
  })

  it('serves a real PDF naming the invoice number and total', async () => {
    const { id, pdf } = await openInvoice(1234)
    const res = await fetch(pdf)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('application/pdf')
    const bytes = new Uint8Array(await res.arrayBuffer())
    expect(new TextDecoder().decode(bytes.slice(0, 5))).toBe('%PDF-')
    const doc = await PDFDocument.load(bytes)
    const invoice = await suite.stripe.invoices.retrieve(id)
    expect(doc.getPageCount()).toBe(1)
    expect(doc.getTitle()).toBe(`Invoice ${invoice.number}`)
  })

  it('declines 0002 on the page (402, invoice stays open), then pays with 4242', async () => {
    const { id, url } = await openInvoice()
    const declined = await postPageForm(url, { ...CARD, cardNumber: '4000 0000 0000 0002' })
    expect(declined.status).toBe(402)
    expect(declined.html).toContain('Your card was declined.')
    expect((await suite.stripe.invoices.retrieve(id)).status).toBe('open')
    const bad = await postPageForm(url, { ...CARD, cardNumber: '4242 4242 4242 4241' })
    expect(bad.status).toBe(400)
    expect(bad.html).toContain('Your card number is invalid.')
    const paid = await postPageForm(url, { ...CARD, cardNumber: '4242 4242 4242 4242' })
    expect(paid.status).toBe(303)
    expect(paid.location).toMatch(new RegExp(`^/i/${id}\\?notice=`))
    const invoice = await suite.stripe.invoices.retrieve(id)
    expect(invoice).toMatchObject({ status: 'paid', amount_paid: 2500, amount_remaining: 0 })
    await suite.emulator.idle()
    expect(billingTypes(suite.receiver).filter((t) => /^invoice\.pa(id|yment)/.test(t))).toEqual([
      'invoice.payment_failed',
      'invoice.paid',
      'invoice.payment_succeeded',
    ])
    const after = await (await fetch(url)).text()
    expect(after).toContain('data-status="paid"')
    expect(after).not.toContain('name="cardNumber"')
    expect((await postPageForm(url, { ...CARD, cardNumber: '4242424242424242' })).status).toBe(400)
  })

  it("links a subscription's paid first invoice, and 404s an unknown invoice", async () => {
    const price = await monthlyPrice(suite.stripe)
    const { customer } = await customerWithCard(suite.stripe)
    const sub = await suite.stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: price.id }],
      expand: ['latest_invoice'],
    })
    const invoice = sub.latest_invoice as { hosted_invoice_url: string; invoice_pdf: string }
    const html = await (await fetch(invoice.hosted_invoice_url)).text()
    expect(html).toContain('data-status="paid"')
    expect((await fetch(invoice.invoice_pdf)).status).toBe(200)
    expect((await fetch(`${suite.t.url}/i/in_missing`)).status).toBe(404)
    expect((await fetch(`${suite.t.url}/i/in_missing/pdf`)).status).toBe(404)
  })
})
