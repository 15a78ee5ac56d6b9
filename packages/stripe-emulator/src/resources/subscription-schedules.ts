/**
 * Subscription schedules through the API: create `from_subscription` (one phase: the current
 * period) or for a `customer` with `phases` (starting now; the subscription is created with the
 * first phase), update (`phases` replace the plan from the current phase on, `end_behavior`,
 * `metadata`), release, cancel, retrieve, list. What phases do is in billing/schedules.ts.
 * A schedule whose `start_date` is in the future is `not_started`, with no subscription until then.
 * @module
 */
import type Stripe from 'stripe'
import { startSubscription } from '../billing/lifecycle.js'
import { clockOfSubscription, currentPeriodEnd, currentPeriodStart, periodEnd } from '../billing/model.js'
import { addInterval, type Interval } from '../billing/periods.js'
import {
  applyPhase,
  buildPhase,
  cancelSchedule,
  type PhaseInput,
  releaseSchedule,
  scheduleHidden,
  scheduleStart,
  scheduleTransition,
  startWithPhase,
} from '../billing/schedules.js'
import type { Ctx } from '../context.js'
import { invalidParam, invalidRequest, missingParam, unsupportedParam } from '../errors.js'
import { newId } from '../ids.js'
import { LIST_PARAMS, paginate } from '../list.js'
import {
  allowOnly,
  applyMetadata,
  inRange,
  optArray,
  optEnum,
  optInt,
  optObject,
  optRange,
  optString,
  type Params,
  reqString,
} from '../params.js'
import { route } from '../registry.js'
import { getObject, insertObject, listObjects } from '../state.js'
import { clockOfCustomer } from './customers.js'
import { readItems } from './subscription-params.js'

const PRORATION = ['create_prorations', 'none', 'always_invoice'] as const
const PHASE_KEYS = [
  'items',
  'end_date',
  'duration',
  'proration_behavior',
  'metadata',
  'start_date',
  'iterations',
] as const

function getSchedule(ctx: Ctx, id: string): Stripe.SubscriptionSchedule {
  return getObject<Stripe.SubscriptionSchedule>(
    ctx.state,
    'subscription_schedule',
    id,
    'id',
    'subscription_schedule',
  )
}

/** Reads `phases[]` into consecutive phases starting at `start`. */
function readPhases(ctx: Ctx, params: Params, start: number): PhaseInput[] {
  const raw = optArray(params, 'phases')
  if (!raw || raw.length === 0) throw missingParam('phases')
  let at = start
  return raw.map((entry, i) => {
    const name = `phases[${i}]`
    if (typeof entry !== 'object' || Array.isArray(entry)) throw invalidParam(name, 'Invalid phase')
    allowOnly(entry, PHASE_KEYS, name)
    const given = entry.start_date
    if (
      i === 0 &&
      given !== undefined &&
      given !== 'now' &&
      optInt(entry, 'start_date', `${name}[start_date]`)! > start
    )
      throw unsupportedParam(
        `${name}[start_date]`,
        'in the future (schedules that have not started are not modelled)',
      )
    const items = readItems(ctx, entry)
    const taxed = items.findIndex((it) => it.taxRates !== undefined)
    if (taxed >= 0)
      throw unsupportedParam(
        `${name}[items][${taxed}][tax_rates]`,
        'on schedule phases (tax rates are modelled on subscriptions)',
      )
    const end = phaseEnd(entry, name, at, items[0]!.price)
    if (end <= at) throw invalidParam(`${name}[end_date]`, 'The phase must end after it starts.')
    const phase: PhaseInput = {
      items,
      start: at,
      end,
      prorationBehavior:
        optEnum(entry, 'proration_behavior', PRORATION, `${name}[proration_behavior]`) ?? 'create_prorations',
      metadata: applyMetadata({}, entry),
    }
    at = end
    return phase
  })
}

/** `end_date`, `duration[interval|interval_count]`, `iterations` periods, or one period of the first price. */
function phaseEnd(entry: Params, name: string, start: number, price: Stripe.Price): number {
  const end = optInt(entry, 'end_date', `${name}[end_date]`)
  if (end !== undefined) return end
  const iterations = optInt(entry, 'iterations', `${name}[iterations]`)
  if (iterations !== undefined) {
    if (iterations < 1) throw invalidParam(`${name}[iterations]`, 'iterations must be at least 1.')
    let at = start
    for (let i = 0; i < iterations; i++) at = periodEnd(price, at, start)
    return at
  }
  const duration = optObject(entry, 'duration', `${name}[duration]`)
  if (duration) {
    allowOnly(duration, ['interval', 'interval_count'], `${name}[duration]`)
    const interval = optEnum(
      duration,
      'interval',
      ['day', 'week', 'month', 'year'] as const,
      `${name}[duration][interval]`,
    )
    if (!interval) throw missingParam(`${name}[duration][interval]`)
    return addInterval(start, interval as Interval, optInt(duration, 'interval_count') ?? 1)
  }
  return periodEnd(price, start, start)
}

