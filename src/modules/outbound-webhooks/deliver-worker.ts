/**
 * The outbound webhook worker: sends due deliveries signed per Standard Webhooks (the
 * `standardwebhooks` reference library: `webhook-id`, `webhook-timestamp`, `webhook-signature`),
 * at least once, oldest first per endpoint and endpoints side by side (a receiver that hangs holds
 * up only its own queue), retrying on a non-2xx answer or a network error after
 * 5 s, 5 min, 30 min, 2 h, 5 h and 10 h (the schedule the spec's authors use). A delivery that
 * exhausts its retries is `failed`; after five such failures in a row the endpoint is disabled and
 * the owner is told through `alertOwner` (kind `endpoint_disabled`: ADMIN_EMAILS and the alert
 * webhook, switchable with ALERTS_OFF like the other kinds).
 * @module
 */
import { Webhook } from 'standardwebhooks'
import type { Deps } from '../../deps.js'
import { alertOwner } from '../alerts/index.js'
import { ENDPOINT_DISABLED_TEMPLATE } from './mail.js'
import { claimDelivery, findEndpointRow, listDueHeads, recordAttempt, setEndpointFailures } from './repo.js'
import type { WebhookDeliveryRow, WebhookEndpointRow } from './table.js'

/** Seconds to wait after attempt n (1-based) before the next; past the end the delivery fails. */
export const RETRY_SCHEDULE_SECONDS = [5, 300, 1800, 7200, 18_000, 36_000] as const
export const DISABLE_AFTER_FAILURES = 5
const TIMEOUT_MS = 15_000

type Outcome = { ok: true; status: number } | { ok: false; status: number | null; error: string }

async function send(endpoint: WebhookEndpointRow, delivery: WebhookDeliveryRow, now: Date): Promise<Outcome> {
  const headers = new Webhook(endpoint.secret).sign(delivery.message_id, now, delivery.payload)
  try {
    const res = await fetch(endpoint.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'Tollgate-Webhooks/1',
        'webhook-id': delivery.message_id,
        'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
        'webhook-signature': headers,
      },
      body: delivery.payload,
      redirect: 'manual',
      signal: AbortSignal.timeout(TIMEOUT_MS),
    })
    await res.body?.cancel()
    return res.status >= 200 && res.status < 300
      ? { ok: true, status: res.status }
      : { ok: false, status: res.status, error: `HTTP ${res.status}` }
  } catch (err) {
    return { ok: false, status: null, error: err instanceof Error ? err.message : String(err) }
  }
}

/** Deliveries in flight at once, each to a different endpoint. */
export const DELIVERY_CONCURRENCY = 8
/** Most attempts one pass starts, so a pass under steady traffic still ends (the loop runs again). */
const PASS_LIMIT = 50
/** While sends are in flight, how often a pass looks for newly due deliveries (the loop's poll). */
const POLL_MS = 1000

/**
 * One pass: sends the due head of each endpoint, up to DELIVERY_CONCURRENCY endpoints at once, so
 * a receiver that hangs holds only its own endpoint. Whenever a send ends, and every POLL_MS while
 * one hangs, the pass takes more due heads: a head in flight is leased (not due), so its endpoint's
 * next delivery waits behind it. Returns how many were attempted, once each is recorded.
 */
export async function deliverDueWebhooks(deps: Deps): Promise<number> {
  const inFlight = new Set<Promise<void>>()
  const failures: unknown[] = []
  let attempted = 0
  for (;;) {
    const room = Math.min(DELIVERY_CONCURRENCY - inFlight.size, PASS_LIMIT - attempted)
    const heads = room > 0 ? await listDueHeads(deps.db, deps.clock.now().toISOString(), room) : []
    for (const head of heads) {
      const endpoint = await claimHead(deps, head)
      if (!endpoint) continue
      attempted++
      const sending = deliverHead(deps, endpoint, head).catch((err: unknown) => {
        failures.push(err)
      })
      inFlight.add(sending)
      void sending.finally(() => inFlight.delete(sending))
    }
    if (inFlight.size === 0) break
    await oneEndsOrPoll(inFlight)
  }
  if (failures.length > 0) throw failures[0]
  return attempted
}

/** Leases a due head to this pass; answers its endpoint, or undefined when it is not ours to send. */
async function claimHead(deps: Deps, head: WebhookDeliveryRow): Promise<WebhookEndpointRow | undefined> {
  const endpoint = await findEndpointRow(deps.db, head.endpoint_id)
  if (endpoint?.status !== 'enabled') return undefined
  const lease = new Date(deps.clock.now().getTime() + TIMEOUT_MS + 60_000).toISOString()
  return (await claimDelivery(deps.db, head, lease)) ? endpoint : undefined
}

async function oneEndsOrPoll(inFlight: Set<Promise<void>>): Promise<void> {
  let timer: NodeJS.Timeout | undefined
  const poll = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, POLL_MS)
  })
  await Promise.race([...inFlight, poll])
  clearTimeout(timer)
}

/** Sends one claimed delivery and records the outcome (with the endpoint's failure count). */
async function deliverHead(
  deps: Deps,
  endpoint: WebhookEndpointRow,
  delivery: WebhookDeliveryRow,
): Promise<void> {
  const outcome = await send(endpoint, delivery, deps.clock.now())
  await deps.db.transaction().execute(async (trx) => {
    const now = deps.clock.now()
    const attempts = delivery.attempts + 1
    if (outcome.ok) {
      const recorded = await recordAttempt(trx, delivery, {
        status: 'delivered',
        attempts,
        last_status: outcome.status,
        last_error: null,
        delivered_at: now.toISOString(),
      })
      if (recorded) await setEndpointFailures(trx, endpoint.id, { consecutive_failures: 0 })
      return
    }
    const wait = RETRY_SCHEDULE_SECONDS[attempts - 1]
    const recorded = await recordAttempt(trx, delivery, {
      status: wait === undefined ? 'failed' : 'pending',
      attempts,
      next_attempt_at: new Date(now.getTime() + (wait ?? 0) * 1000).toISOString(),
      last_status: outcome.status,
      last_error: outcome.error.slice(0, 500),
    })
    if (!recorded || wait !== undefined) return
    const failures = endpoint.consecutive_failures + 1
    if (failures < DISABLE_AFTER_FAILURES) {
      await setEndpointFailures(trx, endpoint.id, { consecutive_failures: failures })
      return
    }
    await setEndpointFailures(trx, endpoint.id, {
      consecutive_failures: failures,
      status: 'disabled',
      disabled_at: now.toISOString(),
    })
    await alertOwner(trx, deps, {
      kind: 'endpoint_disabled',
      template: ENDPOINT_DISABLED_TEMPLATE,
      data: { url: endpoint.url, endpointId: endpoint.id, failures, lastError: outcome.error },
    })
  })
}
