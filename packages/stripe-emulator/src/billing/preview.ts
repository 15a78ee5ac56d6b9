/**
 * `POST /v1/invoices/create_preview`: the invoice a change would produce, computed with the same
 * arithmetic as the change itself (change-plan.ts) and stored nowhere, with an `upcoming_in_…` id
 * as Stripe gives previews.
 *
 * - `subscription` alone: the next renewal (plan lines and pending prorations), as
 *   `invoice.upcoming` shows it.
 * - `subscription` + `subscription_details[items]` (price or quantity) with
 *   `create_prorations` (default): the next renewal at the new prices with the unused-time credit
 *   and remaining-time charge from `proration_date` (default now); `always_invoice`: only the
 *   invoice that would be charged now; `none`: the next renewal at the new prices. A month ↔ year
 *   change previews the invoice charged at once (credit and the new period), as the change does.
 * - `customer` alone: the customer's pending invoice items, as a manual invoice would sweep them in.
 * @module
 */
import type Stripe from 'stripe'
import type { Ctx } from '../context.js'
import { invalidRequest, missingParam, unsupportedParam } from '../errors.js'
import { newId } from '../ids.js'
import { allowOnly, optEnum, optObject, optString, optTimestamp, type Params } from '../params.js'
import { clockOfCustomer } from '../resources/customers.js'
import { readSwaps } from '../resources/subscription-params.js'
import { getObject, listObjects } from '../state.js'
import { prorationLines, type Swap } from './change-plan.js'
import { lineOf } from './invoice-edits.js'
import { invoiceShell, setAmounts } from './invoice-shell.js'
import { type InvoiceLineInput, previewInvoice } from './invoices.js'
import { pendingLines, planLines } from './lifecycle.js'
import { clockOfSubscription, currentPeriodEnd, currentPeriodStart, periodEnd, planOf } from './model.js'
import { flatAmount } from './usage.js'

const DETAILS = [
  'items',
  'proration_behavior',
  'proration_date',
  'billing_cycle_anchor',
  'billing_mode',
  'cancel_at',
  'cancel_at_period_end',
  'cancel_now',
  'default_tax_rates',
  'resume_at',
  'start_date',
  'trial_end',
] as const
const MODELLED = new Set(['items', 'proration_behavior', 'proration_date'])

function withId(invoice: Stripe.Invoice): Stripe.Invoice {
  return { ...invoice, id: `upcoming_${newId('in', 24)}` }
}

/** The subscription as it would be after the swaps (a copy; the stored one is untouched). */
function swapped(sub: Stripe.Subscription, swaps: Swap[]): Stripe.Subscription {
  const copy = JSON.parse(JSON.stringify(sub)) as Stripe.Subscription
  for (const swap of swaps) {
    const item = copy.items.data.find((i) => i.id === swap.item.id)
    if (!item) continue
    item.price = swap.price
    item.plan = planOf(swap.price)
    item.quantity = swap.quantity
  }
  return copy
}

function nextRenewal(ctx: Ctx, s: Stripe.Subscription, extra: InvoiceLineInput[]): Stripe.Invoice {
  const start = currentPeriodEnd(s)
  const end = periodEnd(s.items.data[0]!.price, start, s.billing_cycle_anchor)
  const invoice = previewInvoice(ctx, s, [...planLines(ctx, s, start, end), ...extra])
  invoice.next_payment_attempt = start + 3600
  return invoice
}

