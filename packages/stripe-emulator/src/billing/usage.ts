/**
 * Usage-based billing: meter events recorded against a meter, aggregated per customer over a time
 * range with the meter's formula (`sum`, `count`, `last`), and what a metered price's subscription
 * item bills for a period. Events are kept beside their meter (hidden data), in arrival order.
 * @module
 */
import type Stripe from 'stripe'
import type { Ctx } from '../context.js'
import { hiddenOf } from '../state.js'

export type RecordedEvent = {
  identifier: string
  timestamp: number
  payload: Record<string, string>
}

type MeterHidden = { events?: RecordedEvent[] }

export function meterEvents(ctx: Ctx, meterId: string): RecordedEvent[] {
  const hidden = hiddenOf<MeterHidden>(ctx.state, meterId)
  hidden.events ??= []
  return hidden.events
}

/** A price billed from a meter (`recurring.usage_type: metered`). */
export function isMetered(price: Stripe.Price): boolean {
  return price.recurring?.usage_type === 'metered'
}

/** A period's flat amount for `quantity` of `price`: none for a metered price (billed by usage, never prorated). */
export function flatAmount(price: Stripe.Price, quantity: number): number {
  return isMetered(price) ? 0 : (price.unit_amount ?? 0) * quantity
}

/**
 * The meter's aggregated value for `customer` over `[start, end)`. Events whose payload lacks the
 * customer key or carries a value that is not a number are not counted (Stripe reports those
 * asynchronously as meter errors, which the emulator does not send).
 */
export function aggregate(
  ctx: Ctx,
  meter: Stripe.Billing.Meter,
  customer: string,
  start: number,
  end: number,
): number {
  const customerKey = meter.customer_mapping.event_payload_key
  const valueKey = meter.value_settings.event_payload_key
  const events = meterEvents(ctx, meter.id).filter(
    (e) => e.payload[customerKey] === customer && e.timestamp >= start && e.timestamp < end,
  )
  const formula = meter.default_aggregation.formula
  if (formula === 'count') return events.length
  const values = events
    // Stripe takes whole numbers only (docs: recording-usage-api, "Usage values"); others are not counted.
    .filter((e) => /^-?\d+$/.test(e.payload[valueKey] ?? ''))
    .map((e) => ({ at: e.timestamp, value: Number(e.payload[valueKey]) }))
  if (formula === 'last') {
    const latest = values.reduce<{ at: number; value: number } | null>(
      (best, v) => (best === null || v.at >= best.at ? v : best),
      null,
    )
    return latest?.value ?? 0
  }
  return values.reduce((sum, v) => sum + v.value, 0)
}

/**
 * What a metered subscription item used in its current period (none while trialing, as Stripe
 * does not charge trial usage), and its amount in whole minor units.
 */
export function meteredUsage(
  ctx: Ctx,
  sub: Stripe.Subscription,
  item: Stripe.SubscriptionItem,
): { quantity: number; amount: number } {
  const meterId = item.price.recurring?.meter
  const meter = meterId ? (ctx.state.objects[meterId] as Stripe.Billing.Meter | undefined) : undefined
  if (!meter || sub.status === 'trialing') return { quantity: 0, amount: 0 }
  // "If the overall cycle usage is negative, Stripe reports the invoice line item usage quantity as 0."
  const quantity = Math.max(
    0,
    aggregate(ctx, meter, String(sub.customer), item.current_period_start, item.current_period_end),
  )
  return { quantity, amount: Math.round(quantity * (item.price.unit_amount ?? 0)) }
}
