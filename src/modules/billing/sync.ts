/**
 * The one subscription sync. Every path (subscription and invoice webhooks, trial_will_end, the
 * entitlement summary, checkout completion, the success page) re-fetches the subscription from
 * Stripe outside any transaction (`fetchSubscriptionSnapshot`), then applies the snapshot in the
 * caller's transaction (`applySubscriptionSnapshot`): upsert the row,
 * its invoices, reconcile the grants, queue lifecycle mail. Convergent: an older read never
 * overwrites a newer one, and a terminal status (canceled, incomplete_expired) never reverts.
 * @module
 */
import type Stripe from 'stripe'
import type { Executor } from '../../db/database.js'
import type { Deps } from '../../deps.js'
import { newId } from '../../lib/ids.js'
import { sendSetPasswordLink } from '../accounts/index.js'
import { readCheckoutMetadata } from '../checkout/index.js'
import { findCustomer, findOrCreateCustomerByEmail, linkStripeCustomer } from '../customers/index.js'
import { publishSubscriptionChange } from './events.js'
import { effectiveTimeOf, recordSubscriptionWorth, worthOf } from './history.js'
import { queueLifecycleMail } from './lifecycle-mail.js'
import { reconcileSubscriptionGrants } from './reconcile-grants.js'
import {
  findSubscriptionByStripeId,
  insertSubscriptionIfAbsent,
  lockSubscriptionByStripeId,
  updateSubscription,
  upsertInvoice,
} from './repo.js'
import { idOf, invoiceSubscriptionId, periodOf, type SubscriptionSnapshot } from './snapshot.js'
import { GUEST_METADATA_KEY, SWITCH_METADATA_KEY, SWITCHED_FROM_METADATA_KEY } from './subscribe.js'
import type { NewInvoiceRow, NewSubscriptionRow, SubscriptionRow } from './table.js'
import { recordTrialUse } from './trials.js'

const TERMINAL = new Set(['canceled', 'incomplete_expired'])

export type SyncResult = { previous?: SubscriptionRow; current: SubscriptionRow; applied: boolean }

/** Applies a fetched snapshot inside the caller's transaction (the inbox's, or a route's). */
export async function applySubscriptionSnapshot(
  deps: Deps,
  trx: Executor,
  snapshot: SubscriptionSnapshot,
): Promise<SyncResult> {
  const customerId = await resolveCustomer(deps, trx, snapshot)
  const now = deps.clock.now().toISOString()
  const values = toSubscriptionValues(snapshot, customerId, now)
  const id = newId('sb', deps.clock.now().getTime())
  const inserted = await insertSubscriptionIfAbsent(trx, { id, ...values, created_at: now })
  const previous = inserted ? undefined : await lockSubscriptionByStripeId(trx, snapshot.subscription.id)
  const applied = inserted || (previous !== undefined && isNewer(previous, values))
  if (previous && applied) await updateSubscription(trx, previous.id, values)
  const current = await findSubscriptionByStripeId(trx, snapshot.subscription.id)
  if (!current) throw new Error(`Subscription ${snapshot.subscription.id} vanished during sync`)
  // Before the grants' events, so other apps hear of the subscription before what it gives.
  if (applied) {
    await publishSubscriptionChange(trx, {
      ...(previous ? { previous } : {}),
      current,
      subscription: snapshot.subscription,
      now: deps.clock.now(),
    })
  }
  for (const invoice of snapshot.invoices) await upsertInvoice(trx, toInvoiceRow(invoice, customerId, now))
  await reconcileSubscriptionGrants(deps, trx, current)
  await recordTrialUse(deps, trx, snapshot, current)
  if (applied) await recordHistory(deps, trx, snapshot.subscription, current, inserted)
  const switchedFrom = snapshot.subscription.metadata?.[SWITCHED_FROM_METADATA_KEY]
  if (applied) {
    await queueLifecycleMail(deps, trx, {
      ...(previous ? { previous } : {}),
      current,
      ...(switchedFrom ? { switchedFrom } : {}),
    })
  }
  if (inserted && snapshot.subscription.metadata?.[GUEST_METADATA_KEY])
    await welcomeGuest(deps, trx, customerId)
  return { ...(previous ? { previous } : {}), current, applied }
}

/** A guest paid before having an account: once, a link to choose a password (if they have none). */
async function welcomeGuest(deps: Deps, trx: Executor, customerId: string): Promise<void> {
  const customer = await findCustomer(trx, customerId)
  if (customer && !customer.hasPassword) await sendSetPasswordLink(deps, trx, customer)
}

/** The ledger behind the metrics: a row when what the subscription is worth has changed. */
async function recordHistory(
  deps: Deps,
  trx: Executor,
  sub: Stripe.Subscription,
  current: SubscriptionRow,
  firstSighting: boolean,
): Promise<void> {
  const now = deps.clock.now()
  await recordSubscriptionWorth(trx, {
    stripeSubscriptionId: sub.id,
    customerId: current.customer_id,
    worth: worthOf(sub),
    effectiveAt: effectiveTimeOf(sub, firstSighting, now),
    now,
    source: 'sync',
  })
}

