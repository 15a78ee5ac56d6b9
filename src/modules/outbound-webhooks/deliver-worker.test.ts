/**
 * The delivery worker keeps endpoints apart: a receiver that does not answer holds up only its own
 * endpoint's queue, never another endpoint's deliveries, and its own later events still wait
 * behind the one it holds (order per endpoint); disabled endpoints do not crowd out enabled ones.
 * Once a receiver is fixed, the owner's redeliver or enable sends the waiting queue at once
 * instead of at the stuck delivery's next retry. Real HTTP receivers, real databases.
 */
import { createServer, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DIALECTS } from '../../../test/dialects.js'
import { createTestDeps, type TestDeps } from '../../../test/harness.js'
import { eventually } from '../../../test/purchase.js'
import { createManualClock } from '../../lib/clock.js'
import {
  addWebhookEndpoint,
  DELIVERY_CONCURRENCY,
  deliverDueWebhooks,
  disableWebhookEndpoint,
  enableWebhookEndpoint,
  listWebhookDeliveries,
  publishEvent,
  RETRY_SCHEDULE_SECONDS,
  redeliverWebhook,
} from './index.js'

/**
 * A receiver that records each delivery's `data.n` and answers the next of `answers` (then 204),
 * or, while `hold` is on, keeps the request open until `release()` (as a receiver that hangs does).
 */
type Receiver = {
  url: string
  received: number[]
  answers: number[]
  /** Requests it has not answered yet. */
  held: number
  hold: boolean
  release(status: number): void
  close(): Promise<void>
}

