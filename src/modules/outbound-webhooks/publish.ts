/**
 * Publishing an event to other apps: one delivery row per enabled endpoint that wants the type,
 * written in the caller's transaction, so the event exists exactly when the change does (the
 * outbox pattern); the worker sends it afterwards.
 * @module
 */
import type { Executor } from '../../db/database.js'
import { newId } from '../../lib/ids.js'
import type { OutboundEventType } from './endpoints.js'
import { insertDelivery, listEnabledEndpointRows } from './repo.js'

export async function publishEvent(
  trx: Executor,
  input: { type: OutboundEventType; data: Record<string, unknown>; now: Date },
): Promise<number> {
  const endpoints = (await listEnabledEndpointRows(trx)).filter(
    (e) => e.events === '*' || e.events.split(',').includes(input.type),
  )
  if (endpoints.length === 0) return 0
  const messageId = newId('wev', input.now.getTime())
  const payload = JSON.stringify({ type: input.type, timestamp: input.now.toISOString(), data: input.data })
  for (const endpoint of endpoints) {
    await insertDelivery(trx, {
      id: newId('whd', input.now.getTime()),
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
