/**
 * Subscription schedules: phases of items that replace each other on the subscription's clock.
 * A phase ending at a period boundary changes the items just before the renewal invoice (a
 * renewal hook), so "downgrade at period end" bills the new price with no proration; one ending
 * mid-period changes them then, prorated as the phase's `proration_behavior` says. After the last
 * phase the schedule is `completed` and `end_behavior` releases the subscription (it continues) or
 * cancels it. Events: `subscription_schedule.created`, `.updated` (each phase change),
 * `.completed`, `.released`, `.canceled`, beside the subscription's own.
 * The routes are in resources/subscription-schedules.ts.
 * @module
 */
import type Stripe from 'stripe'
import type { Ctx } from '../context.js'
import { registerAction } from '../registry.js'
import { getObject, hiddenOf } from '../state.js'
import { changePlan, type Proration } from './change-plan.js'
import { addItem, removeItem } from './item-changes.js'
import {
  beforeRenewal,
  changeSubscription,
  endSubscription,
  scheduleFor,
  unscheduleAll,
} from './lifecycle.js'
import { clockOfSubscription, currentPeriodEnd, type ItemInput, planOf } from './model.js'

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

/** Schedules the job that ends the current phase when its end falls inside a period. */
export function scheduleTransition(ctx: Ctx, schedule: Stripe.SubscriptionSchedule): void {
  const sub = subscriptionOf(ctx, schedule)
  const index = scheduleHidden(ctx, schedule.id).phaseIndex ?? 0
  const phase = schedule.phases[index]
  if (!sub || !phase) return
  ctx.unschedule((j) => j.action === 'schedule.phase_end' && j.data.schedule === schedule.id)
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
  ctx.unschedule((j) => j.action === 'schedule.phase_end' && j.data.schedule === schedule.id)
  schedule.status = 'released'
  schedule.released_at = sub ? ctx.now(clockOfSubscription(ctx, sub)) : ctx.now()
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
  ctx.unschedule((j) => j.action === 'schedule.phase_end' && j.data.schedule === schedule.id)
  if (sub && sub.status !== 'canceled') {
    unscheduleAll(ctx, sub.id)
    endSubscription(ctx, sub, 'cancellation_requested')
  }
  schedule.status = 'canceled'
  schedule.canceled_at = sub ? ctx.now(clockOfSubscription(ctx, sub)) : ctx.now()
  schedule.current_phase = null
  ctx.emit('subscription_schedule.canceled', schedule)
}

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
