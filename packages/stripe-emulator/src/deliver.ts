/**
 * Webhook delivery: one FIFO queue per endpoint, POSTs signed afresh on every attempt, retries on
 * a non-2xx answer or a timeout following the (compressible) schedule, and fault switches for
 * tests. Deliveries run in real time and never block the API response that caused them.
 *
 * By default an endpoint gets one delivery at a time, in the order the events were made (Stripe's
 * typical order, which the tests of event sequences read off a receiver). With `concurrency` n,
 * up to n deliveries to one endpoint are in flight at once, started in that order but answered in
 * any: Stripe delivers in parallel and guarantees no order, and a receiver must cope with both.
 * @module
 */
import type Stripe from 'stripe'
import { postWebhook } from './post.js'
import { signatureHeader } from './signer.js'
import { objectsOfKind, type State, type StripeObject } from './state.js'

export type Faults = {
  /** Deliver every event twice. */
  duplicate: boolean
  /** Shuffle the events of one burst before queueing them. */
  shuffle: boolean
  /** Wait this long before each attempt. */
  delayMs: number
  /** Deliver nothing: the events exist only in GET /v1/events. */
  drop: boolean
  /** Answer the next n API requests with 429 `rate_limit` (counts down), to test client back-off. */
  rateLimit: number
}

export const NO_FAULTS: Faults = { duplicate: false, shuffle: false, delayMs: 0, drop: false, rateLimit: 0 }

export type DeliveryRecord = {
  eventId: string
  type: string
  endpointId: string
  endpointUrl: string
  attempt: number
  status: number | null
  ok: boolean
  at: number
  error?: string
}

type Item = { eventId: string; endpointId: string; attempt: number }

export type Deliverer = {
  enqueue(events: Stripe.Event[]): void
  /**
   * Collects everything enqueued until the returned release() into one burst, so one clock
   * advance's events are shuffled together (the `shuffle` fault), as one request's are.
   */
  hold(): () => void
  faults: Faults
  records: DeliveryRecord[]
  idle(): Promise<void>
  stop(): void
}

export type DelivererOptions = {
  state: () => State
  /** Deliveries in flight at once per endpoint (default 1: strictly one after another). */
  concurrency?: number
  retrySchedule: number[]
  timeoutMs: number
  log: (line: string) => void
  /** Called when a delivery changed state (`pending_webhooks`), so persistence saves it. */
  changed?: () => void
}

type WebhookEndpoint = StripeObject & { url: string; status: string; enabled_events: string[] }

export function endpointsFor(state: State, type: string): WebhookEndpoint[] {
  const out: WebhookEndpoint[] = []
  for (const o of objectsOfKind<WebhookEndpoint>(state, 'webhook_endpoint')) {
    if (o.status === 'enabled' && (o.enabled_events.includes('*') || o.enabled_events.includes(type)))
      out.push(o)
  }
  return out
}

function shuffled<T>(items: T[]): T[] {
  const out = [...items]
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1))
    ;[out[i], out[j]] = [out[j]!, out[i]!]
  }
  return out
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

