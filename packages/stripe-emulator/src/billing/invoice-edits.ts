/**
 * Editing invoices and invoice items by hand, as a back office does: update an invoice
 * (`invoice.updated`; amounts and collection only while it is a draft), send a `send_invoice`
 * invoice (`invoice.sent`), delete a one-off draft (`invoice.deleted`; its items return to
 * pending), and update or delete an invoice item while it is pending or on a draft
 * (`invoiceitem.deleted`; Stripe sends no event for an item's update, only `invoice.updated` for its draft), keeping the draft's lines and totals in step.
 * @module
 */
import type Stripe from 'stripe'
import type { Ctx } from '../context.js'
import { invalidRequest, unsupportedParam } from '../errors.js'
import { newId } from '../ids.js'
import { allowOnly, applyMetadata, nullableString, optBool, optEnum, optInt, type Params } from '../params.js'
import { route } from '../registry.js'
import { deleteObject, getObject, hiddenOf, listObjects } from '../state.js'
import { setAmounts } from './invoice-shell.js'
import { finalizeInvoice } from './invoices.js'
import { lineTax, readTaxRates } from './tax.js'

const DRAFT_ONLY = ['collection_method', 'days_until_due', 'due_date', 'default_payment_method'] as const

/** The invoice line that bills a (pending) invoice item. */
export function lineOf(item: Stripe.InvoiceItem, invoiceId: string): Stripe.InvoiceLineItem {
  return {
    id: newId('il', 24),
    object: 'line_item',
    amount: item.amount,
    currency: item.currency,
    description: item.description,
    discount_amounts: [],
    discountable: item.discountable,
    discounts: [],
    invoice: invoiceId,
    livemode: false,
    metadata: item.metadata ?? {},
    parent: {
      type: 'invoice_item_details',
      invoice_item_details: {
        invoice_item: item.id,
        proration: item.proration,
        proration_details: { credited_items: null },
        subscription: item.parent?.subscription_details?.subscription ?? null,
      },
      subscription_item_details: null,
    },
    period: item.period,
    pretax_credit_amounts: [],
    pricing: null,
    quantity: item.quantity,
    quantity_decimal: item.quantity_decimal,
    subscription: null,
    subtotal: item.amount,
    taxes: (item.tax_rates ?? []).map((rate) => lineTax(rate)),
  } as unknown as Stripe.InvoiceLineItem
}

function itemOfLine(line: Stripe.InvoiceLineItem): string | null {
  const ii = line.parent?.invoice_item_details?.invoice_item
  return typeof ii === 'string' ? ii : null
}

/** Rebuilds a draft's item lines from its invoice items (plan lines stay) and its totals. */
export function syncDraft(ctx: Ctx, invoice: Stripe.Invoice): void {
  const items = listObjects<Stripe.InvoiceItem>(ctx.state, 'invoiceitem', (ii) => ii.invoice === invoice.id)
  const kept = invoice.lines.data.filter((l) => {
    const ii = itemOfLine(l)
    return ii === null || items.some((i) => i.id === ii)
  })
  for (const line of kept) {
    const item = items.find((i) => i.id === itemOfLine(line))
    if (item)
      Object.assign(line, {
        amount: item.amount,
        subtotal: item.amount,
        description: item.description,
        taxes: (item.tax_rates ?? []).map((rate) => lineTax(rate)),
      })
  }
  const added = items
    .filter((i) => !kept.some((l) => itemOfLine(l) === i.id))
    .reverse()
    .map((i) => lineOf(i, invoice.id))
  invoice.lines.data = [...kept, ...added]
  const discount = invoice.total_discount_amounts?.reduce((sum, d) => sum + d.amount, 0) ?? 0
  setAmounts(ctx, invoice, discount)
}

/** `collection_method` / `days_until_due` / `due_date`, shared by create and update. */
export function applyCollection(ctx: Ctx, invoice: Stripe.Invoice, params: Params): void {
  const method = optEnum(params, 'collection_method', ['charge_automatically', 'send_invoice'] as const)
  if (method) invoice.collection_method = method
  const days = optInt(params, 'days_until_due')
  const due = optInt(params, 'due_date')
  if (invoice.collection_method === 'charge_automatically') {
    if (days !== undefined || due !== undefined)
      throw invalidRequest(
        'Invoices with `collection_method=charge_automatically` cannot have a due date.',
        'parameter_invalid',
        days !== undefined ? 'days_until_due' : 'due_date',
      )
    invoice.due_date = null
    return
  }
  if (due !== undefined) invoice.due_date = due
  else if (days !== undefined) invoice.due_date = ctx.now() + days * 86_400
  if (invoice.due_date === null)
    throw invalidRequest(
      'Invoices with `collection_method=send_invoice` need `days_until_due` or `due_date`.',
      'parameter_missing',
      'days_until_due',
    )
  invoice.auto_advance = false
  invoice.automatically_finalizes_at = null
}

function draftOnly(invoice: Stripe.Invoice, params: Params): void {
  if (invoice.status === 'draft') return
  const key = DRAFT_ONLY.find((k) => params[k] !== undefined)
  if (key)
    throw invalidRequest(
      `You can only modify \`${key}\` on draft invoices; this invoice is ${invoice.status}.`,
      'invoice_not_editable',
      key,
    )
}