function previewChange(ctx: Ctx, sub: Stripe.Subscription, details: Params): Stripe.Invoice {
  const swaps = readSwaps(ctx, sub, details)
  const behaviour =
    optEnum(
      details,
      'proration_behavior',
      ['create_prorations', 'none', 'always_invoice'] as const,
      'subscription_details[proration_behavior]',
    ) ?? 'create_prorations'
  const start = currentPeriodStart(sub)
  const end = currentPeriodEnd(sub)
  const now = ctx.now(clockOfSubscription(ctx, sub))
  const at = optTimestamp(details, 'proration_date', 'subscription_details[proration_date]') ?? now
  if (at < start || at > end) {
    throw invalidRequest(
      'The proration date must be within the current billing period.',
      'parameter_invalid',
      'subscription_details[proration_date]',
    )
  }
  const trialing = sub.status === 'trialing'
  const after = swapped(sub, swaps)
  const pending = pendingLines(ctx, sub)
  const prorations =
    trialing || behaviour === 'none' ? [] : swaps.flatMap((swap) => prorationLines(swap, at, start, end))
  const intervalChanged = swaps.some(
    (s) =>
      s.item.price.recurring?.interval !== s.price.recurring?.interval ||
      s.item.price.recurring?.interval_count !== s.price.recurring?.interval_count,
  )
  if (intervalChanged && !trialing) {
    const credits = prorations.filter((l) => l.amount < 0)
    const charges = swaps.map((swap) => ({
      amount: flatAmount(swap.price, swap.quantity),
      description: `${swap.quantity} × ${swap.price.nickname ?? swap.price.id}`,
      price: swap.price,
      quantity: swap.quantity,
      period: { start: at, end: periodEnd(swap.price, at, at) },
      subscriptionItem: swap.item.id,
    }))
    return withId(previewInvoice(ctx, after, [...pending, ...credits, ...charges], 'subscription_update'))
  }
  if (behaviour === 'always_invoice')
    return withId(previewInvoice(ctx, after, [...pending, ...prorations], 'subscription_update'))
  return withId(nextRenewal(ctx, after, [...pending, ...prorations]))
}

/** A manual invoice's preview: the customer's pending invoice items. */
function previewPendingItems(
  ctx: Ctx,
  customer: Stripe.Customer,
  currency: string | undefined,
): Stripe.Invoice {
  const items = listObjects<Stripe.InvoiceItem>(
    ctx.state,
    'invoiceitem',
    (ii) => ii.customer === customer.id && ii.invoice === null && (!currency || ii.currency === currency),
  ).reverse()
  const clock = clockOfCustomer(ctx, customer.id)
  const id = `upcoming_${newId('in', 24)}`
  const invoice = invoiceShell(ctx, {
    id,
    customer: customer.id,
    currency: currency ?? items[0]?.currency ?? 'usd',
    now: ctx.now(clock),
    reason: 'manual',
    clock,
  })
  invoice.lines.data = items.map((item) => lineOf(item, id))
  setAmounts(ctx, invoice, 0)
  return invoice
}

export function createPreview(ctx: Ctx, params: Params): Stripe.Invoice {
  allowOnly(params, ['customer', 'subscription', 'subscription_details', 'currency'])
  const details = optObject(params, 'subscription_details')
  if (details) {
    allowOnly(details, DETAILS, 'subscription_details')
    for (const key of Object.keys(details))
      if (!MODELLED.has(key)) throw unsupportedParam(`subscription_details[${key}]`)
  }
  const subId = optString(params, 'subscription')
  if (subId) {
    const sub = getObject<Stripe.Subscription>(ctx.state, 'subscription', subId, 'subscription')
    const customer = optString(params, 'customer')
    if (customer && customer !== sub.customer)
      throw invalidRequest(
        'The subscription does not belong to this customer.',
        'parameter_invalid',
        'customer',
      )
    if (sub.status === 'canceled' || sub.status === 'incomplete_expired')
      throw invalidRequest(
        `The subscription ${sub.id} is ${sub.status}; there is nothing to preview.`,
        'invoice_upcoming_none',
      )
    if (details?.items !== undefined) return previewChange(ctx, sub, details)
    return withId(nextRenewal(ctx, sub, pendingLines(ctx, sub)))
  }
  if (details) throw missingParam('subscription')
  const customerId = optString(params, 'customer')
  if (!customerId) throw missingParam('customer')
  const customer = getObject<Stripe.Customer>(ctx.state, 'customer', customerId, 'customer')
  return previewPendingItems(ctx, customer, optString(params, 'currency')?.toLowerCase())
}
