/**
 * Invoices: list (customer, subscription, status), retrieve, lines, and the pay / void /
 * finalize / mark_uncollectible actions. `payments` is includable.
 * @module
 */
import type Stripe from 'stripe'
import { settleInvoice } from '../billing/collection.js'
import {
  finalizeInvoice,
  invoicePaymentOf,
  markUncollectible,
  type PayOutcome,
  payInvoice,
  recordFailure,
  voidInvoice,
} from '../billing/invoices.js'
import { resumeAfterUncollectible } from '../billing/resume.js'
import '../billing/manual-invoices.js'
import '../billing/invoice-edits.js'
import { createPreview } from '../billing/preview.js'
import '../pages/invoice.js'
import { cardError, invalidRequest, unsupportedParam } from '../errors.js'
import { LIST_PARAMS, paginate } from '../list.js'
import { allowOnly, inRange, onlyDefault, optRange, optString } from '../params.js'
import { includable, route } from '../registry.js'
import { findObject, getObject, listObjects } from '../state.js'
import { resolvePaymentMethod } from './cards.js'

function subscriptionOf(invoice: Stripe.Invoice): string | null {
  const s = invoice.parent?.subscription_details?.subscription
  return typeof s === 'string' ? s : (s?.id ?? null)
}

route('post', '/v1/invoices/create_preview', (ctx, params) => createPreview(ctx, params))
route('get', '/v1/invoices/:id', (ctx, _p, path) => getObject(ctx.state, 'invoice', path.id!))
route('get', '/v1/invoices/:id/lines', (ctx, params, path) => {
  allowOnly(params, [...LIST_PARAMS])
  const invoice = getObject<Stripe.Invoice>(ctx.state, 'invoice', path.id!)
  return paginate(invoice.lines.data, params, `/v1/invoices/${invoice.id}/lines`)
})
route('get', '/v1/invoices', (ctx, params) => {
  allowOnly(params, [
    ...LIST_PARAMS,
    'customer',
    'subscription',
    'status',
    'created',
    'collection_method',
    'due_date',
  ])
  const customer = optString(params, 'customer')
  const subscription = optString(params, 'subscription')
  const status = optString(params, 'status')
  const created = optRange(params, 'created')
  const items = listObjects<Stripe.Invoice>(
    ctx.state,
    'invoice',
    (i) =>
      (!customer || i.customer === customer) &&
      (!subscription || subscriptionOf(i) === subscription) &&
      (!status || i.status === status) &&
      inRange(i.created, created),
  )
  return paginate(items, params, '/v1/invoices')
})
route('post', '/v1/invoices/:id/finalize', (ctx, params, path) => {
  allowOnly(params, ['auto_advance'])
  const invoice = getObject<Stripe.Invoice>(ctx.state, 'invoice', path.id!)
  if (invoice.status !== 'draft')
    throw invalidRequest(`This invoice is already finalized, you can't re-finalize a non-draft invoice.`)
  finalizeInvoice(ctx, invoice)
  return invoice
})
route('post', '/v1/invoices/:id/pay', async (ctx, params, path) => {
  allowOnly(params, ['payment_method', 'off_session', 'paid_out_of_band', 'forgive', 'source', 'mandate'])
  // Modelled only at Stripe's defaults; anything else is refused rather than ignored.
  onlyDefault(params, 'paid_out_of_band', (v) => String(v).toLowerCase() === 'false')
  onlyDefault(params, 'forgive', (v) => String(v).toLowerCase() === 'false')
  onlyDefault(params, 'off_session', (v) => String(v).toLowerCase() === 'true')
  for (const key of ['source', 'mandate']) if (params[key] !== undefined) throw unsupportedParam(key)
  const invoice = getObject<Stripe.Invoice>(ctx.state, 'invoice', path.id!)
  if (invoice.status === 'paid') throw invalidRequest('Invoice is already paid.')
  if (invoice.status === 'void') throw invalidRequest('This invoice has been voided and cannot be paid.')
  const subId = subscriptionOf(invoice)
  const sub = subId ? (findObject<Stripe.Subscription>(ctx.state, subId, 'subscription') ?? null) : null
  const pm = optString(params, 'payment_method')
  if (pm) invoice.default_payment_method = resolvePaymentMethod(ctx, pm, 'payment_method').id
  // The attempt's events (charge.failed, invoice.payment_failed…) stand even when this request
  // answers 402, so they are emitted as their own unit of work.
  let outcome = 'failed' as PayOutcome
  await ctx.runSeparately((c) => {
    outcome = sub ? settleInvoice(c, sub, invoice, true) : payInvoice(c, invoice, null)
    if (!sub && outcome === 'failed') recordFailure(c, invoice, null)
  })
  if (outcome !== 'paid')
    throw cardError('Your card was declined.', 'card_declined', { decline_code: 'generic_decline' })
  return invoice
})
route('post', '/v1/invoices/:id/void', (ctx, params, path) => {
  allowOnly(params, [])
  const invoice = getObject<Stripe.Invoice>(ctx.state, 'invoice', path.id!)
  if (invoice.status !== 'open') throw invalidRequest('You can only void an open invoice.')
  voidInvoice(ctx, invoice)
  return invoice
})
route('post', '/v1/invoices/:id/mark_uncollectible', (ctx, params, path) => {
  allowOnly(params, [])
  const invoice = getObject<Stripe.Invoice>(ctx.state, 'invoice', path.id!)
  if (invoice.status !== 'open') throw invalidRequest('You can only mark an open invoice uncollectible.')
  markUncollectible(ctx, invoice)
  resumeAfterUncollectible(ctx, invoice)
  return invoice
})
includable('invoice', 'payments', (ctx, invoice) => {
  const payment = invoicePaymentOf(ctx, invoice as { id: string })
  return {
    object: 'list',
    url: `/v1/invoice_payments?invoice=${String(invoice.id)}`,
    has_more: false,
    data: payment ? [payment] : [],
  }
})
