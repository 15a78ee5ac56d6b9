/**
 * One free trial per customer, checked by email and by card. Every subscription that starts with
 * a trial is recorded with its customer and, once Stripe knows one, its card's fingerprint (the
 * same card has the same fingerprint in every Stripe customer). Before Checkout a known customer
 * who had a trial, or whose saved cards had one, is refused with a clear message (they can still
 * subscribe without the trial). A guest's card is known only after Checkout: a trial started with
 * a card that already had one is ended at once, so the plan is paid from the first day.
 * @module
 */
import type { Executor } from '../../db/database.js'
import type { Deps } from '../../deps.js'
import { AppError } from '../../lib/errors.js'
import { newId } from '../../lib/ids.js'
import type { CatalogPrice } from '../catalog/index.js'
import { asAppError } from '../checkout/index.js'
import {
  findOtherTrialUse,
  insertTrialUseIfAbsent,
  listSubscriptionsOfCustomer,
  setTrialFingerprint,
} from './repo.js'
import { fetchSubscriptionSnapshot, type SubscriptionSnapshot } from './snapshot.js'
import type { SubscriptionRow } from './table.js'

export type TrialChoice = { customerId?: string; stripeCustomerId?: string | null; skipTrial?: boolean }

/**
 * Whether Checkout starts the plan with a trial: never without trial days or when the buyer chose
 * to skip it; refused (TRIAL_ALREADY_USED) for a customer who had one, by account or by card.
 */
export async function decideTrial(deps: Deps, price: CatalogPrice, choice: TrialChoice): Promise<boolean> {
  if (!price.trialDays || choice.skipTrial) return false
  if (!choice.customerId) return true
  // Subscriptions from before trials were recorded count by their trial dates.
  const earlier = await listSubscriptionsOfCustomer(deps.db, choice.customerId)
  const fingerprints = choice.stripeCustomerId ? await savedFingerprints(deps, choice.stripeCustomerId) : []
  const used =
    earlier.some((s) => s.trial_start !== null) ||
    (await findOtherTrialUse(deps.db, { customerId: choice.customerId, fingerprints })) !== undefined
  if (used) throw new AppError('TRIAL_ALREADY_USED')
  return true
}

async function savedFingerprints(deps: Deps, stripeCustomerId: string): Promise<string[]> {
  const listed = await deps.stripe.customers
    .listPaymentMethods(stripeCustomerId, { type: 'card', limit: 20 })
    .catch((err) => {
      throw asAppError(err)
    })
  return listed.data.flatMap((pm) => (pm.card?.fingerprint ? [pm.card.fingerprint] : []))
}

/** In the sync transaction: remember a subscription's trial, and its card once known. */
export async function recordTrialUse(
  deps: Deps,
  trx: Executor,
  snapshot: SubscriptionSnapshot,
  current: SubscriptionRow,
): Promise<void> {
  if (!snapshot.subscription.trial_start) return
  const now = deps.clock.now()
  const fingerprint = snapshot.trialCard?.fingerprint ?? null
  await insertTrialUseIfAbsent(trx, {
    id: newId('tru', now.getTime()),
    stripe_subscription_id: current.stripe_subscription_id,
    customer_id: current.customer_id,
    card_fingerprint: fingerprint,
    created_at: now.toISOString(),
  })
  if (fingerprint) await setTrialFingerprint(trx, current.stripe_subscription_id, fingerprint)
}

/**
 * Outside transactions, before a sync: a trial running on a card that another subscription already
 * had a trial with ends now (Stripe then invoices and charges the plan), and the fresh state is
 * returned. Anything else comes back as it was.
 */
export async function endRepeatedTrial(
  deps: Deps,
  snapshot: SubscriptionSnapshot,
): Promise<SubscriptionSnapshot> {
  const sub = snapshot.subscription
  const fingerprint = snapshot.trialCard?.fingerprint
  if (sub.status !== 'trialing' || !fingerprint) return snapshot
  const other = await findOtherTrialUse(deps.db, { fingerprints: [fingerprint], exceptSubscription: sub.id })
  if (!other) return snapshot
  deps.log.info(
    { subscription: sub.id, earlierTrial: other.stripe_subscription_id },
    'trial ended at once: this card already had a free trial',
  )
  await deps.stripe.subscriptions.update(sub.id, { trial_end: 'now' }).catch((err) => {
    throw asAppError(err)
  })
  return fetchSubscriptionSnapshot(deps, sub.id)
}
