/**
 * A membership paused because its free trial ended without a card (`trialEndWithoutCard: pause`)
 * is resumed by its member: with a card on file (the subscription's or the customer's default),
 * Stripe charges a new period from now and resumes it once that payment succeeds; without one, the member is first sent to the portal's card
 * form, and back to the account page to press Resume again. Anything but a paused subscription is
 * refused before Stripe is called.
 * @module
 */
import type Stripe from 'stripe'
import type { Deps } from '../../deps.js'
import { AppError } from '../../lib/errors.js'
import { asAppError } from '../checkout/index.js'
import { idOf } from './snapshot.js'
import type { SubscriptionRow } from './table.js'

export type ResumeResult = 'resumed' | 'needs-card'

export async function resumePausedSubscription(deps: Deps, row: SubscriptionRow): Promise<ResumeResult> {
  if (row.status !== 'paused') throw new AppError('SUBSCRIPTION_NOT_PAUSED')
  const stripeFailed = (err: unknown): never => {
    throw asAppError(err)
  }
  const subscription = await deps.stripe.subscriptions
    .retrieve(row.stripe_subscription_id)
    .catch(stripeFailed)
  if (subscription.status !== 'paused') throw new AppError('SUBSCRIPTION_NOT_PAUSED')
  if (!(await hasCard(deps, subscription))) return 'needs-card'
  // A new period from now (no prorations), billed at once with the card on file. Stripe's default
  // payment_behavior (resume_on_payment_attempt) charges nothing in the request and leaves the
  // subscription paused until a payment is attempted; resume_on_payment_success charges now and
  // keeps it paused (retrying) until the payment succeeds.
  await deps.stripe.subscriptions
    .resume(subscription.id, { payment_behavior: 'resume_on_payment_success' })
    .catch(stripeFailed)
  return 'resumed'
}

async function hasCard(deps: Deps, subscription: Stripe.Subscription): Promise<boolean> {
  if (idOf(subscription.default_payment_method)) return true
  const customer = await deps.stripe.customers
    .retrieve(idOf(subscription.customer) as string)
    .catch((err) => {
      throw asAppError(err)
    })
  if ('deleted' in customer && customer.deleted) return false
  return idOf((customer as Stripe.Customer).invoice_settings?.default_payment_method) !== undefined
}
