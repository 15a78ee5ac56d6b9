/**
 * Webhook endpoints other apps receive events at, registered by the owner (`tollgate webhooks
 * add|list|remove|deliveries|redeliver`), each with its own Standard Webhooks secret (`whsec_` +
 * 24 random bytes, base64), shown when added.
 * @module
 */
import { randomBytes } from 'node:crypto'
import type { Executor } from '../../db/database.js'
import { newId } from '../../lib/ids.js'
import { nextDeliveryId, type OutboundEventType } from './publish.js'
import {
  bringHeadForward,
  deleteEndpointRow,
  findDeliveryRow,
  findEndpointRow,
  insertDelivery,
  insertEndpoint,
  listDeliveryRows,
  listEndpointRows,
  setEndpointFailures,
} from './repo.js'
import type { WebhookDeliveryRow, WebhookEndpointRow } from './table.js'

export type WebhookEndpoint = Omit<WebhookEndpointRow, 'secret'>
export type WebhookDelivery = Omit<WebhookDeliveryRow, 'payload'>

export async function addWebhookEndpoint(
  db: Executor,
  input: { url: string; events: OutboundEventType[] | '*'; now: Date },
): Promise<{ id: string; secret: string }> {
  const id = newId('whe', input.now.getTime())
  const secret = `whsec_${randomBytes(24).toString('base64')}`
  await insertEndpoint(db, {
    id,
    url: input.url,
    secret,
    // An event named twice is one subscription (the CLI's --events, the console's form).
    events: input.events === '*' ? '*' : [...new Set(input.events)].join(','),
    status: 'enabled',
    consecutive_failures: 0,
    created_at: input.now.toISOString(),
    disabled_at: null,
  })
  return { id, secret }
}

export async function listWebhookEndpoints(db: Executor): Promise<WebhookEndpoint[]> {
  return (await listEndpointRows(db)).map(({ secret: _secret, ...rest }) => rest)
}

/** Removes an endpoint; answers it as it was (without its secret), or undefined when there is none. */
export async function removeWebhookEndpoint(db: Executor, id: string): Promise<WebhookEndpoint | undefined> {
  const endpoint = await findEndpointRow(db, id)
  if (!endpoint || !(await deleteEndpointRow(db, id))) return undefined
  const { secret: _secret, ...rest } = endpoint
  return rest
}

export async function listWebhookDeliveries(
  db: Executor,
  input: { endpointId?: string; limit: number },
): Promise<WebhookDelivery[]> {
  return (await listDeliveryRows(db, input.endpointId, input.limit)).map(({ payload: _p, ...rest }) => rest)
}

/**
 * Sends a delivery again (same message id, so receivers can tell it is the same event), for an
 * owner whose receiver is fixed. The endpoint's queue goes now: a delivery waiting for its next
 * retry is tried at once (a pending one is not copied, only brought forward), and a copy of a
 * delivered or failed one goes after the deliveries queued before it. Answers the id that will be
 * sent, or undefined when there is no such delivery.
 */
export async function redeliverWebhook(
  db: Executor,
  deliveryId: string,
  now: Date,
): Promise<string | undefined> {
  const earlier = await findDeliveryRow(db, deliveryId)
  if (!earlier) return undefined
  await bringHeadForward(db, earlier.endpoint_id, now.toISOString())
  if (earlier.status === 'pending') return earlier.id
  const id = nextDeliveryId(now)
  await insertDelivery(db, {
    ...earlier,
    id,
    status: 'pending',
    attempts: 0,
    next_attempt_at: now.toISOString(),
    last_status: null,
    last_error: null,
    created_at: now.toISOString(),
    delivered_at: null,
  })
  return id
}

/** An endpoint's switch as it stood before an enable or disable, for the audit log. */
export type EndpointSwitch = {
  status: 'enabled' | 'disabled'
  consecutive_failures: number
  disabled_at: string | null
}

const switchOf = (e: EndpointSwitch): EndpointSwitch => ({
  status: e.status,
  consecutive_failures: e.consecutive_failures,
  disabled_at: e.disabled_at,
})

/**
 * Switches a disabled endpoint back on (its failure count starts again) and sends what waited for
 * it now, a delivery waiting for its next retry included. Answers the state before, or undefined
 * when there is no such endpoint.
 */
export async function enableWebhookEndpoint(
  db: Executor,
  id: string,
  now: Date,
): Promise<EndpointSwitch | undefined> {
  const endpoint = await findEndpointRow(db, id)
  if (!endpoint) return undefined
  await setEndpointFailures(db, id, { consecutive_failures: 0, status: 'enabled', disabled_at: null })
  await bringHeadForward(db, id, now.toISOString())
  return switchOf(endpoint)
}

/**
 * Switches an endpoint off by hand: nothing is sent to it until it is enabled again. Answers the
 * state before, or undefined when there is no such endpoint.
 */
export async function disableWebhookEndpoint(
  db: Executor,
  id: string,
  now: Date,
): Promise<EndpointSwitch | undefined> {
  const endpoint = await findEndpointRow(db, id)
  if (!endpoint) return undefined
  if (endpoint.status === 'disabled') return switchOf(endpoint)
  await setEndpointFailures(db, id, {
    consecutive_failures: endpoint.consecutive_failures,
    status: 'disabled',
    disabled_at: now.toISOString(),
  })
  return switchOf(endpoint)
}
