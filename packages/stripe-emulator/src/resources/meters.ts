/**
 * Billing meters (`/v1/billing/meters`: create, retrieve, list, update, deactivate, reactivate,
 * `event_summaries`) and meter events (`POST /v1/billing/meter_events`). An event is recorded
 * against the active meter with its `event_name`; an event no active meter listens to is accepted
 * and not counted, as on Stripe (whose asynchronous error reports are not sent). Metered prices
 * (`recurring[meter]`, `usage_type=metered`) bill the aggregated usage at period end
 * (billing/usage.ts, billing/lifecycle.ts).
 * @module
 */
import type Stripe from 'stripe'
import { aggregate, meterEvents } from '../billing/usage.js'
import type { Ctx } from '../context.js'
import { invalidParam, invalidRequest, missingParam } from '../errors.js'
import { newId, randomString } from '../ids.js'
import { LIST_PARAMS, paginate } from '../list.js'
import {
  allowOnly,
  optEnum,
  optInt,
  optObject,
  optString,
  type Params,
  reqInt,
  reqString,
} from '../params.js'
import { route } from '../registry.js'
import { getObject, hiddenOf, insertObject, listObjects } from '../state.js'
import { clockOfCustomer } from './customers.js'

const FORMULAS = ['count', 'sum', 'last'] as const
const WINDOWS = ['day', 'hour'] as const
const DAY = 86_400
/** Stripe takes events up to 35 days old and up to 5 minutes ahead. */
const OLDEST = 35 * DAY
const AHEAD = 300

function meterOf(ctx: Ctx, id: string): Stripe.Billing.Meter {
  return getObject<Stripe.Billing.Meter>(ctx.state, 'billing.meter', id, 'id', 'billing meter')
}

function payloadKey(params: Params, key: string, fallback: string): string {
  const name = key
  const o = optObject(params, key, name)
  if (!o) return fallback
  allowOnly(o, key === 'customer_mapping' ? ['event_payload_key', 'type'] : ['event_payload_key'], name)
  if (key === 'customer_mapping') optEnum(o, 'type', ['by_id'] as const, `${name}[type]`)
  return reqString(o, 'event_payload_key', `${name}[event_payload_key]`)
}

function activeMeterFor(ctx: Ctx, eventName: string, except?: string): Stripe.Billing.Meter | undefined {
  return listObjects<Stripe.Billing.Meter>(
    ctx.state,
    'billing.meter',
    (m) => m.status === 'active' && m.event_name === eventName && m.id !== except,
  )[0]
}

function refuseTakenEventName(ctx: Ctx, eventName: string, except?: string): void {
  const other = activeMeterFor(ctx, eventName, except)
  if (other)
    throw invalidRequest(
      `An active meter (${other.id}) already uses the event_name ${eventName}.`,
      'resource_already_exists',
      'event_name',
    )
}

route('post', '/v1/billing/meters', (ctx, params) => {
  allowOnly(params, [
    'default_aggregation',
    'display_name',
    'event_name',
    'customer_mapping',
    'event_time_window',
    'value_settings',
  ])
  const aggregation = optObject(params, 'default_aggregation')
  if (!aggregation) throw missingParam('default_aggregation')
  allowOnly(aggregation, ['formula'], 'default_aggregation')
  const formula = optEnum(aggregation, 'formula', FORMULAS, 'default_aggregation[formula]')
  if (!formula) throw missingParam('default_aggregation[formula]')
  const displayName = reqString(params, 'display_name')
  const eventName = reqString(params, 'event_name')
  if (eventName.length > 100) throw invalidParam('event_name', 'event_name must be at most 100 characters.')
  refuseTakenEventName(ctx, eventName)
  const now = ctx.now()
  const meter = {
    id: `mtr_test_${randomString(24)}`,
    object: 'billing.meter',
    created: now,
    customer_mapping: {
      event_payload_key: payloadKey(params, 'customer_mapping', 'stripe_customer_id'),
      type: 'by_id',
    },
    default_aggregation: { formula },
    display_name: displayName,
    event_name: eventName,
    event_time_window: optEnum(params, 'event_time_window', WINDOWS) ?? null,
    livemode: false,
    status: 'active',
    status_transitions: { deactivated_at: null },
    updated: now,
    value_settings: { event_payload_key: payloadKey(params, 'value_settings', 'value') },
  } as Stripe.Billing.Meter
  insertObject(ctx.state, meter)
  ctx.emit('billing.meter.created', meter)
  return meter
})

route('get', '/v1/billing/meters/:id', (ctx, params, path) => {
  allowOnly(params, [])
  return meterOf(ctx, path.id!)
})

route('get', '/v1/billing/meters', (ctx, params) => {
  allowOnly(params, [...LIST_PARAMS, 'status'])
  const status = optEnum(params, 'status', ['active', 'inactive'] as const)
  const meters = listObjects<Stripe.Billing.Meter>(
    ctx.state,
    'billing.meter',
    (m) => !status || m.status === status,
  )
  return paginate(meters, params, '/v1/billing/meters')
})

route('post', '/v1/billing/meters/:id', (ctx, params, path) => {
  allowOnly(params, ['display_name'])
  const meter = meterOf(ctx, path.id!)
  const name = optString(params, 'display_name')
  if (name === '') throw missingParam('display_name')
  if (name !== undefined && name !== meter.display_name) {
    const previous = meter.display_name
    meter.display_name = name
    meter.updated = ctx.now()
    ctx.emit('billing.meter.updated', meter, { display_name: previous })
  }
  return meter
})