export function createDeliverer(options: DelivererOptions): Deliverer {
  const queues = new Map<string, Item[]>()
  const inFlight = new Map<string, number>()
  const concurrency = Math.max(1, options.concurrency ?? 1)
  const timers = new Set<NodeJS.Timeout>()
  let pending = 0
  let waiters: Array<() => void> = []
  let stopped = false
  let held: Stripe.Event[] | undefined
  let holds = 0
  const deliverer: Deliverer = { enqueue, hold, faults: { ...NO_FAULTS }, records: [], idle, stop }

  function hold(): () => void {
    holds++
    held ??= []
    let released = false
    return () => {
      if (released) return
      released = true
      if (--holds > 0) return
      const burst = held ?? []
      held = undefined
      enqueue(burst)
    }
  }

  function settle(): void {
    if (pending === 0) return // stopped meanwhile
    pending--
    if (pending === 0) {
      const done = waiters
      waiters = []
      for (const w of done) w()
    }
  }

  function push(item: Item): void {
    const q = queues.get(item.endpointId) ?? []
    queues.set(item.endpointId, q)
    q.push(item)
    drain(item.endpointId)
  }

  function enqueue(events: Stripe.Event[]): void {
    if (held) {
      held.push(...events)
      return
    }
    if (stopped || deliverer.faults.drop || events.length === 0) return
    const ordered = deliverer.faults.shuffle ? shuffled(events) : events
    const copies = deliverer.faults.duplicate ? 2 : 1
    for (const event of ordered) {
      for (const endpoint of endpointsFor(options.state(), event.type)) {
        for (let i = 0; i < copies; i++) {
          pending++
          push({ eventId: event.id, endpointId: endpoint.id, attempt: 1 })
        }
      }
    }
  }

  /** Starts the endpoint's next deliveries, as many as may be in flight; each finished one starts the next. */
  function drain(endpointId: string): void {
    const q = queues.get(endpointId)
    if (!q) return
    while ((inFlight.get(endpointId) ?? 0) < concurrency && q.length > 0) {
      const item = q.shift() as Item
      inFlight.set(endpointId, (inFlight.get(endpointId) ?? 0) + 1)
      void attempt(item).finally(() => {
        inFlight.set(endpointId, (inFlight.get(endpointId) ?? 1) - 1)
        drain(endpointId)
      })
    }
  }

  async function attempt(item: Item): Promise<void> {
    const state = options.state()
    const endpoint = state.objects[item.endpointId] as WebhookEndpoint | undefined
    const event = state.objects[item.eventId]
    const secret = state.hidden[item.endpointId]?.secret as string | undefined
    if (stopped || !endpoint || endpoint.status !== 'enabled' || !event || !secret) return settle()
    if (deliverer.faults.delayMs > 0) await sleep(deliverer.faults.delayMs)
    const payload = JSON.stringify(event, null, 2)
    const record: DeliveryRecord = {
      eventId: item.eventId,
      type: String(event.type),
      endpointId: endpoint.id,
      endpointUrl: endpoint.url,
      attempt: item.attempt,
      status: null,
      ok: false,
      at: Date.now(),
    }
    try {
      // Stripe does not follow redirects: a 3xx is a failed attempt.
      const status = await postWebhook(
        endpoint.url,
        {
          'content-type': 'application/json; charset=utf-8',
          'user-agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)',
          'cache-control': 'no-cache',
          accept: '*/*; q=0.5, application/xml',
          // Signed with the wall clock: receivers check the timestamp against their own time.
          'stripe-signature': signatureHeader(payload, secret, Math.floor(Date.now() / 1000)),
        },
        payload,
        options.timeoutMs,
      )
      record.status = status
      record.ok = status >= 200 && status < 300
    } catch (err) {
      record.error = err instanceof Error ? err.message : String(err)
    }
    deliverer.records.push(record)
    options.log(
      `webhook ${record.type} ${record.eventId} → ${record.endpointUrl}: ${record.status ?? record.error}`,
    )
    if (record.ok) {
      const pendingWebhooks = Number(event.pending_webhooks ?? 0)
      event.pending_webhooks = Math.max(0, pendingWebhooks - 1)
      options.changed?.()
      return settle()
    }
    retryLater(item)
  }

  function retryLater(item: Item): void {
    const delay = options.retrySchedule[item.attempt - 1]
    if (delay === undefined || stopped) {
      settle()
      return
    }
    const timer = setTimeout(() => {
      timers.delete(timer)
      push({ ...item, attempt: item.attempt + 1 })
    }, delay * 1000)
    timer.unref()
    timers.add(timer)
  }

  function idle(): Promise<void> {
    if (pending === 0) return Promise.resolve()
    return new Promise((resolve) => waiters.push(resolve))
  }

  function stop(): void {
    stopped = true
    for (const t of timers) clearTimeout(t)
    timers.clear()
    for (const q of queues.values()) q.length = 0
    pending = 0
    const done = waiters
    waiters = []
    for (const w of done) w()
  }

  return deliverer
}
