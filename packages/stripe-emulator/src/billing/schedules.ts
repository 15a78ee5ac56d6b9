/**
 * Subscription schedules: phases of items that replace each other on the subscription's clock.
 * A phase ending at a period boundary changes the items just before the renewal invoice (a
 * renewal hook), so "downgrade at period end" bills the new price with no proration; one ending
 * mid-period changes them then, prorated as the phase's `proration_behavior` says. After the last
 * phase the schedule is `completed` and `end_behavior` releases the subscription (it continues) or
 * cancels it. A schedule created to start later is `not_started` until its start date, when its
 * subscription is created with the first phase. Events: `subscription_schedule.created`,
 * `.updated` (each phase change, and the start), `.expiring` (7 days before the last phase ends),
 * `.completed`, `.released`, `.canceled`, and `.aborted` when its subscription is canceled for
 * non-payment (a subscription canceled otherwise cancels its schedule: `.canceled`), beside the
 * subscription's own.
 * The routes are in resources/subscription-schedules.ts.
 * @module
 */
import type Stripe from 'stripe'
import type { Ctx } from '../context.js'
import { previousAttributes, snapshotOf } from '../diff.js'
import { registerAction } from '../registry.js'
import { clockOfCustomer } from '../resources/customers.js'
import { getObject, hiddenOf } from '../state.js'
import { changePlan, type Proration } from './change-plan.js'
import { addItem, removeItem } from './item-changes.js'
import {
  afterEnd,
  beforeRenewal,
  changeSubscription,
  endSubscription,
  scheduleFor,
  startSubscription,
  unscheduleAll,
} from './lifecycle.js'
import { buildSubscription, clockOfSubscription, currentPeriodEnd, type ItemInput, planOf } from './model.js'

export type PhaseInput = {
  items: ItemInput[]
  start: number
  end: number
  prorationBehavior: Proration
  metadata: Record<string, string>
}

type ScheduleHidden = { phaseIndex?: number }

export function scheduleHidden(ctx: Ctx, id: string): ScheduleHidden {
  return hiddenOf<ScheduleHidden>(ctx.state, id)
}

export function buildPhase(input: PhaseInput): Stripe.SubscriptionSchedule.Phase {
  return {
    add_invoice_items: [],
    application_fee_percent: null,
    billing_cycle_anchor: null,
    billing_thresholds: null,
    collection_method: null,
    currency: input.items[0]!.price.currency,
    default_payment_method: null,
    default_tax_rates: [],
    description: null,
    discounts: [],
    end_date: input.end,
    invoice_settings: null,
    items: input.items.map((it) => ({
      billing_thresholds: null,
      discounts: [],
      metadata: {},
      plan: planOf(it.price).id,
      price: it.price.id,
      quantity: it.quantity,
      tax_rates: [],
    })),
    metadata: input.metadata,
    on_behalf_of: null,
    proration_behavior: input.prorationBehavior,
    start_date: input.start,
    transfer_data: null,
    trial_end: null,
  } as unknown as Stripe.SubscriptionSchedule.Phase
}

function subscriptionOf(ctx: Ctx, schedule: Stripe.SubscriptionSchedule): Stripe.Subscription | undefined {
  return typeof schedule.subscription === 'string'
    ? (ctx.state.objects[schedule.subscription] as Stripe.Subscription | undefined)
    : undefined
}

/** Puts a phase's items on the subscription: same position swapped, extra added, missing removed. */
export function applyPhase(
  ctx: Ctx,
  sub: Stripe.Subscription,
  phase: Stripe.SubscriptionSchedule.Phase,
  behaviour: Proration,
): void {
  const wanted = phase.items.map((it) => ({
    price: getObject<Stripe.Price>(ctx.state, 'price', String(it.price)),
    quantity: it.quantity ?? 1,
  }))
  const current = [...sub.items.data]
  wanted.forEach((w, i) => {
    const item = current[i]
    if (!item) addItem(ctx, sub, { ...w, metadata: {} }, behaviour)
    else if (item.price.id !== w.price.id || item.quantity !== w.quantity)
      changePlan(ctx, sub, { item, price: w.price, quantity: w.quantity }, behaviour)
  })
  for (const extra of current.slice(wanted.length)) removeItem(ctx, sub, extra, behaviour)
}

