/**
 * Changing a subscription for the owner (console and CLI): cancel at period end or now, resume a
 * pending cancellation, move to another plan of the same family (with a proration preview where
 * Stripe offers one). Every check runs on the local row before Stripe is called, so bad input
 * sends nothing. The caller applies the returned snapshot in its transaction (the same sync the
 * webhook will run again).
 * @module
 */
import type Stripe from 'stripe'
import type { Deps } from '../../deps.js'
import { AppError } from '../../lib/errors.js'
import { type CatalogPrice, findPrice, resolveStripePriceId } from '../catalog/index.js'
import { findSubscriptionByStripeId } from './repo.js'
import { fetchSubscriptionSnapshot, type SubscriptionSnapshot } from './snapshot.js'
import type { SubscriptionRow } from './table.js'

export type SubscriptionChange =
  | { kind: 'cancel'; when: 'period_end' | 'now' }
  | { kind: 'resume' }
  | { kind: 'change-plan'; lookupKey: string }

const ENDED = new Set(['canceled', 'incomplete_expired'])

/** Refuses a change that cannot apply; returns the row and, for a plan change, the new price. */
export async function checkSubscriptionChange(
  deps: Deps,
  stripeSubscriptionId: string,
  change: SubscriptionChange,
): Promise<{ row: SubscriptionRow; price?: CatalogPrice }> {
  const row = await findSubscriptionByStripeId(deps.db, stripeSubscriptionId)
  if (!row) throw new AppError('SUBSCRIPTION_NOT_FOUND')
  if (ENDED.has(row.status)) throw new AppError('SUBSCRIPTION_ENDED')
  if (change.kind === 'resume' && row.cancel_at_period_end !== 1 && row.cancel_at === null) {
    throw new AppError('SUBSCRIPTION_NOT_CANCELING')
  }
  if (change.kind !== 'change-plan') return { row }
  const price = findPrice(deps.catalog, change.lookupKey)
  if (!price) throw new AppError('PRICE_NOT_FOUND', { message: `Unknown price "${change.lookupKey}".` })
  if (!price.recurring) throw new AppError('PRICE_NOT_RECURRING')
  if ((price.family ?? price.productId) !== row.plan_family) throw new AppError('PLAN_NOT_IN_FAMILY')
  if (price.lookupKey === row.price_lookup_key) {
    throw new AppError('INVALID_REQUEST', { message: 'The subscription is already on that plan.' })
  }
  return { row, price }
}

/** Makes the change at Stripe and reads the subscription back. */
export async function changeSubscription(
  deps: Deps,
  stripeSubscriptionId: string,
  change: SubscriptionChange,
): Promise<{ before: SubscriptionRow; snapshot: SubscriptionSnapshot }> {
  const { row, price } = await checkSubscriptionChange(deps, stripeSubscriptionId, change)
  const id = row.stripe_subscription_id
  if (change.kind === 'cancel' && change.when === 'now') await deps.stripe.subscriptions.cancel(id)
  else if (change.kind === 'cancel')
    await deps.stripe.subscriptions.update(id, { cancel_at_period_end: true })
  else if (change.kind === 'resume')
    await deps.stripe.subscriptions.update(id, { cancel_at_period_end: false })
  else if (price) {
    await deps.stripe.subscriptions.update(id, {
      items: [{ id: await firstItemId(deps, id), price: await resolveStripePriceId(deps, price.lookupKey) }],
      proration_behavior: 'create_prorations',
      metadata: { tollgate_price: price.lookupKey },
    })
  }
  return { before: row, snapshot: await fetchSubscriptionSnapshot(deps, id) }
}

export type PlanChangePreview = { currency: string; amountDue: number; prorationLines: number } | undefined

/**
 * What moving to `lookupKey` would invoice now, from Stripe's `invoices.createPreview`; undefined
 * when Stripe (or the emulator) offers no preview, so the page says so instead of guessing.
 */
export async function previewPlanChange(
  deps: Deps,
  stripeSubscriptionId: string,
  lookupKey: string,
): Promise<PlanChangePreview> {
  const { row, price } = await checkSubscriptionChange(deps, stripeSubscriptionId, {
    kind: 'change-plan',
    lookupKey,
  })
  if (!price) return undefined
  try {
    const invoice: Stripe.Invoice = await deps.stripe.invoices.createPreview({
      customer: row.stripe_customer_id,
      subscription: row.stripe_subscription_id,
      subscription_details: {
        items: [
          {
            id: await firstItemId(deps, row.stripe_subscription_id),
            price: await resolveStripePriceId(deps, price.lookupKey),
          },
        ],
        proration_behavior: 'create_prorations',
      },
    })
    const prorationLines = invoice.lines.data.filter(
      (l) => l.parent?.subscription_item_details?.proration,
    ).length
    return { currency: invoice.currency, amountDue: invoice.amount_due, prorationLines }
  } catch (err) {
    deps.log.info({ err }, 'no proration preview from Stripe')
    return undefined
  }
}

async function firstItemId(deps: Deps, stripeSubscriptionId: string): Promise<string> {
  const sub = await deps.stripe.subscriptions.retrieve(stripeSubscriptionId)
  const item = sub.items.data[0]
  if (!item) throw new AppError('SUBSCRIPTION_NOT_FOUND', { message: 'The subscription has no items.' })
  return item.id
}
