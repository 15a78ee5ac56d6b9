/**
 * Webhook handlers for subscriptions. Each reads only the id from the event, re-fetches from
 * Stripe (outside any transaction) and returns the apply step the inbox runs in its transaction:
 * the one subscription sync, plus the email that belongs to that event.
 * @module
 */
import type Stripe from 'stripe'
import type { Executor } from '../../db/database.js'
import type { Deps } from '../../deps.js'
import { formatMoney } from '../../lib/money.js'
import { findPrice } from '../catalog/find.js'
import { findCustomerById } from '../customers/repo.js'
import { enqueueMail } from '../mail/outbox.js'
import type { ApplyEvent, EventOf } from '../webhooks/handlers.js'
import {
  BILLING_MAIL,
  type PaymentFailedMail,
  type ReceiptMail,
  type RenewalReminderMail,
  type TrialEndingMail,
} from './mail.js'
import { planName } from './plans.js'
import { fetchSubscriptionSnapshot, idOf, invoiceSubscriptionId } from './snapshot.js'
import { applySubscriptionSnapshot, type SyncResult } from './sync.js'

type SubscriptionEvent = EventOf<
  | 'customer.subscription.created'
  | 'customer.subscription.updated'
  | 'customer.subscription.deleted'
  | 'customer.subscription.paused'
  | 'customer.subscription.resumed'
>

async function syncStep(deps: Deps, subscriptionId: string): Promise<(trx: Executor) => Promise<SyncResult>> {
  const snapshot = await fetchSubscriptionSnapshot(deps, subscriptionId)
  return (trx) => applySubscriptionSnapshot(deps, trx, snapshot)
}

/** An invoice event's invoice, re-fetched, and the sync of its subscription (none for other invoices). */
async function invoiceSyncStep(
  deps: Deps,
  invoiceId: string,
): Promise<{ invoice: Stripe.Invoice; step: (trx: Executor) => Promise<SyncResult> } | undefined> {
  const invoice = await deps.stripe.invoices.retrieve(invoiceId)
  const subscriptionId = invoiceSubscriptionId(invoice)
  if (!subscriptionId) return undefined
  return { invoice, step: await syncStep(deps, subscriptionId) }
}

export async function onSubscriptionChanged(deps: Deps, event: SubscriptionEvent): Promise<ApplyEvent> {
  const step = await syncStep(deps, event.data.object.id)
  return async (trx) => {
    await step(trx)
  }
}

export async function onTrialWillEnd(
  deps: Deps,
  event: EventOf<'customer.subscription.trial_will_end'>,
): Promise<ApplyEvent> {
  const step = await syncStep(deps, event.data.object.id)
  return async (trx) => {
    const { current } = await step(trx)
    if (current.status !== 'trialing' || !current.trial_end) return
    const data: TrialEndingMail = {
      planName: planName(deps.catalog, current),
      trialEnd: current.trial_end,
      accountUrl: `${deps.config.publicUrl}/account`,
    }
    await mailCustomer(deps, trx, current.customer_id, BILLING_MAIL.trialEnding, data)
  }
}

export async function onInvoicePaid(
  deps: Deps,
  event: EventOf<'invoice.paid'>,
): Promise<ApplyEvent | undefined> {
  const fetched = await invoiceSyncStep(deps, event.data.object.id as string)
  if (!fetched) return undefined
  const { invoice, step } = fetched
  return async (trx) => {
    const { current } = await step(trx)
    if (invoice.status !== 'paid' || invoice.amount_paid <= 0) return
    const data: ReceiptMail = {
      planName: planName(deps.catalog, current),
      amount: formatMoney(invoice.amount_paid, invoice.currency),
      invoiceUrl: invoice.hosted_invoice_url ?? null,
      accountUrl: `${deps.config.publicUrl}/account`,
    }
    await mailCustomer(deps, trx, current.customer_id, BILLING_MAIL.receipt, data)
  }
}

