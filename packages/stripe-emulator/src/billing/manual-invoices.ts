/**
 * One-off invoices outside a subscription: pending invoice items (`POST /v1/invoiceitems`) and
 * manual invoices (`POST /v1/invoices`, billing_reason `manual`, `parent: null`) that sweep them in
 * with `pending_invoice_items_behavior=include`. The Stripe CLI's `invoice.*` triggers build their
 * events this way.
 * @module
 */
import type Stripe from 'stripe'
import type { Ctx } from '../context.js'
import { readCurrency } from '../currencies.js'
import { invalidParam, invalidRequest, unsupportedParam } from '../errors.js'
import { newId } from '../ids.js'
import { LIST_PARAMS, paginate } from '../list.js'
import {
  allowOnly,
  applyMetadata,
  nullableString,
  onlyDefault,
  optBool,
  optEnum,
  optInt,
  optObject,
  optString,
  type Params,
  reqInt,
  reqString,
  taxDisabled,
} from '../params.js'
import { route } from '../registry.js'
import { customerCoupon } from '../resources/customer-discounts.js'
import { clockOfCustomer } from '../resources/customers.js'
import { getObject, insertObject, listObjects } from '../state.js'
import { applyCollection, lineOf, syncDraft } from './invoice-edits.js'
import { invoiceShell, setAmounts } from './invoice-shell.js'
import type { InvoiceLineInput } from './invoices.js'
import { ratesOfSubscriptionItem, readTaxRates } from './tax.js'

type ItemFields = {
  customer: string
  clock: string | null
  amount: number
  currency: string
  description: string | null
  discountable: boolean
  invoice: string | null
  metadata: Record<string, string>
  period: { start: number; end: number }
  quantity: number
  proration: boolean
  parent: Stripe.InvoiceItem['parent']
  pricing: Stripe.InvoiceItem['pricing']
  taxRates: Stripe.TaxRate[]
}

/** Stores an invoice item and emits `invoiceitem.created`. */
function insertInvoiceItem(ctx: Ctx, f: ItemFields): Stripe.InvoiceItem {
  const item = {
    id: newId('ii', 24),
    object: 'invoiceitem',
    amount: f.amount,
    currency: f.currency,
    customer: f.customer,
    customer_account: null,
    date: ctx.now(f.clock),
    description: f.description,
    discountable: f.discountable,
    discounts: [],
    invoice: f.invoice,
    livemode: false,
    metadata: f.metadata,
    parent: f.parent,
    period: f.period,
    pricing: f.pricing,
    proration: f.proration,
    quantity: f.quantity,
    quantity_decimal: String(f.quantity),
    tax_rates: f.taxRates,
    test_clock: f.clock,
  } as unknown as Stripe.InvoiceItem
  insertObject(ctx.state, item)
  ctx.emit('invoiceitem.created', item)
  return item
}

/**
 * A proration from a plan switch (`create_prorations`): a pending invoice item on the
 * subscription, swept onto its next invoice (or onto a manual invoice that includes pending items).
 */
export function insertProrationItem(
  ctx: Ctx,
  sub: Stripe.Subscription,
  line: InvoiceLineInput,
): Stripe.InvoiceItem {
  return insertInvoiceItem(ctx, {
    customer: String(sub.customer),
    clock: typeof sub.test_clock === 'string' ? sub.test_clock : null,
    amount: line.amount,
    currency: sub.currency,
    description: line.description,
    discountable: false,
    invoice: null,
    metadata: {},
    period: line.period,
    quantity: line.quantity,
    proration: true,
    taxRates: line.taxRates ?? ratesOfSubscriptionItem(sub, line.subscriptionItem),
    parent: {
      type: 'subscription_details',
      subscription_details: { subscription: sub.id, subscription_item: line.subscriptionItem },
    } as Stripe.InvoiceItem['parent'],
    pricing: {
      type: 'price_details',
      price_details: { price: line.price.id, product: String(line.price.product) },
      unit_amount_decimal: line.price.unit_amount_decimal,
    } as Stripe.InvoiceItem['pricing'],
  })
}

/** The `customer` param's customer and its test clock, if any. */
function customerOf(ctx: Ctx, params: Params): { customer: Stripe.Customer; clock: string | null } {
  const customer = getObject<Stripe.Customer>(
    ctx.state,
    'customer',
    reqString(params, 'customer'),
    'customer',
  )
  return { customer, clock: clockOfCustomer(ctx, customer.id) }
}

