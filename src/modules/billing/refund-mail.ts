/**
 * A refund of a subscription's invoice: Stripe refunds the money and leaves the subscription as
 * it was. The invoice records what was refunded (for the owner's figures), and the subscriber is told what was refunded and what that does (or does not do) to
 * their access, read from the subscription after a fresh sync. One email per `charge.refunded`
 * event (each refund, partial or full, sends one); one-time orders are the orders module's.
 * @module
 */
import type Stripe from 'stripe'
import type { Deps } from '../../deps.js'
import { formatMoney } from '../../lib/money.js'
import type { ApplyEvent, EventOf } from '../webhooks/index.js'
import { mailSubscriber } from './customer-mail.js'
import { isEnding } from './lifecycle-mail.js'
import { BILLING_MAIL, type SubscriptionRefundMail } from './mail.js'
import { findInvoiceByStripeId, recordInvoiceRefund } from './repo.js'
import { fetchSubscriptionSnapshot, idOf, invoiceSubscriptionId } from './snapshot.js'
import { applySubscriptionSnapshot } from './sync.js'
import type { SubscriptionRow } from './table.js'

/** How many recent invoices of the customer are searched for the refunded payment. */
const INVOICES_SEARCHED = 100

export async function onSubscriptionChargeRefunded(
  deps: Deps,
  event: EventOf<'charge.refunded'>,
): Promise<ApplyEvent | undefined> {
  const charge = await deps.stripe.charges.retrieve(event.data.object.id)
  const paymentIntent = idOf(charge.payment_intent)
  const customer = idOf(charge.customer)
  if (!paymentIntent || !customer) return undefined
  const invoice = await findInvoicePaidBy(deps, customer, paymentIntent)
  const subscriptionId = invoice ? invoiceSubscriptionId(invoice) : undefined
  if (!invoice || !subscriptionId) return undefined
  const snapshot = await fetchSubscriptionSnapshot(deps, subscriptionId)
  // This refund's amount: the charge's total refunded when the event was sent, less what it was before.
  const after = event.data.object.amount_refunded
  const before = (event.data.previous_attributes as { amount_refunded?: number } | undefined)?.amount_refunded
  const amount = typeof before === 'number' && before < after ? after - before : after
  return async (trx) => {
    const { current } = await applySubscriptionSnapshot(deps, trx, snapshot)
    // The owner's refunds count it (admin metrics), dated now as one-time orders' refunds are.
    await recordInvoiceRefund(trx, invoice.id as string, {
      amountRefunded: charge.amount_refunded,
      refundedAt: deps.clock.now().toISOString(),
    })
    const row = await findInvoiceByStripeId(trx, invoice.id as string)
    const data: Omit<SubscriptionRefundMail, 'planName' | 'accountUrl'> = {
      amount: formatMoney(amount, charge.currency),
      paid: formatMoney(charge.amount, charge.currency),
      full: charge.refunded,
      access: accessAfterRefund(current),
      accessUntil: current.cancel_at ?? current.current_period_end,
      receiptUrl: row ? `${deps.config.publicUrl}/account/invoices/${row.id}` : null,
    }
    await mailSubscriber(deps, trx, current, BILLING_MAIL.refund, data)
  }
}

/** The invoice (of this customer) that the PaymentIntent paid, from the invoices' payments. */
async function findInvoicePaidBy(
  deps: Deps,
  customer: string,
  paymentIntent: string,
): Promise<Stripe.Invoice | undefined> {
  const invoices = await deps.stripe.invoices.list({
    customer,
    limit: INVOICES_SEARCHED,
    expand: ['data.payments'],
  })
  return invoices.data.find((invoice) =>
    (invoice.payments?.data ?? []).some((p) => idOf(p.payment.payment_intent) === paymentIntent),
  )
}

function accessAfterRefund(row: SubscriptionRow): SubscriptionRefundMail['access'] {
  if (!['trialing', 'active', 'past_due', 'paused'].includes(row.status)) return 'ended'
  return isEnding(row) ? 'until' : 'continues'
}
