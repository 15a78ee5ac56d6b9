/**
 * Invoices for subscriptions: built from lines (plan periods and prorations), discounted by the
 * subscription's coupon, finalized and paid through the payments module. Events follow Stripe's
 * order: invoice.created → invoice.finalized → (payment events) → invoice.paid +
 * invoice.payment_succeeded, or invoice.payment_failed.
 * @module
 */
import type Stripe from 'stripe'
import type { Ctx } from '../context.js'
import { newId } from '../ids.js'
import { attemptPayment, type PaymentAttempt } from '../payments.js'
import { discountAmount } from '../resources/coupons.js'
import { customerCoupon, useCustomerDiscount } from '../resources/customer-discounts.js'
import { hiddenOf, insertObject } from '../state.js'
import { invoiceLinks, invoiceShell, setAmounts } from './invoice-shell.js'
import { lineTax, ratesOfSubscriptionItem } from './tax.js'

export type InvoiceLineInput = {
  amount: number
  description: string
  price: Stripe.Price
  quantity: number
  period: { start: number; end: number }
  subscriptionItem: string
  proration?: boolean
  /** The pending invoice item this line bills (prorations); it is marked as on this invoice. */
  invoiceItem?: string
  /** Tax rates of the line when not the subscription item's (a proration keeps the rates it had). */
  taxRates?: Stripe.TaxRate[]
}

export type InvoiceHidden = { couponApplied?: string }

type Reason = Stripe.Invoice.BillingReason

function buildLine(
  invoiceId: string,
  sub: Stripe.Subscription,
  line: InvoiceLineInput,
): Stripe.InvoiceLineItem {
  return {
    id: newId('il', 24),
    object: 'line_item',
    amount: line.amount,
    currency: sub.currency,
    description: line.description,
    discount_amounts: [],
    discountable: !line.proration,
    discounts: [],
    invoice: invoiceId,
    livemode: false,
    metadata: {},
    parent: {
      type: 'subscription_item_details',
      invoice_item_details: null,
      subscription_item_details: {
        invoice_item: line.invoiceItem ?? null,
        proration: line.proration ?? false,
        proration_details: line.proration ? { credited_items: null } : null,
        subscription: sub.id,
        subscription_item: line.subscriptionItem,
      },
    },
    period: line.period,
    pretax_credit_amounts: [],
    pricing: {
      type: 'price_details',
      price_details: { price: line.price.id, product: String(line.price.product) },
      unit_amount_decimal: line.price.unit_amount_decimal,
    },
    quantity: line.quantity,
    quantity_decimal: String(line.quantity) as unknown as Stripe.InvoiceLineItem['quantity_decimal'],
    subscription: sub.id,
    subtotal: line.amount,
    taxes: (line.taxRates ?? ratesOfSubscriptionItem(sub, line.subscriptionItem)).map((rate) =>
      lineTax(rate),
    ),
  } as Stripe.InvoiceLineItem
}

/** The coupon still discounting this subscription's invoices (once: first invoice only). */
function activeCoupon(ctx: Ctx, sub: Stripe.Subscription, reason: Reason): Stripe.Coupon | undefined {
  const hidden = hiddenOf<{ coupon?: string; couponInvoices?: number }>(ctx.state, sub.id)
  if (!hidden.coupon) return undefined
  const coupon = ctx.state.objects[hidden.coupon] as Stripe.Coupon | undefined
  if (!coupon) return undefined
  const used = hidden.couponInvoices ?? 0
  if (coupon.duration === 'once' && used >= 1) return undefined
  if (coupon.duration === 'repeating' && used >= (coupon.duration_in_months ?? 0)) return undefined
  if (reason === 'subscription_update') return undefined
  return coupon
}

export function createInvoice(
  ctx: Ctx,
  sub: Stripe.Subscription,
  reason: Reason,
  lines: InvoiceLineInput[],
): Stripe.Invoice {
  const invoice = buildInvoice(ctx, sub, reason, lines, { preview: false })
  for (const l of lines) {
    const item = l.invoiceItem
      ? (ctx.state.objects[l.invoiceItem] as unknown as Stripe.InvoiceItem)
      : undefined
    if (item) item.invoice = invoice.id
  }
  insertObject(ctx.state, invoice)
  sub.latest_invoice = invoice.id
  ctx.emit('invoice.created', invoice)
  return invoice
}

