/**
 * Invoice payments (`inpay_…`): retrieve and list, the URL every invoice's `payments` names. They
 * are not stored: each is derived from the PaymentIntent that charged its invoice
 * (billing/invoices.ts `invoicePaymentOf`), so they always agree with the invoice.
 * @module
 */
import type Stripe from 'stripe'
import { invoicePaymentOf } from '../billing/invoices.js'
import type { Ctx } from '../context.js'
import { invalidRequest } from '../errors.js'
import { LIST_PARAMS, paginate } from '../list.js'
import { allowOnly, inRange, optEnum, optObject, optRange, optString } from '../params.js'
import { route } from '../registry.js'
import { getObject, listObjects } from '../state.js'

type InvoicePayment = Record<string, unknown> & {
  id: string
  created: number
  status: string
  payment: { payment_intent: string }
}

/** Every invoice's payment, newest invoice first (the order invoices are listed in). */
function allPayments(ctx: Ctx, invoiceId?: string): InvoicePayment[] {
  const invoices = invoiceId
    ? [getObject<Stripe.Invoice>(ctx.state, 'invoice', invoiceId, 'invoice')]
    : listObjects<Stripe.Invoice>(ctx.state, 'invoice')
  return invoices.flatMap((invoice) => {
    const payment = invoicePaymentOf(ctx, invoice as { id: string }) as InvoicePayment | null
    return payment ? [payment] : []
  })
}

route('get', '/v1/invoice_payments/:id', (ctx, params, path) => {
  allowOnly(params, [])
  const payment = allPayments(ctx).find((p) => p.id === path.id)
  if (!payment) throw invalidRequest(`No such invoice payment: '${path.id}'`, 'resource_missing', 'id', 404)
  return payment
})

route('get', '/v1/invoice_payments', (ctx, params) => {
  allowOnly(params, [...LIST_PARAMS, 'invoice', 'status', 'payment', 'created'])
  const invoice = optString(params, 'invoice')
  const status = optEnum(params, 'status', ['canceled', 'open', 'paid'] as const)
  const created = optRange(params, 'created')
  const payment = optObject(params, 'payment')
  if (payment) allowOnly(payment, ['type', 'payment_intent', 'payment_record'], 'payment')
  const type = payment
    ? optEnum(payment, 'type', ['payment_intent', 'payment_record'] as const, 'payment[type]')
    : undefined
  const intent = payment ? optString(payment, 'payment_intent', 'payment[payment_intent]') : undefined
  const items = allPayments(ctx, invoice || undefined).filter(
    (p) =>
      (status === undefined || p.status === status) &&
      inRange(p.created, created) &&
      // The emulator's invoices are paid by PaymentIntents only, never by payment records.
      type !== 'payment_record' &&
      (intent === undefined || p.payment.payment_intent === intent),
  )
  return paginate(items, params, '/v1/invoice_payments')
})