function startReceiver(): Promise<Receiver> {
  const waiting: ServerResponse[] = []
  const server: Server = createServer((req, res) => {
    let body = ''
    req.on('data', (chunk: Buffer) => {
      body += chunk.toString('utf8')
    })
    req.on('end', () => {
      receiver.received.push((JSON.parse(body) as { data: { n: number } }).data.n)
      if (receiver.hold) {
        waiting.push(res)
        return
      }
      res.statusCode = receiver.answers.shift() ?? 204
      res.end()
    })
  })
  const receiver: Receiver = {
    url: '',
    received: [],
    answers: [],
    get held() {
      return waiting.length
    },
    hold: false,
    release(status) {
      receiver.hold = false
      for (const res of waiting.splice(0)) {
        res.statusCode = status
        res.end()
      }
    },
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections()
        server.close(() => done())
      }),
  }
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`
      resolve(receiver)
    }),
  )
}

describe.each(DIALECTS)('the delivery worker on %s', (dialect) => {
  let t: TestDeps
  const clock = createManualClock(new Date())
  const receivers: Receiver[] = []
  beforeAll(async () => {
    t = await createTestDeps(dialect, { clock })
  })
  afterAll(async () => {
    for (const r of receivers) await r.close()
    await t?.close()
  })

  const receiver = async (): Promise<Receiver> => {
    const r = await startReceiver()
    receivers.push(r)
    return r
  }
  const publish = (n: number): Promise<number> =>
    t.deps.db
      .transaction()
      .execute((trx) => publishEvent(trx, { type: 'order.paid', data: { n }, now: t.deps.clock.now() }))
  /** Sends until nothing is due (the worker loop's runs, back to back). */
  const drain = async (): Promise<void> => {
    while ((await deliverDueWebhooks(t.deps)) > 0);
  }

  it('sends to a healthy endpoint while another endpoint’s receiver hangs, in order per endpoint', async () => {
    // The hanging endpoint is older, so its delivery is the first in the queue.
    const slow = await receiver()
    const healthy = await receiver()
    slow.hold = true
    const endpoints: string[] = []
    for (const r of [slow, healthy]) {
      endpoints.push(
        (await addWebhookEndpoint(t.deps.db, { url: r.url, events: '*', now: t.deps.clock.now() })).id,
      )
    }
    await publish(1)
    const pass = deliverDueWebhooks(t.deps)
    await eventually(async () => (healthy.received.length === 1 && slow.held === 1 ? true : undefined))
    // A later event reaches the healthy endpoint while the slow one still holds the first…
    await publish(2)
    await eventually(async () => (healthy.received.length === 2 ? true : undefined))
    expect(slow.held).toBe(1)
    // …and waits behind it for the slow endpoint.
    expect(slow.received).toEqual([1])
    slow.release(204)
    await pass
    await drain()
    expect(healthy.received).toEqual([1, 2])
    expect(slow.received).toEqual([1, 2])
    const statuses = await t.deps.db
      .selectFrom('webhook_deliveries')
      .select(['endpoint_id', 'status'])
      .where('endpoint_id', 'in', endpoints)
      .execute()
    expect(statuses.map((s) => s.status)).toEqual(['delivered', 'delivered', 'delivered', 'delivered'])
  })

  it('serves enabled endpoints however many disabled ones hold pending deliveries', async () => {
    // More disabled endpoints with a pending delivery than a pass takes heads, all older.
    const disabled: string[] = []
    for (let i = 0; i < 3 * DELIVERY_CONCURRENCY; i++) {
      const url = `http://127.0.0.1:9/disabled-${i}`
      disabled.push((await addWebhookEndpoint(t.deps.db, { url, events: '*', now: t.deps.clock.now() })).id)
    }
    await publish(3)
    for (const id of disabled) await disableWebhookEndpoint(t.deps.db, id, t.deps.clock.now())
    const healthy = await receiver()
    await addWebhookEndpoint(t.deps.db, { url: healthy.url, events: '*', now: t.deps.clock.now() })
    await publish(4)
    await drain()
    expect(healthy.received).toEqual([4])
    // The disabled endpoints' deliveries stay as they were, to be sent once they are enabled.
    const waiting = await t.deps.db
      .selectFrom('webhook_deliveries')
      .select(['status', 'attempts'])
      .where('endpoint_id', 'in', disabled)
      .execute()
    expect(waiting).toHaveLength(disabled.length)
    expect(waiting.every((d) => d.status === 'pending' && d.attempts === 0)).toBe(true)
  })

  /**
   * An endpoint whose receiver failed its first event until the retry waits half an hour, with a
   * second event queued behind it; then the receiver is fixed. Answers the stuck delivery's id.
   */
  async function stuckBehindFixedReceiver(r: Receiver, endpointId: string, n: number): Promise<string> {
    const [first, second, third] = RETRY_SCHEDULE_SECONDS
    const failures = 3
    r.answers.push(500, 500, 500)
    await publish(n)
    await publish(n + 1)
    for (const seconds of [first, second, 0]) {
      await drain()
      clock.advance(seconds * 1000)
    }
    expect(third).toBe(1800) // the third failure's retry is half an hour away
    const stuck = (await listWebhookDeliveries(t.deps.db, { endpointId, limit: 10 })).find(
      (d) => d.status === 'pending' && d.attempts === failures,
    )
    expect(r.received).toEqual([n, n, n])
    expect(r.answers).toEqual([]) // fixed: it answers 204 from now on
    await drain()
    expect(r.received).toEqual([n, n, n]) // nothing moves until the retry, half an hour away
    return stuck?.id ?? ''
  }

  it('redelivering an earlier event sends the queue the stuck delivery holds up at once, then it', async () => {
    const r = await receiver()
    const { id } = await addWebhookEndpoint(t.deps.db, { url: r.url, events: '*', now: clock.now() })
    await publish(9)
    await drain()
    const [delivered] = await listWebhookDeliveries(t.deps.db, { endpointId: id, limit: 1 })
    r.received.length = 0
    await stuckBehindFixedReceiver(r, id, 10)
    // The owner sends the delivered event again: it goes after the queue, which goes now.
    expect(await redeliverWebhook(t.deps.db, delivered?.id ?? '', clock.now())).toMatch(/^whd_/)
    await drain()
    expect(r.received).toEqual([10, 10, 10, 10, 11, 9])
  })

  it('redelivering the stuck delivery itself sends it now, once, and the queue after it', async () => {
    const r = await receiver()
    const { id } = await addWebhookEndpoint(t.deps.db, { url: r.url, events: '*', now: clock.now() })
    const stuck = await stuckBehindFixedReceiver(r, id, 20)
    expect(await redeliverWebhook(t.deps.db, stuck, clock.now())).toBe(stuck)
    await drain()
    expect(r.received).toEqual([20, 20, 20, 20, 21])
  })

  it('enabling an endpoint sends what waited for it at once', async () => {
    const r = await receiver()
    const { id } = await addWebhookEndpoint(t.deps.db, { url: r.url, events: '*', now: clock.now() })
    await stuckBehindFixedReceiver(r, id, 30)
    await disableWebhookEndpoint(t.deps.db, id, clock.now())
    await enableWebhookEndpoint(t.deps.db, id, clock.now())
    await drain()
    expect(r.received).toEqual([30, 30, 30, 30, 31])
  })
})
