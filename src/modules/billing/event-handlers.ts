/**
 * Webhook handlers for subscriptions. Each reads only the id from the event, re-fetches from
 * Stripe (outside any transaction) and returns the apply step the inbox runs in its transaction:
 * the one subscription sync, then the email that belongs to that event, if any.
 * `BILLING_EVENT_HANDLERS` is this module's part of the inbox's handler map.
 * @module
 */
import type Stripe from 'stripe'
import type { Executor } from '../../db/database.js'
import type { Deps } from '../../deps.js'
import { formatMoney } from '../../lib/money.js'
import { alertOwner, ownerNote } from '../alerts/index.js'
import { findPrice } from '../catalog/index.js'
import { mayBeOfMode } from '../checkout/index.js'
import type { MailTemplate } from '../mail/index.js'
import type { ApplyEvent, EventHandlerMap, EventOf } from '../webhooks/index.js'
import { mailSubscriber, type PlanMailBase } from './customer-mail.js'
import { isEnding } from './lifecycle-mail.js'
import { BILLING_MAIL, type TrialEndingMail } from './mail.js'
import { onSubscriptionChargeRefunded } from './refund-mail.js'
import { findInvoiceByStripeId } from './repo.js'
import { fetchSubscriptionSnapshot, idOf, invoiceSubscriptionId } from './snapshot.js'
import { continueOnScheduledPlan } from './switch-at-period-end.js'
import { applySubscriptionSnapshot, type SyncResult } from './sync.js'
import type { SubscriptionRow } from './table.js'
import { endRepeatedTrial } from './trials.js'

type SyncStep = (trx: Executor) => Promise<SyncResult>

async function syncStep(deps: Deps, subscriptionId: string): Promise<SyncStep> {
  const snapshot = await endRepeatedTrial(deps, await fetchSubscriptionSnapshot(deps, subscriptionId))
  return (trx) => applySubscriptionSnapshot(deps, trx, snapshot)
}

/**
 * The apply step of most handlers: sync, then mail the subscriber with `template` when `build`
 * returns data for the synced row (undefined = no email for this state).
 */
function syncThenMail<Data extends PlanMailBase>(
  deps: Deps,
  step: SyncStep,
  template: MailTemplate<Data>,
  build: (current: SubscriptionRow) => Omit<Data, keyof PlanMailBase> | undefined,
): ApplyEvent {
  return async (trx) => {
    const { current } = await step(trx)
    const data = build(current)
    if (data) await mailSubscriber(deps, trx, current, template, data)
  }
}

/** An invoice event's invoice, re-fetched, and the sync of its subscription (none for other invoices). */
async function invoiceSyncStep(
  deps: Deps,
  invoiceId: string,
): Promise<{ invoice: Stripe.Invoice; step: SyncStep } | undefined> {
  const invoice = await deps.stripe.invoices.retrieve(invoiceId)
  const subscriptionId = invoiceSubscriptionId(invoice)
  if (!subscriptionId) return undefined
  return { invoice, step: await syncStep(deps, subscriptionId) }
}

type SubscriptionEvent = EventOf<
  | 'customer.subscription.created'
  | 'customer.subscription.updated'
  | 'customer.subscription.deleted'
  | 'customer.subscription.paused'
  | 'customer.subscription.resumed'
>

export async function onSubscriptionChanged(deps: Deps, event: SubscriptionEvent): Promise<ApplyEvent> {
  const step = await syncStep(deps, event.data.object.id)
  return async (trx) => {
    await step(trx)
  }
}

/** Deleted: sync, and when it ended for a scheduled downgrade, start the plan it continues on. */
export async function onSubscriptionDeleted(
  deps: Deps,
  event: EventOf<'customer.subscription.deleted'>,
): Promise<ApplyEvent> {
  const snapshot = await fetchSubscriptionSnapshot(deps, event.data.object.id)
  await continueOnScheduledPlan(deps, snapshot)
  return async (trx) => {
    await applySubscriptionSnapshot(deps, trx, snapshot)
  }
}