route('post', '/v1/invoices/:id', (ctx, params, path) => {
  allowOnly(params, ['description', 'metadata', 'footer', 'auto_advance', 'automatic_tax', ...DRAFT_ONLY])
  const invoice = getObject<Stripe.Invoice>(ctx.state, 'invoice', path.id!)
  if (params.automatic_tax !== undefined)
    throw unsupportedParam('automatic_tax', '(automatic tax is not modelled)')
  draftOnly(invoice, params)
  const before = JSON.parse(JSON.stringify(invoice)) as Stripe.Invoice
  const description = nullableString(params, 'description')
  if (description !== undefined) invoice.description = description
  const footer = nullableString(params, 'footer')
  if (footer !== undefined) invoice.footer = footer
  const auto = optBool(params, 'auto_advance')
  if (auto !== undefined) invoice.auto_advance = auto
  invoice.metadata = applyMetadata(invoice.metadata ?? {}, params)
  const pm = nullableString(params, 'default_payment_method')
  if (pm) getObject(ctx.state, 'payment_method', pm, 'default_payment_method', 'PaymentMethod')
  if (pm !== undefined) invoice.default_payment_method = pm
  if (invoice.status === 'draft') applyCollection(ctx, invoice, params)
  if (JSON.stringify(before) !== JSON.stringify(invoice)) ctx.emit('invoice.updated', invoice)
  return invoice
})

route('post', '/v1/invoices/:id/send', (ctx, params, path) => {
  allowOnly(params, [])
  const invoice = getObject<Stripe.Invoice>(ctx.state, 'invoice', path.id!)
  if (invoice.collection_method !== 'send_invoice')
    throw invalidRequest("You can only manually send an invoice if its collection method is 'send_invoice'.")
  // Sending a draft finalizes it first, as on Stripe (the CLI's invoice.sent fixture relies on it).
  if (invoice.status === 'draft') finalizeInvoice(ctx, invoice)
  if (invoice.status !== 'open' && invoice.status !== 'paid')
    throw invalidRequest(
      `You can only send an invoice that is open or paid; this invoice is ${invoice.status}.`,
    )
  hiddenOf<{ sentAt?: number }>(ctx.state, invoice.id).sentAt = ctx.now()
  ctx.emit('invoice.sent', invoice)
  return invoice
})

route('delete', '/v1/invoices/:id', (ctx, params, path) => {
  allowOnly(params, [])
  const invoice = getObject<Stripe.Invoice>(ctx.state, 'invoice', path.id!)
  if (invoice.status !== 'draft' || invoice.parent !== null)
    throw invalidRequest(
      'You can only delete draft one-off invoices; void a finalized or subscription invoice instead.',
    )
  for (const ii of listObjects<Stripe.InvoiceItem>(ctx.state, 'invoiceitem', (i) => i.invoice === invoice.id))
    ii.invoice = null
  deleteObject(ctx.state, invoice.id)
  ctx.emit('invoice.deleted', invoice)
  return { id: invoice.id, object: 'invoice', deleted: true }
})

/** The invoice item, if it may still change: pending, or on a draft invoice. */
function editableItem(ctx: Ctx, id: string): { item: Stripe.InvoiceItem; draft: Stripe.Invoice | null } {
  const item = getObject<Stripe.InvoiceItem>(ctx.state, 'invoiceitem', id, 'id', 'invoiceitem')
  if (item.invoice === null) return { item, draft: null }
  const invoice = getObject<Stripe.Invoice>(ctx.state, 'invoice', String(item.invoice))
  if (invoice.status !== 'draft')
    throw invalidRequest(
      `This invoice item is on invoice ${invoice.id}, which is no longer a draft.`,
      'invoice_not_editable',
    )
  return { item, draft: invoice }
}

route('post', '/v1/invoiceitems/:id', (ctx, params, path) => {
  allowOnly(params, ['amount', 'description', 'metadata', 'quantity', 'discountable', 'tax_rates'])
  const { item, draft } = editableItem(ctx, path.id!)
  const before = JSON.parse(JSON.stringify(item)) as Stripe.InvoiceItem
  const amount = optInt(params, 'amount')
  if (amount !== undefined) item.amount = amount
  const quantity = optInt(params, 'quantity')
  if (quantity !== undefined) {
    item.quantity = quantity
    ;(item as unknown as { quantity_decimal: string }).quantity_decimal = String(quantity)
  }
  const description = nullableString(params, 'description')
  if (description !== undefined) item.description = description
  const discountable = optBool(params, 'discountable')
  if (discountable !== undefined) item.discountable = discountable
  item.metadata = applyMetadata(item.metadata ?? {}, params)
  const rates = readTaxRates(ctx, params.tax_rates, 'tax_rates')
  if (rates !== undefined) item.tax_rates = rates
  if (JSON.stringify(before) === JSON.stringify(item)) return item
  // Stripe has no invoiceitem.updated event; the draft it sits on is updated.
  if (draft) {
    syncDraft(ctx, draft)
    ctx.emit('invoice.updated', draft)
  }
  return item
})

route('delete', '/v1/invoiceitems/:id', (ctx, params, path) => {
  allowOnly(params, [])
  const { item, draft } = editableItem(ctx, path.id!)
  if (item.proration && item.parent !== null)
    // A pending proration belongs to its subscription's next invoice; Stripe lets it be deleted,
    // but the emulator keeps proration bookkeeping on the subscription, so it refuses clearly.
    throw invalidRequest(
      'The Tollgate emulator does not delete subscription proration items.',
      'parameter_unsupported',
    )
  deleteObject(ctx.state, item.id)
  ctx.emit('invoiceitem.deleted', item)
  if (draft) {
    syncDraft(ctx, draft)
    ctx.emit('invoice.updated', draft)
  }
  return { id: item.id, object: 'invoiceitem', deleted: true }
})