function isNewer(stored: SubscriptionRow, incoming: { fetched_at: string; status: string }): boolean {
  if (incoming.fetched_at < stored.fetched_at) return false
  return !(TERMINAL.has(stored.status) && !TERMINAL.has(incoming.status))
}

/** Our customer for the Stripe customer: linked by id, or by the Stripe customer's email. */
async function resolveCustomer(deps: Deps, trx: Executor, snapshot: SubscriptionSnapshot): Promise<string> {
  const stripeCustomerId = idOf(snapshot.subscription.customer) as string
  const fromMetadata = snapshot.subscription.metadata?.tollgate_customer_id
  if (snapshot.customerId) return snapshot.customerId
  if (fromMetadata && (await findCustomer(trx, fromMetadata))) {
    await linkStripeCustomer(trx, fromMetadata, stripeCustomerId)
    return fromMetadata
  }
  if (!snapshot.stripeCustomerEmail) {
    throw new Error(`Stripe customer ${stripeCustomerId} has no email and no Tollgate customer`)
  }
  const customer = await findOrCreateCustomerByEmail(trx, snapshot.stripeCustomerEmail, deps.clock.now())
  await linkStripeCustomer(trx, customer.id, stripeCustomerId)
  return customer.id
}

function toSubscriptionValues(
  s: SubscriptionSnapshot,
  customerId: string,
  now: string,
): Omit<NewSubscriptionRow, 'id' | 'created_at'> {
  const sub = s.subscription
  const period = periodOf(sub)
  const item = sub.items.data[0]
  return {
    stripe_subscription_id: sub.id,
    customer_id: customerId,
    stripe_customer_id: idOf(sub.customer) as string,
    status: sub.status,
    price_lookup_key: s.price?.lookupKey ?? null,
    stripe_price_id: item?.price.id ?? null,
    product_id: s.price?.productId ?? null,
    plan_family: s.price ? (s.price.family ?? s.price.productId) : null,
    start_date: iso(sub.start_date) as string,
    current_period_start: iso(period.start),
    current_period_end: iso(period.end),
    cancel_at_period_end: sub.cancel_at_period_end ? 1 : 0,
    cancel_at: iso(sub.cancel_at),
    canceled_at: iso(sub.canceled_at),
    ended_at: iso(sub.ended_at),
    trial_start: iso(sub.trial_start),
    trial_end: iso(sub.trial_end),
    latest_invoice_id: idOf(sub.latest_invoice) ?? null,
    latest_invoice_status: s.latestInvoice?.status ?? null,
    latest_invoice_created: iso(s.latestInvoice?.created),
    cancellation_reason: sub.cancellation_details?.reason ?? null,
    cancellation_feedback: sub.cancellation_details?.feedback ?? null,
    cancellation_comment: sub.cancellation_details?.comment ?? null,
    scheduled_price_lookup_key: sub.cancel_at_period_end ? sub.metadata?.[SWITCH_METADATA_KEY] || null : null,
    ...integratorLine(sub),
    fetched_at: s.fetchedAt.toISOString(),
    updated_at: now,
  }
}

/** An integrator's ad-hoc line (its checkout's metadata rides on the subscription): name and grants. */
function integratorLine(sub: Stripe.Subscription): Pick<NewSubscriptionRow, 'grants' | 'product_name'> {
  const meta = readCheckoutMetadata(sub.metadata)
  return {
    grants: meta?.grants?.length ? JSON.stringify(meta.grants) : null,
    product_name: meta?.productName ?? null,
  }
}

function toInvoiceRow(invoice: Stripe.Invoice, customerId: string, now: string): NewInvoiceRow {
  return {
    id: newId('bin', Date.parse(now)),
    stripe_invoice_id: invoice.id as string,
    stripe_subscription_id: invoiceSubscriptionId(invoice) ?? null,
    customer_id: customerId,
    status: invoice.status ?? 'draft',
    billing_reason: invoice.billing_reason ?? null,
    currency: invoice.currency,
    subtotal: invoice.subtotal,
    total: invoice.total,
    amount_due: invoice.amount_due,
    amount_paid: invoice.amount_paid,
    attempt_count: invoice.attempt_count ?? 0,
    hosted_invoice_url: invoice.hosted_invoice_url ?? null,
    invoice_pdf: invoice.invoice_pdf ?? null,
    number: invoice.number ?? null,
    period_start: iso(invoice.period_start),
    period_end: iso(invoice.period_end),
    stripe_created: iso(invoice.created) as string,
    updated_at: now,
  }
}

/** Stripe's unix seconds → our ISO text (null stays null). */
export function iso(seconds: number | null | undefined): string | null {
  return typeof seconds === 'number' ? new Date(seconds * 1000).toISOString() : null
}