/** Three days before a trial ends: a reminder, or, for a trial without a card, a request for one. */
export async function onTrialWillEnd(
  deps: Deps,
  event: EventOf<'customer.subscription.trial_will_end'>,
): Promise<ApplyEvent> {
  const snapshot = await fetchSubscriptionSnapshot(deps, event.data.object.id)
  const needsCard = !snapshot.trialCard?.paymentMethodId
  const behaviour: string | undefined =
    snapshot.subscription.trial_settings?.end_behavior.missing_payment_method
  const withoutCard: TrialEndingMail['withoutCard'] =
    behaviour === 'cancel' ? 'cancel' : behaviour === 'pause' ? 'pause' : 'create_invoice'
  const step: SyncStep = (trx) => applySubscriptionSnapshot(deps, trx, snapshot)
  return syncThenMail(deps, step, BILLING_MAIL.trialEnding, (current) =>
    current.status === 'trialing' && current.trial_end
      ? {
          trialEnd: current.trial_end,
          needsCard,
          updateCardUrl: `${deps.config.publicUrl}/billing/update-card`,
          withoutCard,
        }
      : undefined,
  )
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
    const row = await findInvoiceByStripeId(trx, invoice.id as string)
    const renewal = invoice.billing_reason === 'subscription_cycle'
    await mailSubscriber(deps, trx, current, BILLING_MAIL.receipt, {
      amount: formatMoney(invoice.amount_paid, invoice.currency),
      invoiceUrl: invoice.hosted_invoice_url ?? null,
      pdfUrl: invoice.invoice_pdf ?? null,
      receiptUrl: row ? `${deps.config.publicUrl}/account/invoices/${row.id}` : null,
      renewal,
      nextRenewal: renewal && !isEnding(current) ? current.current_period_end : null,
    })
  }
}

export async function onInvoicePaymentFailed(
  deps: Deps,
  event: EventOf<'invoice.payment_failed'>,
): Promise<ApplyEvent | undefined> {
  const fetched = await invoiceSyncStep(deps, event.data.object.id as string)
  if (!fetched) return undefined
  const { invoice, step } = fetched
  const mailing = syncThenMail(deps, step, BILLING_MAIL.paymentFailed, () =>
    invoice.status === 'paid'
      ? undefined
      : {
          amount: formatMoney(invoice.amount_due, invoice.currency),
          updateCardUrl: `${deps.config.publicUrl}/billing/update-card`,
        },
  )
  return async (trx) => {
    await mailing(trx)
    if (invoice.status === 'paid') return
    const amount = formatMoney(invoice.amount_due, invoice.currency)
    const note = {
      subject: `Payment failed: ${amount}`,
      lines: [
        `A subscription payment of ${amount} by ${invoice.customer_email ?? 'a customer'} failed; Stripe will retry it.`,
        `Invoice ${invoice.id}`,
      ],
    }
    await alertOwner(trx, deps, ownerNote('payment_failed', note, `payment_failed:${event.id}`))
  }
}

/**
 * invoice.payment_succeeded is deliberately not acted on: Stripe sends invoice.paid for the same
 * invoice (also when it is paid out of band or costs nothing), and that one syncs and mails the
 * receipt. Acting on both would mail two receipts. Logged so a reader of the logs sees why.
 */
export async function onInvoicePaymentSucceeded(
  deps: Deps,
  event: EventOf<'invoice.payment_succeeded'>,
): Promise<undefined> {
  deps.log.debug(
    { eventId: event.id, invoice: event.data.object.id },
    'invoice.payment_succeeded noted: invoice.paid syncs the subscription and mails the receipt',
  )
  return undefined
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
  return syncThenMail(deps, step, BILLING_MAIL.renewalReminder, (current) => {
    const end = current.current_period_end
    const renews =
      ['active', 'trialing', 'past_due'].includes(current.status) && !current.cancel_at_period_end
    if (!renews || !end || end <= deps.clock.now().toISOString()) return undefined
    const price = current.price_lookup_key ? findPrice(deps.catalog, current.price_lookup_key) : undefined
    if (price?.recurring?.interval !== 'year') return undefined
    return { amount: formatMoney(preview.amount_due, preview.currency), renewsOn: end }
  })
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
  // A one-time purchase's session is the orders module's, without asking Stripe.
  if (!mayBeOfMode(event.data.object, 'subscription')) return undefined
  const session = await deps.stripe.checkout.sessions.retrieve(event.data.object.id)
  const subscriptionId = idOf(session.subscription)
  if (session.mode !== 'subscription' || !subscriptionId) return undefined
  const step = await syncStep(deps, subscriptionId)
  return async (trx) => {
    await step(trx)
  }
}

export const BILLING_EVENT_HANDLERS: EventHandlerMap = {
  'checkout.session.completed': [onSubscriptionCheckoutCompleted],
  'customer.subscription.created': [onSubscriptionChanged],
  'customer.subscription.updated': [onSubscriptionChanged],
  'customer.subscription.deleted': [onSubscriptionDeleted],
  'customer.subscription.paused': [onSubscriptionChanged],
  'customer.subscription.resumed': [onSubscriptionChanged],
  'customer.subscription.trial_will_end': [onTrialWillEnd],
  'charge.refunded': [onSubscriptionChargeRefunded],
  'invoice.paid': [onInvoicePaid],
  'invoice.payment_succeeded': [onInvoicePaymentSucceeded],
  'invoice.upcoming': [onInvoiceUpcoming],
  'invoice.payment_failed': [onInvoicePaymentFailed],
  'entitlements.active_entitlement_summary.updated': [onEntitlementSummaryUpdated],
}
