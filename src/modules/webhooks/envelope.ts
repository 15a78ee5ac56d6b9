/**
 * The shape every Stripe event has, checked after the signature and before the inbox: a signed body
 * that is not an event (`{}`, `null`, an id without a type) is a sender's mistake, answered 400 with
 * nothing stored, never a 500 from a missing column. Written out by hand rather than as a Zod
 * schema: it runs on every delivery, and four field checks cost a tenth of the schema's parse (the
 * property test in envelope.test.ts holds both to the same rules).
 * @module
 */
import type Stripe from 'stripe'

const EVENT_ID = /^evt_\w{1,250}$/
// Stripe's types are dotted names (`invoice.paid`, `v1.billing.meter.no_meter_found`).
const EVENT_TYPE = /^[a-z0-9_]+(\.[a-z0-9_]+)+$/
const MAX_CREATED = 2 ** 40

type Fields = Record<string, unknown>

/** An object that is not an array or null (what JSON.parse gives for `{…}`). */
function isRecord(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** The event if `value` has an event's envelope, else undefined. */
export function parseEventEnvelope(value: unknown): Stripe.Event | undefined {
  if (!isRecord(value)) return undefined
  const { id, type, created, data } = value
  if (typeof id !== 'string' || !EVENT_ID.test(id)) return undefined
  if (typeof type !== 'string' || type.length > 100 || !EVENT_TYPE.test(type)) return undefined
  if (typeof created !== 'number' || !Number.isInteger(created) || created < 0 || created > MAX_CREATED)
    return undefined
  if (!isRecord(data) || !isRecord(data.object)) return undefined
  return value as unknown as Stripe.Event
}
