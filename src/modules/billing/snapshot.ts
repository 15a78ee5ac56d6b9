/**
 * Reading a subscription from Stripe: the subscription (latest invoice expanded), its invoices and
 * the catalog price it is on. Everything here talks to Stripe, so it runs outside transactions.
 * @module
 */
import type Stripe from 'stripe'
import type { Deps } from '../../deps.js'
import { monotonicStamp } from '../../lib/clock.js'
import type { CatalogPrice } from '../catalog/index.js'
import { findCatalogPriceForStripeId, findPrice } from '../catalog/index.js'
import { findCustomerForStripeId } from '../customers/index.js'

/** The card a subscription would be charged with: its own, else the customer's default. */
export type TrialCard = { paymentMethodId: string | null; fingerprint: string | null }

export type SubscriptionSnapshot = {
  subscription: Stripe.Subscription
  /** Read only for a subscription that had a trial (one trial per card; a trial may lack a card). */
  trialCard?: TrialCard
  latestInvoice?: Stripe.Invoice
  invoices: Stripe.Invoice[]
  price?: CatalogPrice
  /** Our customer, when already linked to the Stripe customer. */
  customerId?: string
  /** The Stripe customer's email, fetched only when no local customer is linked yet. */
  stripeCustomerEmail?: string
  /** When the read started (see monotonicStamp); an older read never overwrites a newer one. */
  fetchedAt: Date
}

export function idOf(value: string | { id?: string } | null | undefined): string | undefined {
  if (!value) return undefined
  return typeof value === 'string' ? value : value.id
}

export async function fetchSubscriptionSnapshot(
  deps: Deps,
  stripeSubscriptionId: string,
): Promise<SubscriptionSnapshot> {
  // Orders reads of one subscription; not domain time (see monotonicStamp).
  const fetchedAt = monotonicStamp()
  const subscription = await deps.stripe.subscriptions.retrieve(stripeSubscriptionId, {
    // The discounts' coupons: the subscription ledger counts recurring discounts (billing/history.ts).
    expand: ['latest_invoice', 'discounts.source.coupon'],
  })
  const latest = subscription.latest_invoice
  const latestInvoice = latest && typeof latest !== 'string' ? latest : undefined
  const invoices = await listSubscriptionInvoices(deps, subscription)
  const stripeCustomerId = idOf(subscription.customer) as string
  const local = await findCustomerForStripeId(deps.db, stripeCustomerId)
  const stripeCustomerEmail = local ? undefined : await fetchCustomerEmail(deps, stripeCustomerId)
  return {
    subscription,
    invoices,
    fetchedAt,
    ...(latestInvoice ? { latestInvoice } : {}),
    ...(local ? { customerId: local.id } : {}),
    ...(stripeCustomerEmail ? { stripeCustomerEmail } : {}),
    ...(await resolvePrice(deps, subscription).then((price) => (price ? { price } : {}))),
    ...(subscription.trial_start ? { trialCard: await fetchTrialCard(deps, subscription) } : {}),
  }
}

async function fetchTrialCard(deps: Deps, subscription: Stripe.Subscription): Promise<TrialCard> {
  let paymentMethodId = idOf(subscription.default_payment_method)
  if (!paymentMethodId) {
    const customer = await deps.stripe.customers.retrieve(idOf(subscription.customer) as string)
    if (!('deleted' in customer && customer.deleted)) {
      paymentMethodId = idOf((customer as Stripe.Customer).invoice_settings?.default_payment_method)
    }
  }
  if (!paymentMethodId) return { paymentMethodId: null, fingerprint: null }
  const pm = await deps.stripe.paymentMethods.retrieve(paymentMethodId)
  return { paymentMethodId, fingerprint: pm.card?.fingerprint ?? null }
}

async function listSubscriptionInvoices(
  deps: Deps,
  subscription: Stripe.Subscription,
): Promise<Stripe.Invoice[]> {
  const listed = await deps.stripe.invoices.list({ subscription: subscription.id, limit: 24 })
  return listed.data.filter((inv) => invoiceSubscriptionId(inv) === subscription.id)
}

/** API 2025+: an invoice names its subscription only through `parent.subscription_details`. */
export function invoiceSubscriptionId(invoice: Stripe.Invoice): string | undefined {
  return idOf(invoice.parent?.subscription_details?.subscription)
}

async function fetchCustomerEmail(deps: Deps, stripeCustomerId: string): Promise<string | undefined> {
  const customer = await deps.stripe.customers.retrieve(stripeCustomerId)
  if ('deleted' in customer && customer.deleted) return undefined
  return (customer as Stripe.Customer).email ?? undefined
}

async function resolvePrice(
  deps: Deps,
  subscription: Stripe.Subscription,
): Promise<CatalogPrice | undefined> {
  const item = subscription.items.data[0]
  if (!item) return undefined
  const byKey = item.price.lookup_key ? findPrice(deps.catalog, item.price.lookup_key) : undefined
  return byKey ?? (await findCatalogPriceForStripeId(deps, item.price.id))
}

/** Period dates live on the items since API 2025-03-31: the earliest end, the latest start. */
export function periodOf(subscription: Stripe.Subscription): { start?: number; end?: number } {
  const items = subscription.items.data
  if (items.length === 0) return {}
  return {
    start: Math.max(...items.map((i) => i.current_period_start)),
    end: Math.min(...items.map((i) => i.current_period_end)),
  }
}