const EXPIRING_NOTICE = 7 * 86_400
const JOBS = ['schedule.phase_end', 'schedule.expiring', 'schedule.start']

/** The clock a schedule runs on: its customer's test clock, or the emulator-wide one. */
export function clockOfSchedule(ctx: Ctx, schedule: Stripe.SubscriptionSchedule): string | null {
  return clockOfCustomer(ctx, String(schedule.customer))
}

function unscheduleJobs(ctx: Ctx, schedule: Stripe.SubscriptionSchedule, actions = JOBS): void {
  ctx.unschedule((j) => actions.includes(j.action) && j.data.schedule === schedule.id)
}

/** `subscription_schedule.expiring`, 7 days before the last phase ends (none when that is sooner). */
function scheduleExpiring(ctx: Ctx, schedule: Stripe.SubscriptionSchedule): void {
  unscheduleJobs(ctx, schedule, ['schedule.expiring'])
  const end = schedule.phases.at(-1)?.end_date
  if (!end) return
  const clock = clockOfSchedule(ctx, schedule)
  if (end - EXPIRING_NOTICE <= ctx.now(clock)) return
  ctx.schedule(end - EXPIRING_NOTICE, clock, 'schedule.expiring', { schedule: schedule.id, end })
}

/** Schedules the job that ends the current phase when its end falls inside a period. */
export function scheduleTransition(ctx: Ctx, schedule: Stripe.SubscriptionSchedule): void {
  scheduleExpiring(ctx, schedule)
  const sub = subscriptionOf(ctx, schedule)
  const index = scheduleHidden(ctx, schedule.id).phaseIndex ?? 0
  const phase = schedule.phases[index]
  if (!sub || !phase) return
  unscheduleJobs(ctx, schedule, ['schedule.phase_end'])
  scheduleFor(ctx, sub, phase.end_date, 'schedule.phase_end', { schedule: schedule.id, phase: index })
}

/** Ends the current phase at `at`: the next one starts, or the schedule completes. */
function endPhase(ctx: Ctx, schedule: Stripe.SubscriptionSchedule, at: number): void {
  const sub = subscriptionOf(ctx, schedule)
  if (!sub || schedule.status !== 'active') return
  const hidden = scheduleHidden(ctx, schedule.id)
  const index = hidden.phaseIndex ?? 0
  const phase = schedule.phases[index]
  if (!phase || phase.end_date > at) return
  const next = schedule.phases[index + 1]
  if (next) {
    hidden.phaseIndex = index + 1
    // At a period boundary nothing is left to prorate; the renewal bills the new items.
    const boundary = at === currentPeriodEnd(sub)
    applyPhase(
      ctx,
      sub,
      next,
      boundary ? 'none' : ((next.proration_behavior as Proration) ?? 'create_prorations'),
    )
    schedule.current_phase = { start_date: next.start_date, end_date: next.end_date }
    ctx.emit('subscription_schedule.updated', schedule)
    scheduleTransition(ctx, schedule)
    return
  }
  schedule.status = 'completed'
  schedule.completed_at = at
  schedule.current_phase = null
  if (schedule.end_behavior === 'cancel') {
    endSubscription(ctx, sub, 'cancellation_requested')
  } else {
    schedule.released_subscription = sub.id
    changeSubscription(ctx, sub, (s) => {
      s.schedule = null
    })
  }
  schedule.subscription = schedule.end_behavior === 'cancel' ? sub.id : null
  ctx.emit('subscription_schedule.completed', schedule)
}

export function releaseSchedule(ctx: Ctx, schedule: Stripe.SubscriptionSchedule): void {
  const sub = subscriptionOf(ctx, schedule)
  unscheduleJobs(ctx, schedule)
  schedule.status = 'released'
  schedule.released_at = ctx.now(clockOfSchedule(ctx, schedule))
  schedule.released_subscription = sub?.id ?? null
  schedule.subscription = null
  schedule.current_phase = null
  if (sub)
    changeSubscription(ctx, sub, (s) => {
      s.schedule = null
    })
  ctx.emit('subscription_schedule.released', schedule)
}

