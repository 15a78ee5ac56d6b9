/**
 * Swapping a subscription item's price. `create_prorations` (the default) credits the unused time
 * on the old price and charges the remaining time on the new one on the next invoice, as two
 * pending proration invoice items (`invoiceitem.created`);
 * `always_invoice` invoices those lines at once; `none` only swaps. Changing the interval
 * (month ↔ year) resets the billing cycle: the new period starts now and is charged at once.
 * @module
 */
import type Stripe from 'stripe'
import type { Ctx } from '../context.js'
import { createInvoice, type InvoiceLineInput, payInvoice } from './invoices.js'
import { changeSubscription, scheduleCycle, takePendingLines } from './lifecycle.js'
import { insertProrationItem } from './manual-invoices.js'
import {
  clockOfSubscription,
  currentPeriodEnd,
  currentPeriodStart,
  periodEnd,
  planOf,
  subHidden,
} from './model.js'
import { prorate } from './periods.js'
import { flatAmount } from './usage.js'

export type Proration = 'create_prorations' | 'none' | 'always_invoice'

export type Swap = { item: Stripe.SubscriptionItem; price: Stripe.Price; quantity: number }

/** The credit for the unused time on the old price and the charge for the rest on the new one. */
export function prorationLines(swap: Swap, now: number, start: number, end: number): InvoiceLineInput[] {
  const total = end - start
  const remaining = end - now
  const oldAmount = flatAmount(swap.item.price, swap.item.quantity ?? 1)
  const newAmount = flatAmount(swap.price, swap.quantity)
  return [
    {
      amount: -prorate(oldAmount, remaining, total),
      description: `Unused time on ${swap.item.price.nickname ?? swap.item.price.id}`,
      price: swap.item.price,
      quantity: swap.item.quantity ?? 1,
      period: { start: now, end },
      subscriptionItem: swap.item.id,
      proration: true,
    },
    {
      amount: prorate(newAmount, remaining, total),
      description: `Remaining time on ${swap.price.nickname ?? swap.price.id}`,
      price: swap.price,
      quantity: swap.quantity,
      period: { start: now, end },
      subscriptionItem: swap.item.id,
      proration: true,
    },
  ]
}

export function changePlan(ctx: Ctx, sub: Stripe.Subscription, swap: Swap, behaviour: Proration): void {
  const now = ctx.now(clockOfSubscription(ctx, sub))
  const start = currentPeriodStart(sub)
  const end = currentPeriodEnd(sub)
  const intervalChanged =
    swap.item.price.recurring?.interval !== swap.price.recurring?.interval ||
    swap.item.price.recurring?.interval_count !== swap.price.recurring?.interval_count
  const trialing = sub.status === 'trialing'
  const lines = trialing || behaviour === 'none' ? [] : prorationLines(swap, now, start, end)
  changeSubscription(ctx, sub, (s) => {
    const item = s.items.data.find((i) => i.id === swap.item.id)!
    item.price = swap.price
    item.plan = planOf(swap.price)
    item.quantity = swap.quantity
    if (intervalChanged && !trialing) {
      s.billing_cycle_anchor = now
      for (const i of s.items.data) {
        i.current_period_start = now
        i.current_period_end = periodEnd(i.price, now, now)
      }
    }
  })
  if (intervalChanged && !trialing) {
    // The unused time is credited and the new period charged now, on one invoice.
    const credit = behaviour === 'none' ? [] : lines.slice(0, 1)
    const period = { start: now, end: currentPeriodEnd(sub) }
    const charge: InvoiceLineInput = {
      amount: flatAmount(swap.price, swap.quantity),
      description: `${swap.quantity} × ${swap.price.nickname ?? swap.price.id}`,
      price: swap.price,
      quantity: swap.quantity,
      period,
      subscriptionItem: swap.item.id,
    }
    invoiceNow(ctx, sub, [...takePendingLines(ctx, sub), ...credit, charge])
  } else {
    billProrations(ctx, sub, lines, behaviour)
  }
  scheduleCycle(ctx, sub)
}

/**
 * Bills proration lines as `behaviour` says: `always_invoice` invoices them (with what was pending)
 * at once; otherwise they wait as pending invoice items for the next invoice.
 */
export function billProrations(
  ctx: Ctx,
  sub: Stripe.Subscription,
  lines: InvoiceLineInput[],
  behaviour: Proration,
): void {
  if (lines.length === 0 || behaviour === 'none') return
  if (behaviour === 'always_invoice') {
    invoiceNow(ctx, sub, [...takePendingLines(ctx, sub), ...lines])
    return
  }
  const hidden = subHidden(ctx, sub.id)
  hidden.pendingLines = [
    ...(hidden.pendingLines ?? []),
    ...lines.map((l) => ({
      amount: l.amount,
      description: l.description,
      price: l.price.id,
      quantity: l.quantity,
      start: l.period.start,
      end: l.period.end,
      item: l.subscriptionItem,
      invoiceItem: insertProrationItem(ctx, sub, l).id,
    })),
  ]
}

function invoiceNow(ctx: Ctx, sub: Stripe.Subscription, lines: InvoiceLineInput[]): void {
  const total = lines.reduce((sum, l) => sum + l.amount, 0)
  if (total < 0) {
    // A net credit goes to the customer's balance rather than an invoice with a negative total.
    const customer = ctx.state.objects[String(sub.customer)] as Stripe.Customer | undefined
    if (customer) customer.balance += total
    return
  }
  const invoice = createInvoice(ctx, sub, 'subscription_update', lines)
  payInvoice(ctx, invoice, sub)
}