/** `amount`, or `pricing[price]` / `unit_amount_decimal` (whole minor units) times `quantity`. */
function itemAmount(
  ctx: Ctx,
  params: Params,
  quantity: number,
): { amount: number; currency: string; pricing: Stripe.InvoiceItem['pricing'] } {
  const pricing = optObject(params, 'pricing')
  if (pricing) allowOnly(pricing, ['price'], 'pricing')
  const priceId = pricing ? optString(pricing, 'price', 'pricing[price]') : undefined
  if (priceId) {
    const price = getObject<Stripe.Price>(ctx.state, 'price', priceId, 'pricing[price]')
    if (params.amount !== undefined || params.unit_amount_decimal !== undefined)
      throw invalidRequest(
        'You may only specify one of these parameters: amount, pricing.',
        undefined,
        'amount',
      )
    return {
      amount: (price.unit_amount ?? 0) * quantity,
      currency: price.currency,
      pricing: {
        type: 'price_details',
        price_details: { price: price.id, product: String(price.product) },
        unit_amount_decimal: price.unit_amount_decimal,
      } as Stripe.InvoiceItem['pricing'],
    }
  }
  const currency = readCurrency(reqString(params, 'currency'), 'currency')
  const decimal = optString(params, 'unit_amount_decimal')
  if (decimal !== undefined) {
    if (!/^-?\d+$/.test(decimal))
      throw unsupportedParam('unit_amount_decimal', 'with fractions of a minor unit')
    return { amount: Number(decimal) * quantity, currency, pricing: null }
  }
  return { amount: reqInt(params, 'amount'), currency, pricing: null }
}

/** The draft invoice an item is added to (`invoice`), which must be the same customer's. */
function draftFor(ctx: Ctx, params: Params, customer: string): Stripe.Invoice | null {
  const id = optString(params, 'invoice')
  if (!id) return null
  const invoice = getObject<Stripe.Invoice>(ctx.state, 'invoice', id, 'invoice')
  if (invoice.status !== 'draft')
    throw invalidRequest(
      `Invoice ${id} is no longer a draft; items can only be added to drafts.`,
      'invoice_not_editable',
      'invoice',
    )
  if (invoice.customer !== customer)
    throw invalidParam('invoice', 'The invoice belongs to a different customer.')
  return invoice
}

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
    'unit_amount_decimal',
    'pricing',
    'tax_rates',
  ])
  const { customer, clock } = customerOf(ctx, params)
  const draft = draftFor(ctx, params, customer.id)
  const now = ctx.now(clock)
  const quantity = optInt(params, 'quantity') ?? 1
  const { amount, currency, pricing } = itemAmount(ctx, params, quantity)
  const period = optObject(params, 'period')
  if (period) allowOnly(period, ['start', 'end'], 'period')
  const item = insertInvoiceItem(ctx, {
    customer: customer.id,
    clock,
    amount,
    currency,
    description: nullableString(params, 'description') ?? null,
    discountable: optBool(params, 'discountable') ?? true,
    invoice: draft?.id ?? null,
    metadata: applyMetadata({}, params),
    period: period
      ? { start: reqInt(period, 'start', 'period[start]'), end: reqInt(period, 'end', 'period[end]') }
      : { start: now, end: now },
    quantity,
    proration: false,
    parent: null,
    pricing,
    taxRates: readTaxRates(ctx, params.tax_rates, 'tax_rates') ?? [],
  })
  if (draft) {
    syncDraft(ctx, draft)
    ctx.emit('invoice.updated', draft)
  }
  return item
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
  onlyDefault(params, 'automatic_tax', taxDisabled)
  const { customer, clock } = customerOf(ctx, params)
  if (customerCoupon(ctx, customer.id))
    throw invalidRequest(
      `The Tollgate emulator does not apply a customer's own discount (${customer.discount!.id}) to one-off invoices; ` +
        'remove it (DELETE /v1/customers/:id/discount) or use a subscription.',
      'parameter_unsupported',
      'customer',
    )
  const include =
    optEnum(params, 'pending_invoice_items_behavior', ['include', 'exclude'] as const) === 'include'
  const pending = include
    ? listObjects<Stripe.InvoiceItem>(
        ctx.state,
        'invoiceitem',
        (ii) => ii.customer === customer.id && ii.invoice === null,
      ).reverse()
    : []
  const given = optString(params, 'currency')
  const currency = given ? readCurrency(given, 'currency') : (pending[0]?.currency ?? 'usd')
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
  invoice.footer = nullableString(params, 'footer') ?? null
  applyCollection(ctx, invoice, params)
  for (const item of pending) item.invoice = id
  invoice.lines.data = pending.map((item) => lineOf(item, id))
  setAmounts(ctx, invoice, 0)
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
  const invoice = optString(params, 'invoice')
  const pending = optBool(params, 'pending')
  const items = listObjects<Stripe.InvoiceItem>(
    ctx.state,
    'invoiceitem',
    (ii) =>
      (!customer || ii.customer === customer) &&
      (!invoice || ii.invoice === invoice) &&
      (pending === undefined || (ii.invoice === null) === pending),
  )
  return paginate(items, params, '/v1/invoiceitems')
})
route('post', '/v1/invoices', (ctx, params) => createManualInvoice(ctx, params))
