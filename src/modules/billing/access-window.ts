/**
 * How long a subscription grants one feature, from the synced subscription row and the feature's
 * lapse policy in the catalog. Pure: the same row always gives the same window, whenever and
 * however often it is computed.
 * @module
 */
import type { LapsePolicy } from '../catalog/index.js'

export type SubscriptionState = {
  status: string
  startDate: Date
  currentPeriodEnd: Date | null
  trialEnd: Date | null
  endedAt: Date | null
  latestInvoiceStatus: string | null
  latestInvoiceCreated: Date | null
}

export type SubscriptionWindow =
  | { kind: 'grant'; startsAt: Date; endsAt: Date; reason: string }
  | { kind: 'revoke'; reason: string }

const DAY_MS = 86_400_000

export const DEFAULT_LAPSE_POLICY: LapsePolicy = {
  pastDueGraceDays: 0,
  accessUntilPeriodEnd: true,
  trialing: true,
}

export function subscriptionWindow(sub: SubscriptionState, policy: LapsePolicy): SubscriptionWindow {
  const startsAt = sub.startDate
  const grant = (endsAt: Date | null, reason: string): SubscriptionWindow =>
    endsAt
      ? { kind: 'grant', startsAt, endsAt, reason }
      : { kind: 'revoke', reason: `subscription ${reason}` }
  switch (sub.status) {
    case 'trialing':
      if (!policy.trialing) return { kind: 'revoke', reason: 'trial does not include this feature' }
      return grant(sub.trialEnd ?? sub.currentPeriodEnd, 'trialing')
    case 'active':
      return grant(sub.currentPeriodEnd, 'active')
    case 'past_due':
      return grant(graceEnd(sub, policy), 'past_due')
    case 'canceled':
      return grant(canceledEnd(sub, policy), 'canceled')
    default:
      // unpaid, incomplete, incomplete_expired, paused: no access.
      return { kind: 'revoke', reason: `subscription ${sub.status}` }
  }
}

/** Grace runs from the failed renewal (the unpaid invoice's creation), not from when we noticed. */
function graceEnd(sub: SubscriptionState, policy: LapsePolicy): Date | null {
  const since = sub.latestInvoiceCreated ?? sub.currentPeriodEnd
  return since ? new Date(since.getTime() + policy.pastDueGraceDays * DAY_MS) : null
}

/**
 * After cancellation: to the end of the paid period when the policy says so and that period was
 * paid; an unpaid last period (dunning exhausted) gives at most the past_due grace.
 */
function canceledEnd(sub: SubscriptionState, policy: LapsePolicy): Date | null {
  const ended = sub.endedAt
  const paid = sub.latestInvoiceStatus === 'paid' || sub.latestInvoiceStatus === null
  if (paid) {
    if (policy.accessUntilPeriodEnd && sub.currentPeriodEnd) return sub.currentPeriodEnd
    return ended ?? sub.currentPeriodEnd
  }
  const grace = graceEnd(sub, policy)
  if (!grace || !ended) return grace ?? ended
  return new Date(Math.min(grace.getTime(), ended.getTime()))
}