/**
 * The invoice the next renewal would create, for `invoice.upcoming`: built the same way but not
 * stored, with no id (as Stripe sends it), and without using up a coupon.
 */
export function previewInvoice(
  ctx: Ctx,
  sub: Stripe.Subscription,
  lines: InvoiceLineInput[],
  reason: Reason = 'subscription_cycle',
): Stripe.Invoice {
  const invoice = buildInvoice(ctx, sub, reason, lines, { preview: true })
  const { id: _id, ...rest } = invoice
  return rest as Stripe.Invoice
}

function buildInvoice(
  ctx: Ctx,
  sub: Stripe.Subscription,
  reason: Reason,
  lines: InvoiceLineInput[],
  options: { preview: boolean },
): Stripe.Invoice {
  const now = ctx.now(typeof sub.test_clock === 'string' ? sub.test_clock : ctx.clockId)
  const id = newId('in', 24)
  const built = lines.map((l) => buildLine(id, sub, l))
  const subtotal = built.reduce((sum, l) => sum + l.amount, 0)
  // A $0 invoice (a trial's first) neither uses up nor shows a `once` coupon: it discounts the
  // first invoice that charges something.
  const own = subtotal > 0 ? activeCoupon(ctx, sub, reason) : undefined
  // The customer's own discount applies when the subscription has none (customer-discounts.ts).
  const customerId = String(sub.customer)
  const inherited =
    !own && subtotal > 0 && reason !== 'subscription_update' && sub.discounts.length === 0
      ? customerCoupon(ctx, customerId)
      : undefined
  const coupon = own ?? inherited
  const discount = coupon ? Math.min(subtotal, discountAmount(coupon, subtotal, sub.currency)) : 0
  if (own && !options.preview) {
    const hidden = hiddenOf<{ couponInvoices?: number }>(ctx.state, sub.id)
    hidden.couponInvoices = (hidden.couponInvoices ?? 0) + 1
  }
  if (inherited && !options.preview) useCustomerDiscount(ctx, customerId)
  const periods = lines.filter((l) => !l.proration).map((l) => l.period)
  const clock = typeof sub.test_clock === 'string' ? sub.test_clock : null
  const invoice = invoiceShell(ctx, {
    id,
    customer: String(sub.customer),
    currency: sub.currency,
    now,
    reason,
    clock,
  })
  invoice.lines.data = built
  setAmounts(ctx, invoice, discount)
  invoice.period_start = periods[0]?.start ?? now
  invoice.period_end = periods[0]?.end ?? now
  invoice.parent = {
    type: 'subscription_details',
    quote_details: null,
    subscription_details: { metadata: { ...sub.metadata }, subscription: sub.id },
  } as Stripe.Invoice.Parent
  if (coupon) {
    const discountId = own
      ? String(sub.discounts[0])
      : (ctx.state.objects[customerId] as unknown as Stripe.Customer).discount!.id
    invoice.discounts = [discountId] as unknown as Stripe.Invoice['discounts']
    invoice.total_discount_amounts = [{ amount: discount, discount: discountId }]
  }
  return invoice
}

export function finalizeInvoice(ctx: Ctx, invoice: Stripe.Invoice): void {
  if (invoice.status !== 'draft') return
  const customer = ctx.state.objects[String(invoice.customer)] as Stripe.Customer | undefined
  const seq = customer ? (customer.next_invoice_sequence ?? 1) : 1
  if (customer) customer.next_invoice_sequence = seq + 1
  invoice.status = 'open'
  invoice.number = `${customer?.invoice_prefix ?? 'TG'}-${String(seq).padStart(4, '0')}`
  invoice.status_transitions.finalized_at = ctx.now()
  invoice.effective_at = ctx.now()
  invoice.automatically_finalizes_at = null
  invoiceLinks(ctx, invoice)
  ctx.emit('invoice.finalized', invoice)
}

function markPaid(ctx: Ctx, invoice: Stripe.Invoice): void {
  invoice.status = 'paid'
  invoice.amount_paid = invoice.amount_due
  invoice.amount_remaining = 0
  invoice.attempted = invoice.amount_due > 0 || invoice.attempted
  invoice.next_payment_attempt = null
  invoice.status_transitions.paid_at = ctx.now()
  ctx.emit('invoice.paid', invoice)
  ctx.emit('invoice.payment_succeeded', invoice)
  const payment = invoicePaymentOf(ctx, invoice)
  if (payment) ctx.emit('invoice_payment.paid', payment)
}