route('post', '/v1/billing/meters/:id/deactivate', (ctx, params, path) => {
  allowOnly(params, [])
  const meter = meterOf(ctx, path.id!)
  if (meter.status !== 'active') throw invalidRequest(`The meter ${meter.id} is already inactive.`)
  meter.status = 'inactive'
  meter.status_transitions.deactivated_at = ctx.now()
  meter.updated = ctx.now()
  ctx.emit('billing.meter.deactivated', meter)
  return meter
})

route('post', '/v1/billing/meters/:id/reactivate', (ctx, params, path) => {
  allowOnly(params, [])
  const meter = meterOf(ctx, path.id!)
  if (meter.status === 'active') throw invalidRequest(`The meter ${meter.id} is already active.`)
  refuseTakenEventName(ctx, meter.event_name, meter.id)
  meter.status = 'active'
  meter.status_transitions.deactivated_at = null
  meter.updated = ctx.now()
  ctx.emit('billing.meter.reactivated', meter)
  return meter
})

route('get', '/v1/billing/meters/:id/event_summaries', (ctx, params, path) => {
  allowOnly(params, [...LIST_PARAMS, 'customer', 'start_time', 'end_time', 'value_grouping_window'])
  const meter = meterOf(ctx, path.id!)
  const customer = reqString(params, 'customer')
  getObject(ctx.state, 'customer', customer, 'customer')
  const start = reqInt(params, 'start_time')
  const end = reqInt(params, 'end_time')
  const window = optEnum(params, 'value_grouping_window', WINDOWS)
  for (const [name, t] of [
    ['start_time', start],
    ['end_time', end],
  ] as const)
    if (t % 60 !== 0) throw invalidParam(name, `${name} must be aligned with minute boundaries.`)
  if (end <= start) throw invalidParam('end_time', 'end_time must be after start_time.')
  const step = window === 'day' ? DAY : window === 'hour' ? 3600 : end - start
  if (window && (start % step !== 0 || end % step !== 0))
    throw invalidParam(
      'start_time',
      `start_time and end_time must be aligned with ${window} boundaries when value_grouping_window is ${window}.`,
    )
  const summaries: Stripe.Billing.MeterEventSummary[] = []
  for (let from = start; from < end; from += step) {
    const to = Math.min(end, from + step)
    summaries.push({
      id: `mtrusg_test_${Buffer.from(`${meter.id}:${customer}:${from}`).toString('base64url').slice(-24)}`,
      object: 'billing.meter_event_summary',
      aggregated_value: aggregate(ctx, meter, customer, from, to),
      end_time: to,
      livemode: false,
      meter: meter.id,
      start_time: from,
    })
  }
  // Newest window first, as in Stripe's list example (docs.stripe.com/api/billing/meter-event-summary/list).
  summaries.reverse()
  return paginate(summaries, params, `/v1/billing/meters/${meter.id}/event_summaries`)
})

type IdentifierIndex = { seen?: Record<string, number> }

route('post', '/v1/billing/meter_events', (ctx, params) => {
  allowOnly(params, ['event_name', 'payload', 'identifier', 'timestamp'])
  const eventName = reqString(params, 'event_name')
  const payload = optObject(params, 'payload')
  if (!payload || Object.keys(payload).length === 0) throw missingParam('payload')
  for (const [key, value] of Object.entries(payload))
    if (typeof value !== 'string') throw invalidParam(`payload[${key}]`, `Invalid string: payload[${key}]`)
  const meter = activeMeterFor(ctx, eventName)
  const customerId = meter ? payload[meter.customer_mapping.event_payload_key] : undefined
  const customer =
    typeof customerId === 'string'
      ? (ctx.state.objects[customerId] as Stripe.Customer | undefined)
      : undefined
  // An event for a customer on a test clock is timed on that clock.
  const now = ctx.now(customer ? clockOfCustomer(ctx, customer.id) : null)
  const timestamp = optInt(params, 'timestamp') ?? now
  if (timestamp < now - OLDEST || timestamp > now + AHEAD)
    throw invalidParam(
      'timestamp',
      'The timestamp must be within the past 35 calendar days and at most 5 minutes in the future.',
    )
  const identifier = optString(params, 'identifier') ?? newId('mev', 24)
  const index = hiddenOf<IdentifierIndex>(ctx.state, 'billing.meter_events')
  index.seen ??= {}
  const seenAt = index.seen[identifier]
  if (seenAt !== undefined && seenAt > ctx.now() - DAY)
    throw invalidRequest(
      `A meter event with the identifier ${identifier} was already recorded in the last 24 hours.`,
      'resource_already_exists',
      'identifier',
    )
  index.seen[identifier] = ctx.now()
  const stored = payload as Record<string, string>
  if (meter) meterEvents(ctx, meter.id).push({ identifier, timestamp, payload: { ...stored } })
  return {
    object: 'billing.meter_event',
    created: ctx.now(),
    event_name: eventName,
    identifier,
    livemode: false,
    payload: stored,
    timestamp,
  } satisfies Stripe.Billing.MeterEvent
})
