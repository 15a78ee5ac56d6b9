/**
 * The fields every invoice starts with (a draft with no lines and zero amounts), shared by
 * subscription invoices and manual ones (`POST /v1/invoices`). Callers fill in lines, amounts and
 * `parent`.
 * @module
 */
import type Stripe from 'stripe'
import type { Ctx } from '../context.js'
import { ACCOUNT_NAME } from '../resources/checkout-branding.js'
import { applyInvoiceTaxes } from './tax.js'

export type ShellInput = {
  id: string
  customer: string
  currency: string
  now: number
  reason: Stripe.Invoice.BillingReason
  clock: string | null
}

export function invoiceShell(ctx: Ctx, input: ShellInput): Stripe.Invoice {
  const { id, now } = input
  const customer = ctx.state.objects[input.customer] as Stripe.Customer | undefined
  return {
    id,
    object: 'invoice',
    account_country: 'US',
    account_name: ACCOUNT_NAME,
    account_tax_ids: null,
    amount_due: 0,
    amount_overpaid: 0,
    amount_paid: 0,
    amount_remaining: 0,
    amount_shipping: 0,
    application: null,
    attempt_count: 0,
    attempted: false,
    auto_advance: true,
    automatic_tax: { disabled_reason: null, enabled: false, liability: null, provider: null, status: null },
    automatically_finalizes_at: now + 3600,
    billing_reason: input.reason,
    collection_method: 'charge_automatically',
    created: now,
    currency: input.currency,
    custom_fields: null,
    customer: input.customer,
    customer_account: null,
    customer_address: null,
    customer_email: customer?.email ?? null,
    customer_name: customer?.name ?? null,
    customer_phone: null,
    customer_shipping: null,
    customer_tax_exempt: 'none',
    default_payment_method: null,
    default_source: null,
    default_tax_rates: [],
    description: null,
    discounts: [],
    due_date: null,
    effective_at: null,
    ending_balance: null,
    footer: null,
    from_invoice: null,
    // As on Stripe, a draft has neither link; finalizing sets both (see invoiceLinks).
    hosted_invoice_url: null,
    invoice_pdf: null,
    issuer: { type: 'self' },
    last_finalization_error: null,
    latest_revision: null,
    lines: { object: 'list', url: `/v1/invoices/${id}/lines`, has_more: false, data: [] },
    livemode: false,
    metadata: {},
    next_payment_attempt: null,
    number: null,
    on_behalf_of: null,
    parent: null,
    payment_settings: { default_mandate: null, payment_method_options: null, payment_method_types: null },
    period_end: now,
    period_start: now,
    post_payment_credit_notes_amount: 0,
    pre_payment_credit_notes_amount: 0,
    receipt_number: null,
    rendering: null,
    shipping_cost: null,
    shipping_details: null,
    starting_balance: 0,
    statement_descriptor: null,
    status: 'draft',
    status_transitions: { finalized_at: null, marked_uncollectible_at: null, paid_at: null, voided_at: null },
    subtotal: 0,
    subtotal_excluding_tax: 0,
    test_clock: input.clock,
    total: 0,
    total_discount_amounts: [],
    total_excluding_tax: 0,
    total_pretax_credit_amounts: [],
    total_taxes: [],
    webhooks_delivered_at: null,
  } as unknown as Stripe.Invoice
}

/** The hosted invoice page and PDF, which Stripe links once an invoice is finalized. */
export function invoiceLinks(ctx: Ctx, invoice: Stripe.Invoice): void {
  invoice.hosted_invoice_url = `${ctx.baseUrl}/i/${invoice.id}`
  invoice.invoice_pdf = `${ctx.baseUrl}/i/${invoice.id}/pdf`
}

/**
 * Sets subtotal/total, taxes and what is due from the lines (each taxed at the rates its `taxes`
 * entries name, see tax.ts) and an invoice-level discount amount.
 */
export function setAmounts(ctx: Ctx, invoice: Stripe.Invoice, discount: number): void {
  applyInvoiceTaxes(ctx, invoice, discount)
}
