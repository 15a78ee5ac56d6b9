/**
 * Webhook delivery: one FIFO queue per endpoint, POSTs signed afresh on every attempt, retries on
 * a non-2xx answer or a timeout following the (compressible) schedule, and fault switches for
 * tests. Deliveries run in real time and never block the API response that caused them.
 *
 * Retries are due on the emulator-wide clock, which runs with the wall clock and jumps when it is
 * advanced: an advance makes the retries due within the time it skipped, and waits for those and
 * for the first attempts of its own events, never for a retry due later.
 *
 * By default an endpoint gets one delivery at a time, in the order the events were made (Stripe's
 * typical order, which the tests of event sequences read off a receiver). With `concurrency` n,
 * up to n deliveries to one endpoint are in flight at once, started in that order but answered in
 * any: Stripe delivers in parallel and guarantees no order, and a receiver must cope with both.
 * @module
 */
import type Stripe from 'stripe'
import { postWebhook, WebhookTimeout } from './post.js'
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

/**
 * One attempt to make. `at` is the emulator time it is made at: its due time for a retry an advance
 * reached, so the retries after it fall where they would have without the jump.
 */
type Item = { eventId: string; endpointId: string; attempt: number; at: number; advance?: Advance }

/**
 * The attempts one advance waits for (`open`), up to `until` on the emulator clock. An endpoint
 * that let one of them time out is `hung`: the advance stops waiting for it (its deliveries go on
 * after the advance answered), so a dead endpoint costs an advance one timeout, not one per event.
 */
type Advance = { until: number; open: number; hung: Set<string>; done: () => void }

export type Deliverer = {
  enqueue(events: Stripe.Event[]): void
  /**
   * One advance of the emulator-wide clock: `move` runs its jobs, and everything they enqueue is
   * one burst, shuffled together by the `shuffle` fault as one request's events are. Then the
   * retries due by the time reached are made, each one's failure making the next if that too is
   * due. Resolves once those attempts and the first attempt of each of the burst's deliveries have
   * been made, except for endpoints that timed out meanwhile.
   */
  advance<T>(move: () => Promise<T>): Promise<T>
  faults: Faults
  records: DeliveryRecord[]
  idle(): Promise<void>
  stop(): void
}

