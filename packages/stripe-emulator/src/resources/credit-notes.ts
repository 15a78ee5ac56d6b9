/**
 * Credit notes (`cn_…`) against a finalized invoice: create, preview, retrieve, update (memo,
 * metadata), list, lines, void. The amount is `amount` or the sum of `lines`
 * (`custom_line_item` with `unit_amount` × `quantity`, or `invoice_line_item` with `amount`).
 * On an open invoice it lowers what is due (`pre_payment_amount`); on a paid one it is split into
 * `refund_amount` (a Refund on the invoice's payment: refund and charge events),
 * `credit_amount` (the customer's balance: a `credit_note` balance transaction) and
 * `out_of_band_amount`; without a split it all goes to the balance. Events: `credit_note.created`,
 * `credit_note.updated`, `credit_note.voided`, and `invoice.updated` for the invoice's new amounts.
 * @module
 */
import type Stripe from 'stripe'
import type { Ctx } from '../context.js'
import { invalidParam, invalidRequest } from '../errors.js'
import { newId } from '../ids.js'
import { LIST_PARAMS, paginate } from '../list.js'
import {
  allowOnly,
  applyMetadata,
  inRange,
  nullableString,
  optArray,
  optEnum,
  optInt,
  optRange,
  optString,
  type Params,
  reqString,
} from '../params.js'
import { route } from '../registry.js'
import { getObject, hiddenOf, insertObject, listObjects } from '../state.js'
import { insertBalanceTransaction } from './customer-balance.js'
import { createRefund } from './refunds.js'

const CREATE = [
  'invoice',
  'amount',
  'lines',
  'refund_amount',
  'credit_amount',
  'out_of_band_amount',
  'reason',
  'memo',
  'metadata',
] as const
const REASONS = ['duplicate', 'fraudulent', 'order_change', 'product_unsatisfactory'] as const

type Draft = {
  invoice: Stripe.Invoice
  lines: Stripe.CreditNoteLineItem[]
  amount: number
  split: Record<'refund' | 'credit' | 'outOfBand', number>
}

function readLines(invoice: Stripe.Invoice, params: Params): Stripe.CreditNoteLineItem[] {
  const amount = optInt(params, 'amount')
  const raw = optArray(params, 'lines')
  if (amount !== undefined && raw)
    throw invalidRequest('You may only specify one of these parameters: amount, lines.', undefined, 'lines')
  const line = (
    amt: number,
    description: string | null,
    quantity: number,
    unit: number,
    type: Stripe.CreditNoteLineItem.Type,
    invoiceLine?: string,
  ): Stripe.CreditNoteLineItem =>
    ({
      id: newId('cnli', 24),
      object: 'credit_note_line_item',
      amount: amt,
      description,
      discount_amount: 0,
      discount_amounts: [],
      ...(invoiceLine ? { invoice_line_item: invoiceLine } : {}),
      livemode: false,
      metadata: {},
      pretax_credit_amounts: [],
      quantity,
      tax_rates: [],
      taxes: [],
      type,
      unit_amount: unit,
      unit_amount_decimal: String(unit),
    }) as unknown as Stripe.CreditNoteLineItem
  if (!raw) {
    const amt = amount ?? invoice.total
    return [line(amt, 'Credit', 1, amt, 'custom_line_item')]
  }
  return raw.map((entry, i) => {
    const name = `lines[${i}]`
    if (typeof entry !== 'object' || Array.isArray(entry)) throw invalidParam(name, 'Invalid line')
    allowOnly(
      entry,
      ['type', 'amount', 'unit_amount', 'quantity', 'description', 'invoice_line_item', 'metadata'],
      name,
    )
    const type = optEnum(entry, 'type', ['custom_line_item', 'invoice_line_item'] as const, `${name}[type]`)
    const description = nullableString(entry, 'description', `${name}[description]`) ?? null
    if (type === 'invoice_line_item') {
      const id = reqString(entry, 'invoice_line_item', `${name}[invoice_line_item]`)
      const il = invoice.lines.data.find((l) => l.id === id)
      if (!il)
        throw invalidRequest(
          `No such invoice line item: '${id}'`,
          'resource_missing',
          `${name}[invoice_line_item]`,
        )
      const amt = optInt(entry, 'amount', `${name}[amount]`) ?? il.amount
      return line(amt, description ?? il.description, il.quantity ?? 1, amt, 'invoice_line_item', id)
    }
    const quantity = optInt(entry, 'quantity', `${name}[quantity]`) ?? 1
    const unit =
      optInt(entry, 'unit_amount', `${name}[unit_amount]`) ?? optInt(entry, 'amount', `${name}[amount]`)
    if (unit === undefined)
      throw invalidRequest(
        `Missing required param: ${name}[unit_amount].`,
        'parameter_missing',
        `${name}[unit_amount]`,
      )
    return line(unit * quantity, description, quantity, unit, 'custom_line_item')
  })
}

