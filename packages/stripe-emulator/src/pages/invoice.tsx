/**
 * The hosted invoice page at an invoice's `hosted_invoice_url` (`/i/:id`) and its PDF at
 * `invoice_pdf` (`/i/:id/pdf`). GET shows the invoice; POST pays an open invoice with a card typed
 * on the page (the API's `/pay` path: same events, dunning untouched) and answers 303 back to the
 * page, or the page again with the error (400 invalid card, 402 decline).
 * @module
 */
import type { Context } from 'hono'
import type Stripe from 'stripe'
import { settleInvoice } from '../billing/collection.js'
import { invoicePdf } from '../billing/invoice-pdf.js'
import { type PayOutcome, payInvoice, recordFailure } from '../billing/invoices.js'
import type { Ctx } from '../context.js'
import { page } from '../registry.js'
import { attachPaymentMethod, createCardPaymentMethod } from '../resources/cards.js'
import { findObject } from '../state.js'
import { validateCard } from './checkout.js'
import { InvoicePage } from './invoice-view.js'
import { MessagePage } from './layout.js'

function findInvoice(ctx: Ctx, id: string): Stripe.Invoice | undefined {
  return findObject<Stripe.Invoice>(ctx.state, id, 'invoice')
}

function missing(c: Context) {
  return c.html(<MessagePage title="Invoice not found" message="There is no invoice with this id." />, 404)
}

function subscriptionOf(ctx: Ctx, invoice: Stripe.Invoice): Stripe.Subscription | null {
  const s = invoice.parent?.subscription_details?.subscription
  const id = typeof s === 'string' ? s : s?.id
  return id ? (findObject<Stripe.Subscription>(ctx.state, id, 'subscription') ?? null) : null
}

page('get', '/i/:id', (c, ctx) => {
  const invoice = findInvoice(ctx, c.req.param('id') ?? '')
  if (!invoice) return missing(c)
  return c.html(<InvoicePage view={{ invoice, notice: c.req.query('notice') }} />)
})

page('get', '/i/:id/pdf', async (c, ctx) => {
  const invoice = findInvoice(ctx, c.req.param('id') ?? '')
  if (!invoice) return missing(c)
  const bytes = await invoicePdf(invoice)
  return c.body(bytes as Uint8Array<ArrayBuffer>, 200, {
    'content-type': 'application/pdf',
    'content-disposition': `inline; filename="Invoice-${invoice.number ?? invoice.id}.pdf"`,
  })
})

page('post', '/i/:id', async (c, ctx) => {
  const invoice = findInvoice(ctx, c.req.param('id') ?? '')
  if (!invoice) return missing(c)
  const render = (error: string, status: number) =>
    c.html(<InvoicePage view={{ invoice, error }} />, status as 400)
  if (invoice.status !== 'open' || invoice.amount_remaining === 0)
    return render('This invoice cannot be paid.', 400)
  const body = await c.req.parseBody()
  const form: Record<string, string> = {}
  for (const [k, v] of Object.entries(body)) if (typeof v === 'string') form[k] = v.trim()
  const card = validateCard(ctx, form)
  if (typeof card === 'string') return render(card, 400)
  const customer = String(invoice.customer)
  const pm = createCardPaymentMethod(ctx, { ...card, email: invoice.customer_email })
  attachPaymentMethod(ctx, pm, customer)
  invoice.default_payment_method = pm.id
  const sub = subscriptionOf(ctx, invoice)
  const outcome: PayOutcome = sub ? settleInvoice(ctx, sub, invoice, true) : payInvoice(ctx, invoice, null)
  if (!sub && outcome === 'failed') recordFailure(ctx, invoice, null)
  if (outcome === 'requires_action')
    return render('This card requires authentication, which this page does not offer. Try another card.', 402)
  if (outcome !== 'paid') return render('Your card was declined.', 402)
  return c.redirect(`/i/${invoice.id}?notice=${encodeURIComponent('Thank you, the invoice is paid.')}`, 303)
})
