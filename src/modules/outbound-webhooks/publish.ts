/**
 * Publishing an event to other apps: one delivery row per enabled endpoint that wants the type,
 * written in the caller's transaction, so the event exists exactly when the change does (the
 * outbox pattern); the worker sends it afterwards.
 * @module
 */
import type { Executor } from '../../db/database.js'
import { newId } from '../../lib/ids.js'
import { insertDelivery, listEnabledEndpointRows } from './repo.js'

/** The event types other apps can subscribe to (README's table says when each is sent). */
export const OUTBOUND_EVENTS = [
  'order.paid',
  'order.refunded',
  'subscription.created',
  'subscription.updated',
  'subscription.canceled',
  'entitlement.granted',
  'entitlement.updated',
  'entitlement.revoked',
  'license.created',
  'license.revoked',
] as const

export type OutboundEventType = (typeof OUTBOUND_EVENTS)[number]

/**
 * Delivery ids carry the order events must reach each endpoint in (the worker sends the lowest
 * pending id first). Ids made in the same millisecond would sort by their random part, so a
 * transaction publishing `entitlement.granted` then `order.paid` could see them swapped: each
 * delivery's time part is at least one past the last one this process made.
 */
let lastStamp = 0

function nextStamp(now: Date): number {
  lastStamp = Math.max(now.getTime(), lastStamp + 1)
  return lastStamp
}

/** A delivery id that sorts after every delivery this process made before (so after its queue). */
export function nextDeliveryId(now: Date): string {
  return newId('whd', nextStamp(now))
}

export async function publishEvent(
  trx: Executor,
  input: { type: OutboundEventType; data: Record<string, unknown>; now: Date },
): Promise<number> {
  const endpoints = (await listEnabledEndpointRows(trx)).filter(
    (e) => e.events === '*' || e.events.split(',').includes(input.type),
  )
  if (endpoints.length === 0) return 0
  const messageId = newId('wev', nextStamp(input.now))
  const payload = JSON.stringify({ type: input.type, timestamp: input.now.toISOString(), data: input.data })
  for (const endpoint of endpoints) {
    await insertDelivery(trx, {
      id: nextDeliveryId(input.now),
      endpoint_id: endpoint.id,
      message_id: messageId,
      event_type: input.type,
      payload,
      status: 'pending',
      attempts: 0,
      next_attempt_at: input.now.toISOString(),
      last_status: null,
      last_error: null,
      created_at: input.now.toISOString(),
      delivered_at: null,
    })
  }
  return endpoints.length
}