export type DelivererOptions = {
  state: () => State
  /** Emulator-wide time in unix seconds, with fractions (retries can be due 50 ms apart). */
  now: () => number
  /** Deliveries in flight at once per endpoint (default 1: strictly one after another). */
  concurrency?: number
  /** Emulator seconds from a failed attempt to the next; its length is the number of retries. */
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
  /** Retries waiting for their time, and the one timer set for the earliest. */
  let retries: Array<{ due: number; item: Item }> = []
  let timer: NodeJS.Timeout | undefined
  const advances = new Set<Advance>()
  let pending = 0
  let waiters: Array<() => void> = []
  let stopped = false
  let held: Array<{ event: Stripe.Event; at: number }> | undefined
  let holds = 0
  const deliverer: Deliverer = { enqueue, advance, faults: { ...NO_FAULTS }, records: [], idle, stop }

  /** Collects everything enqueued until the returned release() into one burst. */
  function hold(adv: Advance): () => void {
    holds++
    held ??= []
    let released = false
    return () => {
      if (released) return
      released = true
      if (--holds > 0) return
      const burst = held ?? []
      held = undefined
      queueBurst(burst, adv)
    }
  }

  async function advance<T>(move: () => Promise<T>): Promise<T> {
    const adv: Advance = { until: 0, open: 0, hung: new Set(), done: () => {} }
    const finished = new Promise<void>((resolve) => {
      adv.done = resolve
    })
    advances.add(adv)
    const release = hold(adv)
    let result: T
    try {
      result = await move()
    } finally {
      adv.until = options.now()
      release()
      makeDueRetries(adv)
      closeIfDone(adv)
    }
    await finished
    return result
  }

  function closeIfDone(adv: Advance): void {
    if (adv.open > 0 || !advances.delete(adv)) return
    adv.done()
  }

  /** The attempt is no longer one its advance waits for. */
  function untrack(item: Item): void {
    const adv = item.advance
    if (!adv) return
    item.advance = undefined
    adv.open--
    closeIfDone(adv)
  }

  function settle(item: Item): void {
    untrack(item)
    if (pending === 0) return // stopped meanwhile
    pending--
    if (pending === 0) {
      const done = waiters
      waiters = []
      for (const w of done) w()
    }
  }

  function push(item: Item): void {
    if (item.advance) item.advance.open++
    const q = queues.get(item.endpointId) ?? []
    queues.set(item.endpointId, q)
    q.push(item)
    drain(item.endpointId)
  }

  function enqueue(events: Stripe.Event[]): void {
    const at = options.now()
    const burst = events.map((event) => ({ event, at }))
    if (held) held.push(...burst)
    else queueBurst(burst, undefined)
  }

  function queueBurst(burst: Array<{ event: Stripe.Event; at: number }>, adv: Advance | undefined): void {
    if (stopped || deliverer.faults.drop || burst.length === 0) return
    const ordered = deliverer.faults.shuffle ? shuffled(burst) : burst
    const copies = deliverer.faults.duplicate ? 2 : 1
    for (const { event, at } of ordered) {
      for (const endpoint of endpointsFor(options.state(), event.type)) {
        for (let i = 0; i < copies; i++) {
          pending++
          push({
            eventId: event.id,
            endpointId: endpoint.id,
            attempt: 1,
            at,
            ...(adv ? { advance: adv } : {}),
          })
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
    if (stopped || !endpoint || endpoint.status !== 'enabled' || !event || !secret) return settle(item)
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
    let timedOut = false
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
      timedOut = err instanceof WebhookTimeout
    }
    deliverer.records.push(record)
    options.log(
      `webhook ${record.type} ${record.eventId} → ${record.endpointUrl}: ${record.status ?? record.error}`,
    )
    if (record.ok) {
      const pendingWebhooks = Number(event.pending_webhooks ?? 0)
      event.pending_webhooks = Math.max(0, pendingWebhooks - 1)
      options.changed?.()
      return settle(item)
    }
    if (timedOut && item.advance) stopWaitingFor(item.advance, item.endpointId)
    retryLater(item)
  }

  /** The advance waits no more for `endpointId`: its queued attempts go on without it. */
  function stopWaitingFor(adv: Advance, endpointId: string): void {
    adv.hung.add(endpointId)
    for (const queued of queues.get(endpointId) ?? []) {
      if (queued.advance === adv) untrack(queued)
    }
  }

  function retryLater(item: Item): void {
    const delay = options.retrySchedule[item.attempt - 1]
    if (delay === undefined || stopped) {
      settle(item)
      return
    }
    const adv = item.advance
    // Within an advance the attempt happened at `item.at`; otherwise it happened just now.
    const due = (adv ? item.at : Math.max(item.at, options.now())) + delay
    const next: Item = { ...item, attempt: item.attempt + 1, at: due }
    if (adv && due <= adv.until && !adv.hung.has(item.endpointId)) {
      // Still within the advance: make it now, as part of it.
      push(next)
      untrack(item)
      return
    }
    untrack(item)
    next.advance = undefined
    retries.push({ due, item: next })
    arm()
  }

  /** Sets the one timer for the earliest retry, in real time from the emulator clock's now. */
  function arm(): void {
    if (timer) clearTimeout(timer)
    timer = undefined
    if (stopped || retries.length === 0) return
    const earliest = Math.min(...retries.map((r) => r.due))
    timer = setTimeout(
      () => {
        timer = undefined
        makeDueRetries(undefined)
      },
      Math.max(0, (earliest - options.now()) * 1000),
    )
    timer.unref()
  }

  /** Makes every retry due by now (by the advance's `until`, for one), earliest first. */
  function makeDueRetries(adv: Advance | undefined): void {
    // A timer may fire a hair early for a due time in fractions of a second.
    const until = adv ? adv.until : options.now() + 0.001
    const due = retries.filter((r) => r.due <= until).sort((a, b) => a.due - b.due)
    retries = retries.filter((r) => r.due > until)
    for (const { item } of due) push(adv ? { ...item, advance: adv } : item)
    arm()
  }

  function idle(): Promise<void> {
    if (pending === 0) return Promise.resolve()
    return new Promise((resolve) => waiters.push(resolve))
  }

  function stop(): void {
    stopped = true
    if (timer) clearTimeout(timer)
    timer = undefined
    retries = []
    for (const q of queues.values()) q.length = 0
    pending = 0
    for (const adv of advances) adv.done()
    advances.clear()
    const done = waiters
    waiters = []
    for (const w of done) w()
  }

  return deliverer
}