export async function onInvoicePaymentFailed(
  deps: Deps,
  event: EventOf<'invoice.payment_failed'>,
): Promise<ApplyEvent | undefined> {
  const fetched = await invoiceSyncStep(deps, event.data.object.id as string)
  if (!fetched) return undefined
  const { invoice, step } = fetched
  return async (trx) => {
    const { current } = await step(trx)
    if (invoice.status === 'paid') return
    const data: PaymentFailedMail = {
      planName: planName(deps.catalog, current),
      amount: formatMoney(invoice.amount_due, invoice.currency),
      accountUrl: `${deps.config.publicUrl}/account`,
    }
    await mailCustomer(deps, trx, current.customer_id, BILLING_MAIL.paymentFailed, data)
  }
}

/**
 * invoice.upcoming: a week (Stripe's setting) before a renewal. Yearly members get a reminder with
 * the amount and date, as auto-renewal rules in many places expect; monthly ones would only get
 * noise. The event's invoice has no id, so the subscription is what gets re-fetched; a reminder
 * for a renewal that is no longer coming (canceled since, or already past) is not sent.
 */
export async function onInvoiceUpcoming(
  deps: Deps,
  event: EventOf<'invoice.upcoming'>,
): Promise<ApplyEvent | undefined> {
  const preview = event.data.object
  const subscriptionId = invoiceSubscriptionId(preview)
  if (!subscriptionId) return undefined
  const step = await syncStep(deps, subscriptionId)
  return async (trx) => {
    const { current } = await step(trx)
    const end = current.current_period_end
    const renews =
      ['active', 'trialing', 'past_due'].includes(current.status) && !current.cancel_at_period_end
    if (!renews || !end || end <= deps.clock.now().toISOString()) return
    const price = current.price_lookup_key ? findPrice(deps.catalog, current.price_lookup_key) : undefined
    if (price?.recurring?.interval !== 'year') return
    const data: RenewalReminderMail = {
      planName: planName(deps.catalog, current),
      amount: formatMoney(preview.amount_due, preview.currency),
      renewsOn: end,
      accountUrl: `${deps.config.publicUrl}/account`,
    }
    await mailCustomer(deps, trx, current.customer_id, BILLING_MAIL.renewalReminder, data)
  }
}

/** The summary names only the customer: sync every subscription of that customer. */
export async function onEntitlementSummaryUpdated(
  deps: Deps,
  event: EventOf<'entitlements.active_entitlement_summary.updated'>,
): Promise<ApplyEvent | undefined> {
  const customer = idOf(event.data.object.customer as string | Stripe.Customer)
  if (!customer) return undefined
  // Only a nudge: the subscription events carry the state, so a failed listing is not retried.
  const listed = await deps.stripe.subscriptions.list({ customer, status: 'all', limit: 20 }).catch((err) => {
    deps.log.warn(
      { err: (err as Error).message, customer },
      'could not list subscriptions for an entitlement summary',
    )
    return undefined
  })
  if (!listed) return undefined
  const steps = await Promise.all(listed.data.map((s) => syncStep(deps, s.id)))
  return async (trx) => {
    for (const step of steps) await step(trx)
  }
}

/** checkout.session.completed in subscription mode: sync the subscription the session created. */
export async function onSubscriptionCheckoutCompleted(
  deps: Deps,
  event: EventOf<'checkout.session.completed'>,
): Promise<ApplyEvent | undefined> {
  const session = await deps.stripe.checkout.sessions.retrieve(event.data.object.id)
  const subscriptionId = idOf(session.subscription)
  if (session.mode !== 'subscription' || !subscriptionId) return undefined
  const step = await syncStep(deps, subscriptionId)
  return async (trx) => {
    await step(trx)
  }
}

async function mailCustomer(
  deps: Deps,
  trx: Executor,
  customerId: string,
  template: string,
  data: Record<string, unknown>,
): Promise<void> {
  const customer = await findCustomerById(trx, customerId)
  if (customer) await enqueueMail(trx, { to: customer.email, template, data }, deps.clock)
}