/** The InvoicePayment for the PaymentIntent that paid `invoice` (none for a $0 invoice). */
export function invoicePaymentOf(ctx: Ctx, invoice: { id: string }): Record<string, unknown> | null {
  const pi = hiddenOf<{ paymentIntent?: string }>(ctx.state, invoice.id).paymentIntent
  if (!pi) return null
  const i = invoice as unknown as Stripe.Invoice
  return {
    id: `inpay_${pi.slice(3)}`,
    object: 'invoice_payment',
    amount_paid: i.amount_paid,
    amount_requested: i.amount_due,
    created: i.created,
    currency: i.currency,
    invoice: i.id,
    is_default: true,
    livemode: false,
    payment: { type: 'payment_intent', payment_intent: pi },
    status: 'paid',
    status_transitions: { canceled_at: null, paid_at: i.status_transitions.paid_at },
  }
}

/** The payment method an invoice is charged with: the subscription's, else the customer's default (PaymentMethod, then source). */
export function paymentMethodFor(
  ctx: Ctx,
  sub: Stripe.Subscription | null,
  customerId = String(sub?.customer),
): string | null {
  if (typeof sub?.default_payment_method === 'string') return sub.default_payment_method
  const customer = ctx.state.objects[customerId] as Stripe.Customer | undefined
  const pm = customer?.invoice_settings.default_payment_method
  if (typeof pm === 'string') return pm
  // A legacy card source (customer-sources.ts) pays when no PaymentMethod is named, as on Stripe.
  return typeof customer?.default_source === 'string' ? customer.default_source : null
}

const DESCRIPTIONS: Partial<Record<string, string>> = {
  subscription_create: 'Subscription creation',
  subscription_cycle: 'Subscription update',
  manual: 'Payment for Invoice',
}

export type PayOutcome = 'paid' | 'failed' | 'requires_action'

/** Finalizes if needed and tries to collect; a $0 invoice is paid without a charge. */
export function payInvoice(ctx: Ctx, invoice: Stripe.Invoice, sub: Stripe.Subscription | null): PayOutcome {
  finalizeInvoice(ctx, invoice)
  if (invoice.status === 'paid') return 'paid'
  if (invoice.amount_due === 0) {
    markPaid(ctx, invoice)
    return 'paid'
  }
  invoice.attempt_count += 1
  invoice.attempted = true
  const pm =
    typeof invoice.default_payment_method === 'string'
      ? invoice.default_payment_method
      : paymentMethodFor(ctx, sub, String(invoice.customer))
  const attempt: PaymentAttempt | undefined = pm
    ? attemptPayment(ctx, {
        customer: String(invoice.customer),
        amount: invoice.amount_due,
        currency: invoice.currency,
        paymentMethod: pm,
        description: DESCRIPTIONS[invoice.billing_reason ?? 'manual'] ?? 'Subscription update',
        invoice: invoice.id,
        offSession: invoice.billing_reason !== 'subscription_create',
      })
    : undefined
  if (attempt?.outcome === 'succeeded') {
    hiddenOf(ctx.state, invoice.id).paymentIntent = attempt.paymentIntent.id
    markPaid(ctx, invoice)
    return 'paid'
  }
  invoice.last_finalization_error = null
  if (attempt?.outcome === 'requires_action') {
    ctx.emit('invoice.payment_action_required', invoice)
    return 'requires_action'
  }
  return 'failed'
}

/** Emits invoice.payment_failed with the next retry time (null when no retry is left). */
export function recordFailure(ctx: Ctx, invoice: Stripe.Invoice, nextAttempt: number | null): void {
  invoice.next_payment_attempt = nextAttempt
  ctx.emit('invoice.payment_failed', invoice)
}

export function voidInvoice(ctx: Ctx, invoice: Stripe.Invoice): void {
  invoice.status = 'void'
  invoice.amount_remaining = 0
  invoice.next_payment_attempt = null
  invoice.status_transitions.voided_at = ctx.now()
  ctx.emit('invoice.voided', invoice)
}

export function markUncollectible(ctx: Ctx, invoice: Stripe.Invoice): void {
  invoice.status = 'uncollectible'
  invoice.next_payment_attempt = null
  invoice.status_transitions.marked_uncollectible_at = ctx.now()
  ctx.emit('invoice.marked_uncollectible', invoice)
}