function newSchedule(
  ctx: Ctx,
  customer: string,
  sub: Stripe.Subscription | null,
  phases: PhaseInput[],
  params: Params,
): Stripe.SubscriptionSchedule {
  const built = phases.map(buildPhase)
  const clock = clockOfCustomer(ctx, customer)
  const schedule = {
    id: newId('sub_sched', 24),
    object: 'subscription_schedule',
    application: null,
    billing_mode: { flexible: null, type: 'classic', updated_at: ctx.now(clock) },
    canceled_at: null,
    completed_at: null,
    created: ctx.now(clock),
    current_phase: sub ? { start_date: built[0]!.start_date, end_date: built[0]!.end_date } : null,
    customer,
    customer_account: null,
    default_settings: {
      application_fee_percent: null,
      automatic_tax: { disabled_reason: null, enabled: false, liability: null },
      billing_cycle_anchor: 'automatic',
      billing_thresholds: null,
      collection_method: 'charge_automatically',
      default_payment_method: null,
      description: null,
      invoice_settings: { account_tax_ids: null, days_until_due: null, issuer: { type: 'self' } },
      on_behalf_of: null,
      transfer_data: null,
    },
    end_behavior: optEnum(params, 'end_behavior', ['release', 'cancel'] as const) ?? 'release',
    livemode: false,
    metadata: applyMetadata({}, params),
    pause_schedules: [],
    phases: built,
    released_at: null,
    released_subscription: null,
    status: sub ? 'active' : 'not_started',
    subscription: sub?.id ?? null,
    test_clock: clock,
  } as unknown as Stripe.SubscriptionSchedule
  insertObject(ctx.state, schedule)
  scheduleHidden(ctx, schedule.id).phaseIndex = 0
  return schedule
}

const CREATE = [
  'customer',
  'from_subscription',
  'phases',
  'end_behavior',
  'metadata',
  'start_date',
  'default_settings',
] as const

