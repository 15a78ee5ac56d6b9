/**
 * The delivery worker keeps endpoints apart: a receiver that does not answer holds up only its own
 * endpoint's queue, never another endpoint's deliveries, and its own later events still wait
 * behind the one it holds (order per endpoint). Real HTTP receivers, real databases.
 */
import { createServer, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DIALECTS } from '../../../test/dialects.js'
import { createTestDeps, type TestDeps } from '../../../test/harness.js'
import { eventually } from '../../../test/purchase.js'
import {
  addWebhookEndpoint,
  DELIVERY_CONCURRENCY,
  deliverDueWebhooks,
  disableWebhookEndpoint,
  publishEvent,
} from './index.js'

/**
 * A receiver that records each delivery's `data.n` and answers `status`, or, while `hold` is on,
 * keeps the request open until `release()` (as a receiver that hangs does).
 */
type Receiver = {
  url: string
  received: number[]
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
      res.statusCode = 204
      res.end()
    })
  })
  const receiver: Receiver = {
    url: '',
    received: [],
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
  const receivers: Receiver[] = []
  beforeAll(async () => {
    t = await createTestDeps(dialect)
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
})
