/**
 * The shape every Stripe event has, checked after the signature and before the inbox: a signed body
 * that is not an event (`{}`, `null`, an id without a type) is a sender's mistake, answered 400 with
 * nothing stored, never a 500 from a missing column.
 * @module
 */
import type Stripe from 'stripe'
import * as z from 'zod'

const EventEnvelope = z.object({
  id: z.string().regex(/^evt_\w{1,250}$/),
  // Stripe's types are dotted names (`invoice.paid`, `v1.billing.meter.no_meter_found`).
  type: z
    .string()
    .max(100)
    .regex(/^[a-z0-9_]+(\.[a-z0-9_]+)+$/),
  created: z
    .number()
    .int()
    .nonnegative()
    .max(2 ** 40),
  data: z.object({ object: z.looseObject({}) }),
})

/** The event if `value` has an event's envelope, else undefined. */
export function parseEventEnvelope(value: unknown): Stripe.Event | undefined {
  const result = EventEnvelope.safeParse(value)
  return result.success ? (value as Stripe.Event) : undefined
}