/** Validates a credit note's params against its invoice; nothing is stored. */
function draft(ctx: Ctx, params: Params): Draft {
  allowOnly(params, CREATE)
  const invoice = getObject<Stripe.Invoice>(ctx.state, 'invoice', reqString(params, 'invoice'), 'invoice')
  if (invoice.status !== 'open' && invoice.status !== 'paid')
    throw invalidRequest(
      `You can only create credit notes for open or paid invoices; this invoice is ${invoice.status}.`,
      undefined,
      'invoice',
    )
  const lines = readLines(invoice, params)
  const amount = lines.reduce((sum, l) => sum + l.amount, 0)
  if (amount <= 0) throw invalidParam('amount', 'The credit note amount must be positive.')
  const credited = invoice.pre_payment_credit_notes_amount + invoice.post_payment_credit_notes_amount
  if (amount + credited > invoice.total)
    throw invalidParam(
      'amount',
      `The credit note amount (${amount}) is more than what is left to credit on the invoice (${invoice.total - credited}).`,
    )
  const refund = optInt(params, 'refund_amount') ?? 0
  const outOfBand = optInt(params, 'out_of_band_amount') ?? 0
  const given = optInt(params, 'credit_amount')
  const credit = given ?? (invoice.status === 'paid' ? amount - refund - outOfBand : 0)
  if (invoice.status === 'open' && refund + (given ?? 0) + outOfBand > 0)
    throw invalidParam(
      'refund_amount',
      'An open invoice is credited by lowering what is due; refund, credit and out-of-band amounts apply to paid invoices.',
    )
  if (invoice.status === 'paid' && refund + credit + outOfBand !== amount)
    throw invalidParam(
      'credit_amount',
      'The sum of refund_amount, credit_amount and out_of_band_amount must equal the credit note amount.',
    )
  if (refund > 0 && !hiddenOf<{ paymentIntent?: string }>(ctx.state, invoice.id).paymentIntent)
    throw invalidParam('refund_amount', 'This invoice was paid without a charge, so nothing can be refunded.')
  return { invoice, lines, amount, split: { refund, credit, outOfBand } }
}

function build(ctx: Ctx, d: Draft, params: Params, id: string): Stripe.CreditNote {
  const { invoice, amount } = d
  const customer = getObject<Stripe.Customer>(ctx.state, 'customer', String(invoice.customer))
  const sequence =
    listObjects<Stripe.CreditNote>(ctx.state, 'credit_note', (c) => c.invoice === invoice.id).length + 1
  return {
    id,
    object: 'credit_note',
    amount,
    amount_shipping: 0,
    created: ctx.now(),
    currency: invoice.currency,
    customer: customer.id,
    customer_account: null,
    customer_balance_transaction: null,
    discount_amount: 0,
    discount_amounts: [],
    effective_at: ctx.now(),
    invoice: invoice.id,
    lines: { object: 'list', data: d.lines, has_more: false, url: `/v1/credit_notes/${id}/lines` },
    livemode: false,
    memo: nullableString(params, 'memo') ?? null,
    metadata: applyMetadata({}, params),
    number: `${invoice.number ?? 'DRAFT'}-CN-${String(sequence).padStart(2, '0')}`,
    out_of_band_amount: d.split.outOfBand || null,
    pdf: `${ctx.baseUrl}/i/${invoice.id}/pdf`,
    post_payment_amount: invoice.status === 'paid' ? amount : 0,
    pre_payment_amount: invoice.status === 'open' ? amount : 0,
    pretax_credit_amounts: [],
    reason: optEnum(params, 'reason', REASONS) ?? null,
    refunds: [],
    shipping_cost: null,
    status: 'issued',
    subtotal: amount,
    subtotal_excluding_tax: amount,
    total: amount,
    total_excluding_tax: amount,
    total_taxes: [],
    type: invoice.status === 'paid' ? 'post_payment' : 'pre_payment',
    voided_at: null,
  } as unknown as Stripe.CreditNote
}