route('post', '/v1/subscription_schedules', (ctx, params) => {
  allowOnly(params, CREATE)
  if (params.default_settings !== undefined) throw unsupportedParam('default_settings')
  const fromId = optString(params, 'from_subscription')
  if (fromId) {
    for (const key of ['customer', 'phases', 'end_behavior', 'start_date'])
      if (params[key] !== undefined)
        throw invalidRequest(`You cannot set \`${key}\` when using \`from_subscription\`.`, undefined, key)
    const sub = getObject<Stripe.Subscription>(ctx.state, 'subscription', fromId, 'from_subscription')
    if (sub.schedule)
      throw invalidParam('from_subscription', `The subscription ${sub.id} is already managed by a schedule.`)
    if (sub.status === 'canceled' || sub.status === 'incomplete_expired')
      throw invalidParam('from_subscription', `The subscription ${sub.id} is ${sub.status}.`)
    const phase: PhaseInput = {
      items: sub.items.data.map((i) => ({ price: i.price, quantity: i.quantity ?? 1 })),
      start: currentPeriodStart(sub),
      end: currentPeriodEnd(sub),
      prorationBehavior: 'create_prorations',
      metadata: {},
    }
    const schedule = newSchedule(ctx, String(sub.customer), sub, [phase], params)
    sub.schedule = schedule.id
    ctx.emit('subscription_schedule.created', schedule)
    ctx.emit('customer.subscription.updated', sub, { schedule: null })
    scheduleTransition(ctx, schedule)
    return schedule
  }
  const customer = getObject<Stripe.Customer>(
    ctx.state,
    'customer',
    reqString(params, 'customer'),
    'customer',
  )
  const now = ctx.now(clockOfCustomer(ctx, customer.id))
  const start =
    params.start_date === undefined || params.start_date === 'now'
      ? now
      : Math.max(now, optInt(params, 'start_date') ?? now)
  const phases = readPhases(ctx, params, start)
  if (start > now) {
    // Not started: the subscription is created with the first phase at `start_date`.
    const schedule = newSchedule(ctx, customer.id, null, phases, params)
    ctx.emit('subscription_schedule.created', schedule)
    scheduleStart(ctx, schedule)
    return schedule
  }
  const schedule = newSchedule(ctx, customer.id, null, phases, params)
  schedule.status = 'active'
  const sub = startWithPhase(ctx, schedule, schedule.phases[0]!)
  ctx.emit('subscription_schedule.created', schedule)
  startSubscription(ctx, sub)
  scheduleTransition(ctx, schedule)
  return schedule
})
route('get', '/v1/subscription_schedules/:id', (ctx, _p, path) => getSchedule(ctx, path.id!))
route('post', '/v1/subscription_schedules/:id', (ctx, params, path) => {
  allowOnly(params, ['phases', 'end_behavior', 'metadata', 'proration_behavior', 'default_settings'])
  if (params.default_settings !== undefined) throw unsupportedParam('default_settings')
  const schedule = getSchedule(ctx, path.id!)
  if (schedule.status !== 'active' && schedule.status !== 'not_started')
    throw invalidRequest(`You cannot update a subscription schedule that is ${schedule.status}.`)
  const before = JSON.stringify(schedule)
  // Read before anything changes, so a bad value leaves the schedule as it was.
  const endBehavior = optEnum(params, 'end_behavior', ['release', 'cancel'] as const)
  const metadata = applyMetadata(schedule.metadata ?? {}, params)
  if (schedule.status === 'not_started') {
    // Nothing has been billed yet: the new phases replace the old ones from the same start date
    // (nothing to prorate), and the start and expiring jobs follow them.
    optEnum(params, 'proration_behavior', PRORATION)
    if (params.phases !== undefined) {
      schedule.phases = readPhases(ctx, params, schedule.phases[0]!.start_date).map(buildPhase)
      scheduleStart(ctx, schedule)
    }
  } else if (params.phases !== undefined) {
    const sub = getObject<Stripe.Subscription>(ctx.state, 'subscription', String(schedule.subscription))
    // The new plan starts with the current phase (its start date stays), as Stripe requires.
    const index = scheduleHidden(ctx, schedule.id).phaseIndex ?? 0
    const currentStart = schedule.phases[index]!.start_date
    const phases = readPhases(ctx, params, currentStart).map(buildPhase)
    schedule.phases = [...schedule.phases.slice(0, index), ...phases]
    schedule.current_phase = { start_date: phases[0]!.start_date, end_date: phases[0]!.end_date }
    if (phases[0]!.end_date <= ctx.now(clockOfSubscription(ctx, sub)))
      throw invalidParam('phases[0][end_date]', 'The current phase must end in the future.')
    const behaviour = optEnum(params, 'proration_behavior', PRORATION) ?? 'create_prorations'
    applyPhase(ctx, sub, phases[0]!, behaviour)
    scheduleTransition(ctx, schedule)
  }
  if (endBehavior) schedule.end_behavior = endBehavior
  schedule.metadata = metadata
  if (JSON.stringify(schedule) !== before) ctx.emit('subscription_schedule.updated', schedule)
  return schedule
})
route('post', '/v1/subscription_schedules/:id/release', (ctx, params, path) => {
  allowOnly(params, ['preserve_cancel_date'])
  const schedule = getSchedule(ctx, path.id!)
  if (schedule.status !== 'active' && schedule.status !== 'not_started')
    throw invalidRequest(`You cannot release a subscription schedule that is ${schedule.status}.`)
  releaseSchedule(ctx, schedule)
  return schedule
})
route('post', '/v1/subscription_schedules/:id/cancel', (ctx, params, path) => {
  allowOnly(params, ['invoice_now', 'prorate'])
  for (const key of ['invoice_now', 'prorate'])
    if (params[key] !== undefined && String(params[key]).toLowerCase() !== 'false')
      throw unsupportedParam(key, 'set to true')
  const schedule = getSchedule(ctx, path.id!)
  if (schedule.status !== 'active' && schedule.status !== 'not_started')
    throw invalidRequest(`You cannot cancel a subscription schedule that is ${schedule.status}.`)
  cancelSchedule(ctx, schedule)
  return schedule
})
route('get', '/v1/subscription_schedules', (ctx, params) => {
  allowOnly(params, [
    ...LIST_PARAMS,
    'customer',
    'scheduled',
    'created',
    'completed_at',
    'released_at',
    'canceled_at',
  ])
  for (const key of ['scheduled', 'completed_at', 'released_at', 'canceled_at'])
    if (params[key] !== undefined) throw unsupportedParam(key)
  const customer = optString(params, 'customer')
  const created = optRange(params, 'created')
  const items = listObjects<Stripe.SubscriptionSchedule>(
    ctx.state,
    'subscription_schedule',
    (s) => (customer === undefined || s.customer === customer) && inRange(s.created, created),
  )
  return paginate(items, params, '/v1/subscription_schedules')
})
