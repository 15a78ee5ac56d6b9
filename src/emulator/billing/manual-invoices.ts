/**
 * One-off invoices outside a subscription: pending invoice items (`POST /v1/invoiceitems`) and
 * manual invoices (`POST /v1/invoices`, billing_reason `manual`, `parent: null`) that sweep them in
 * with `pending_invoice_items_behavior=include`. The Stripe CLI's `invoice.*` triggers build their
 * events this way.
 * @module
 */
import type Stripe from 'stripe'
import type { Ctx } from '../context.js'
import { newId } from '../ids.js'
import { LIST_PARAMS, paginate } from '../list.js'
import {
  allowOnly,
  applyMetadata,
  nullableString,
  optBool,
  optEnum,
  optInt,
  optString,
  type Params,
  reqInt,
  reqString,
} from '../params.js'
import { route } from '../registry.js'
import { clockOfCustomer } from '../resources/customers.js'
import { getObject, insertObject, listObjects } from '../state.js'
import { invoiceShell, setAmounts } from './invoice-shell.js'

function createInvoiceItem(ctx: Ctx, params: Params): Stripe.InvoiceItem {
  allowOnly(params, [
    'amount',
    'currency',
    'customer',
    'description',
    'metadata',
    'quantity',
    'invoice',
    'discountable',
    'period',
    'subscription',
    'unit_amount_decimal',
    'pricing',
    'tax_behavior',
  ])
  const customer = getObject<Stripe.Customer>(
    ctx.state,
    'customer',
    reqString(params, 'customer'),
    'customer',
  )
  const clock = clockOfCustomer(ctx, customer.id)
  const now = ctx.now(clock)
  const item = {
    id: newId('ii', 24),
    object: 'invoiceitem',
    amount: reqInt(params, 'amount'),
    currency: reqString(params, 'currency').toLowerCase(),
    customer: customer.id,
    customer_account: null,
    date: now,
    description: nullableString(params, 'description') ?? null,
    discountable: optBool(params, 'discountable') ?? true,
    discounts: [],
    invoice: optString(params, 'invoice') ?? null,
    livemode: false,
    metadata: applyMetadata({}, params),
    parent: null,
    period: { start: now, end: now },
    pricing: null,
    proration: false,
    quantity: optInt(params, 'quantity') ?? 1,
    quantity_decimal: String(optInt(params, 'quantity') ?? 1),
    tax_rates: [],
    test_clock: clock,
  } as unknown as Stripe.InvoiceItem
  insertObject(ctx.state, item)
  ctx.emit('invoiceitem.created', item)
  return item
}

function lineOf(item: Stripe.InvoiceItem, invoiceId: string): Stripe.InvoiceLineItem {
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
        proration: false,
        proration_details: { credited_items: null },
        subscription: null,
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
    taxes: [],
  } as unknown as Stripe.InvoiceLineItem
}

function createManualInvoice(ctx: Ctx, params: Params): Stripe.Invoice {
  allowOnly(params, [
    'customer',
    'description',
    'pending_invoice_items_behavior',
    'auto_advance',
    'collection_method',
    'metadata',
    'default_payment_method',
    'days_until_due',
    'due_date',
    'footer',
    'currency',
    'automatic_tax',
  ])
  const customer = getObject<Stripe.Customer>(
    ctx.state,
    'customer',
    reqString(params, 'customer'),
    'customer',
  )
  const clock = clockOfCustomer(ctx, customer.id)
  const include =
    optEnum(params, 'pending_invoice_items_behavior', ['include', 'exclude'] as const) === 'include'
  const pending = include
    ? listObjects<Stripe.InvoiceItem>(
        ctx.state,
        'invoiceitem',
        (ii) => ii.customer === customer.id && ii.invoice === null,
      ).reverse()
    : []
  const currency = optString(params, 'currency') ?? pending[0]?.currency ?? 'usd'
  const id = newId('in', 24)
  const invoice = invoiceShell(ctx, {
    id,
    customer: customer.id,
    currency,
    now: ctx.now(clock),
    reason: 'manual',
    clock,
  })
  invoice.description = nullableString(params, 'description') ?? null
  invoice.metadata = applyMetadata({}, params)
  invoice.auto_advance = optBool(params, 'auto_advance') ?? false
  invoice.default_payment_method = optString(params, 'default_payment_method') ?? null
  for (const item of pending) item.invoice = id
  invoice.lines.data = pending.map((item) => lineOf(item, id))
  setAmounts(
    invoice,
    pending.reduce((sum, item) => sum + item.amount, 0),
    0,
  )
  insertObject(ctx.state, invoice)
  ctx.emit('invoice.created', invoice)
  return invoice
}

route('post', '/v1/invoiceitems', (ctx, params) => createInvoiceItem(ctx, params))
route('get', '/v1/invoiceitems/:id', (ctx, _p, path) =>
  getObject(ctx.state, 'invoiceitem', path.id!, 'id', 'invoiceitem'),
)
route('get', '/v1/invoiceitems', (ctx, params) => {
  allowOnly(params, [...LIST_PARAMS, 'customer', 'invoice', 'pending', 'created'])
  const customer = optString(params, 'customer')
  const items = listObjects<Stripe.InvoiceItem>(
    ctx.state,
    'invoiceitem',
    (ii) => !customer || ii.customer === customer,
  )
  return paginate(items, params, '/v1/invoiceitems')
})
route('post', '/v1/invoices', (ctx, params) => createManualInvoice(ctx, params))