function issue(ctx: Ctx, params: Params): Stripe.CreditNote {
  const d = draft(ctx, params)
  const note = build(ctx, d, params, newId('cn', 24))
  const { invoice } = d
  const before = { amount_due: invoice.amount_due, amount_remaining: invoice.amount_remaining }
  if (invoice.status === 'open') {
    invoice.pre_payment_credit_notes_amount += d.amount
    invoice.amount_due -= d.amount
    invoice.amount_remaining = Math.max(0, invoice.amount_remaining - d.amount)
  } else invoice.post_payment_credit_notes_amount += d.amount
  insertObject(ctx.state, note)
  if (d.split.refund > 0) {
    const pi = String(hiddenOf<{ paymentIntent?: string }>(ctx.state, invoice.id).paymentIntent)
    const refund = createRefund(ctx, { payment_intent: pi, amount: String(d.split.refund) })
    note.refunds = [
      { amount_refunded: d.split.refund, payment_record_refund: null, refund: refund.id, type: 'refund' },
    ] as Stripe.CreditNote['refunds']
  }
  if (d.split.credit > 0) {
    const customer = getObject<Stripe.Customer>(ctx.state, 'customer', String(invoice.customer))
    const txn = insertBalanceTransaction(ctx, customer, {
      amount: -d.split.credit,
      currency: invoice.currency,
      type: 'credit_note',
      creditNote: note.id,
      invoice: invoice.id,
    })
    note.customer_balance_transaction = txn.id
  }
  ctx.emit('credit_note.created', note)
  ctx.emit(
    'invoice.updated',
    invoice,
    invoice.status === 'open'
      ? before
      : { post_payment_credit_notes_amount: invoice.post_payment_credit_notes_amount - d.amount },
  )
  return note
}

function getNote(ctx: Ctx, id: string): Stripe.CreditNote {
  return getObject<Stripe.CreditNote>(ctx.state, 'credit_note', id, 'id', 'credit note')
}

route('post', '/v1/credit_notes', (ctx, params) => issue(ctx, params))
route('get', '/v1/credit_notes/preview', (ctx, params) =>
  build(ctx, draft(ctx, params), params, newId('cn', 24)),
)
// Before `/:id/lines`, which would otherwise read `preview` as an id and call `invoice` unknown.
route('get', '/v1/credit_notes/preview/lines', (ctx, params) => {
  const page = Object.fromEntries(
    LIST_PARAMS.flatMap((k) => (params[k] === undefined ? [] : [[k, params[k]]])),
  )
  const rest = Object.fromEntries(
    Object.entries(params).filter(([k]) => !(LIST_PARAMS as readonly string[]).includes(k)),
  )
  const preview = build(ctx, draft(ctx, rest), rest, newId('cn', 24))
  return paginate(preview.lines.data, page, '/v1/credit_notes/preview/lines')
})
route('get', '/v1/credit_notes/:id', (ctx, _p, path) => getNote(ctx, path.id!))
route('get', '/v1/credit_notes/:id/lines', (ctx, params, path) => {
  allowOnly(params, [...LIST_PARAMS])
  const note = getNote(ctx, path.id!)
  return paginate(note.lines.data, params, `/v1/credit_notes/${note.id}/lines`)
})
route('post', '/v1/credit_notes/:id', (ctx, params, path) => {
  allowOnly(params, ['memo', 'metadata'])
  const note = getNote(ctx, path.id!)
  const memo = nullableString(params, 'memo')
  if (memo !== undefined) note.memo = memo
  note.metadata = applyMetadata(note.metadata ?? {}, params)
  ctx.emit('credit_note.updated', note)
  return note
})
route('post', '/v1/credit_notes/:id/void', (ctx, params, path) => {
  allowOnly(params, [])
  const note = getNote(ctx, path.id!)
  if (note.status === 'void') throw invalidRequest('This credit note is already voided.')
  if (note.refunds.length > 0) throw invalidRequest('A credit note that refunded a payment cannot be voided.')
  const invoice = getObject<Stripe.Invoice>(ctx.state, 'invoice', String(note.invoice))
  if (note.type === 'pre_payment') {
    invoice.pre_payment_credit_notes_amount -= note.amount
    invoice.amount_due += note.amount
    if (invoice.status === 'open') invoice.amount_remaining += note.amount
  } else invoice.post_payment_credit_notes_amount -= note.amount
  if (note.customer_balance_transaction) {
    const customer = getObject<Stripe.Customer>(ctx.state, 'customer', String(note.customer))
    const txn = getObject<Stripe.CustomerBalanceTransaction>(
      ctx.state,
      'customer_balance_transaction',
      String(note.customer_balance_transaction),
    )
    insertBalanceTransaction(ctx, customer, {
      amount: -txn.amount,
      currency: txn.currency,
      type: 'credit_note',
      creditNote: note.id,
      invoice: invoice.id,
      description: 'Credit note voided',
    })
  }
  note.status = 'void'
  note.voided_at = ctx.now()
  ctx.emit('credit_note.voided', note)
  return note
})
route('get', '/v1/credit_notes', (ctx, params) => {
  allowOnly(params, [...LIST_PARAMS, 'invoice', 'customer', 'created'])
  const invoice = optString(params, 'invoice')
  const customer = optString(params, 'customer')
  const created = optRange(params, 'created')
  const items = listObjects<Stripe.CreditNote>(
    ctx.state,
    'credit_note',
    (c) =>
      (invoice === undefined || c.invoice === invoice) &&
      (customer === undefined || c.customer === customer) &&
      inRange(c.created, created),
  )
  return paginate(items, params, '/v1/credit_notes')
})