export function cancelSchedule(ctx: Ctx, schedule: Stripe.SubscriptionSchedule): void {
  const sub = subscriptionOf(ctx, schedule)
  unscheduleJobs(ctx, schedule)
  // Canceled first, so the subscription's end does not cancel it a second time (afterEnd below).
  schedule.status = 'canceled'
  schedule.canceled_at = ctx.now(clockOfSchedule(ctx, schedule))
  schedule.current_phase = null
  if (sub && sub.status !== 'canceled') {
    unscheduleAll(ctx, sub.id)
    endSubscription(ctx, sub, 'cancellation_requested')
  }
  ctx.emit('subscription_schedule.canceled', schedule)
}

// A subscription that ends while its schedule is active ends the schedule: `aborted` when dunning
// canceled it for non-payment, `canceled` otherwise (a cancel through the API or the portal).
afterEnd((ctx, sub, reason) => {
  if (typeof sub.schedule !== 'string') return
  const schedule = ctx.state.objects[sub.schedule] as Stripe.SubscriptionSchedule | undefined
  if (schedule?.status !== 'active') return
  unscheduleJobs(ctx, schedule)
  schedule.status = 'canceled'
  schedule.canceled_at = ctx.now(clockOfSubscription(ctx, sub))
  schedule.current_phase = null
  ctx.emit(
    reason === 'payment_failed' ? 'subscription_schedule.aborted' : 'subscription_schedule.canceled',
    schedule,
  )
})

/** A `not_started` schedule starts at its start date: the first phase's subscription is created. */
export function scheduleStart(ctx: Ctx, schedule: Stripe.SubscriptionSchedule): void {
  unscheduleJobs(ctx, schedule, ['schedule.start'])
  const start = schedule.phases[0]!.start_date
  ctx.schedule(start, clockOfSchedule(ctx, schedule), 'schedule.start', { schedule: schedule.id })
  scheduleExpiring(ctx, schedule)
}

/** Creates a subscription with a phase's items, managed by `schedule`, and starts it (invoice, charge). */
export function startWithPhase(
  ctx: Ctx,
  schedule: Stripe.SubscriptionSchedule,
  phase: Stripe.SubscriptionSchedule.Phase,
): Stripe.Subscription {
  const sub = buildSubscription(ctx, {
    customer: String(schedule.customer),
    items: phase.items.map((it) => ({
      price: getObject<Stripe.Price>(ctx.state, 'price', String(it.price)),
      quantity: it.quantity ?? 1,
    })),
    trialEnd: null,
    metadata: { ...(phase.metadata ?? {}) },
    defaultPaymentMethod: null,
    description: null,
    coupon: null,
    promotionCode: null,
  })
  sub.schedule = schedule.id
  schedule.subscription = sub.id
  scheduleHidden(ctx, schedule.id).phaseIndex = 0
  schedule.current_phase = { start_date: phase.start_date, end_date: phase.end_date }
  return sub
}

registerAction('schedule.start', (ctx, data) => {
  const schedule = ctx.state.objects[String(data.schedule)] as Stripe.SubscriptionSchedule | undefined
  if (schedule?.status !== 'not_started') return
  const before = snapshotOf(schedule)
  const sub = startWithPhase(ctx, schedule, schedule.phases[0]!)
  schedule.status = 'active'
  startSubscription(ctx, sub)
  ctx.emit('subscription_schedule.updated', schedule, previousAttributes(before, schedule))
  scheduleTransition(ctx, schedule)
})

registerAction('schedule.expiring', (ctx, data) => {
  const schedule = ctx.state.objects[String(data.schedule)] as Stripe.SubscriptionSchedule | undefined
  if (!schedule || (schedule.status !== 'active' && schedule.status !== 'not_started')) return
  if (schedule.phases.at(-1)?.end_date !== data.end) return
  ctx.emit('subscription_schedule.expiring', schedule)
})

registerAction('schedule.phase_end', (ctx, data) => {
  const schedule = ctx.state.objects[String(data.schedule)] as Stripe.SubscriptionSchedule | undefined
  if (!schedule || (scheduleHidden(ctx, schedule.id).phaseIndex ?? 0) !== data.phase) return
  const sub = subscriptionOf(ctx, schedule)
  if (sub) endPhase(ctx, schedule, ctx.now(clockOfSubscription(ctx, sub)))
})

beforeRenewal((ctx, sub, boundary) => {
  if (typeof sub.schedule !== 'string') return
  const schedule = ctx.state.objects[sub.schedule] as Stripe.SubscriptionSchedule | undefined
  if (schedule) endPhase(ctx, schedule, boundary)
})
