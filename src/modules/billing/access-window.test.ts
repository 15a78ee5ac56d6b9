import { describe, expect, it } from 'vitest'
import { type SubscriptionState, subscriptionWindow } from './access-window.js'

const DAY = 86_400_000
const t0 = new Date('2026-01-01T00:00:00.000Z')
const at = (days: number): Date => new Date(t0.getTime() + days * DAY)
const policy = { pastDueGraceDays: 3, accessUntilPeriodEnd: true, trialing: true }

function state(overrides: Partial<SubscriptionState>): SubscriptionState {
  return {
    status: 'active',
    startDate: t0,
    currentPeriodEnd: at(30),
    trialEnd: null,
    endedAt: null,
    latestInvoiceStatus: 'paid',
    latestInvoiceCreated: at(0),
    ...overrides,
  }
}

describe('subscriptionWindow', () => {
  it('active: to the end of the current period', () => {
    expect(subscriptionWindow(state({}), policy)).toEqual({
      kind: 'grant',
      startsAt: t0,
      endsAt: at(30),
      reason: 'active',
    })
  })

  it('trialing: to the trial end when trials count, otherwise nothing', () => {
    const trial = state({ status: 'trialing', trialEnd: at(14), currentPeriodEnd: at(14) })
    expect(subscriptionWindow(trial, policy)).toMatchObject({
      kind: 'grant',
      endsAt: at(14),
      reason: 'trialing',
    })
    expect(subscriptionWindow(trial, { ...policy, trialing: false }).kind).toBe('revoke')
  })

  it('past_due: grace counted from the failed renewal, not from the new period end', () => {
    const pastDue = state({
      status: 'past_due',
      currentPeriodEnd: at(60),
      latestInvoiceStatus: 'open',
      latestInvoiceCreated: at(30),
    })
    expect(subscriptionWindow(pastDue, policy)).toMatchObject({ kind: 'grant', endsAt: at(33) })
    expect(subscriptionWindow(pastDue, { ...policy, pastDueGraceDays: 0 })).toMatchObject({ endsAt: at(30) })
  })

  it('canceled after a paid period: to its end, or at the end date when the policy says so', () => {
    const canceled = state({ status: 'canceled', endedAt: at(10) })
    expect(subscriptionWindow(canceled, policy)).toMatchObject({ kind: 'grant', endsAt: at(30) })
    expect(subscriptionWindow(canceled, { ...policy, accessUntilPeriodEnd: false })).toMatchObject({
      endsAt: at(10),
    })
  })

  it('canceled after dunning: never beyond the past_due grace', () => {
    const dunned = state({
      status: 'canceled',
      currentPeriodEnd: at(60),
      endedAt: at(50),
      latestInvoiceStatus: 'open',
      latestInvoiceCreated: at(30),
    })
    expect(subscriptionWindow(dunned, policy)).toMatchObject({ kind: 'grant', endsAt: at(33) })
  })

  it('unpaid, incomplete, paused: no access', () => {
    for (const status of ['unpaid', 'incomplete', 'incomplete_expired', 'paused']) {
      expect(subscriptionWindow(state({ status }), policy).kind).toBe('revoke')
    }
  })
})
