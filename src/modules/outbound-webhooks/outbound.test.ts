/**
 * Outbound webhooks end to end: an integrator's paid checkout reaches a real HTTP receiver as
 * `order.paid`, signed so the Standard Webhooks reference library verifies it; a receiver that
 * fails gets the same message again after the back-off; an endpoint whose deliveries keep failing
 * is disabled and the owner is told through alertOwner (email and the alert webhook, switchable
 * with ALERTS_OFF); the delivery log and redelivery.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Webhook } from 'standardwebhooks'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DIALECTS } from '../../../test/dialects.js'
import { createTestApp, type TestApp, testConfig } from '../../../test/harness.js'
import { settle } from '../../../test/purchase.js'
import type { Config } from '../../config.js'
import { createApiKey } from '../api-access/index.js'
import {
  addWebhookEndpoint,
  deliverDueWebhooks,
  listWebhookDeliveries,
  publishEvent,
  redeliverWebhook,
} from './index.js'

type Received = { body: string; headers: IncomingHttpHeaders }

function startReceiver(answers: number[]): Promise<{ server: Server; url: string; received: Received[] }> {
  const received: Received[] = []
  const server = createServer((req, res) => {
    let body = ''
    req.on('data', (chunk: Buffer) => {
      body += chunk.toString('utf8')
    })
    req.on('end', () => {
      received.push({ body, headers: req.headers })
      res.statusCode = answers.shift() ?? 200
      res.end()
    })
  })
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`, received }),
    ),
  )
}

describe.each(DIALECTS)('outbound webhooks on %s', (dialect) => {
  let t: TestApp
  let receiver: Awaited<ReturnType<typeof startReceiver>>
  let alertHook: Awaited<ReturnType<typeof startReceiver>>

  beforeAll(async () => {
    alertHook = await startReceiver([])
    const alerts = { ...testConfig().alerts, webhookUrl: alertHook.url }
    t = await createTestApp({
      dialect,
      workers: 'manual',
      config: { adminEmails: ['owner@example.com'], alerts },
    })
    receiver = await startReceiver([500])
  }, 120_000)
  afterAll(async () => {
    await t?.close()
    for (const r of [receiver, alertHook])
      await new Promise<void>((resolve) => r.server.close(() => resolve()))
  })

  /** Publishes one event to the endpoint and fails its last retry, so the endpoint's fifth failure is due. */
  async function lastChance(endpointId: string): Promise<void> {
    await t.deps.db
      .updateTable('webhook_endpoints')
      .set({ consecutive_failures: 4 })
      .where('id', '=', endpointId)
      .execute()
    await t.deps.db
      .transaction()
      .execute((trx) =>
        publishEvent(trx, { type: 'entitlement.granted', data: { feature: 'x' }, now: t.deps.clock.now() }),
      )
    await t.deps.db
      .updateTable('webhook_deliveries')
      .set({ attempts: 6 })
      .where('endpoint_id', '=', endpointId)
      .execute()
  }

  it('sends order.paid for a paid integrator checkout, signed, and retries after a failure', async () => {
    const { secret, id: endpointId } = await addWebhookEndpoint(t.deps.db, {
      url: receiver.url,
      events: ['order.paid'],
      now: t.deps.clock.now(),
    })
    const key = (
      await createApiKey(t.deps.db, { name: 'saas', now: t.deps.clock.now(), scopes: ['checkout:write'] })
    ).key
    const res = await t.request('/api/v1/checkout-sessions', {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ amount: 990, currency: 'usd', product_name: 'Add-on', metadata: { ref: 'r1' } }),
    })
    const { url } = (await res.json()) as { url: string }
    const paid = await fetch(url, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        email: 'hooked@example.com',
        cardNumber: '4242424242424242',
        cardExpiry: '12 / 34',
        cardCvc: '123',
        cardName: 'Hook Buyer',
      }).toString(),
    })
    expect(paid.status).toBe(303)
    await settle(t)
    expect(receiver.received).toHaveLength(1) // answered 500: retried after the back-off
    await t.emulator.clock.advance(10)
    await settle(t)
    expect(receiver.received).toHaveLength(2)
    const [first, second] = receiver.received
    expect(second?.headers['webhook-id']).toBe(first?.headers['webhook-id'])
    const verified = new Webhook(secret).verify(
      second?.body ?? '',
      second?.headers as Record<string, string>,
    ) as {
      type: string
      data: { amount: number; currency: string; metadata: Record<string, string> }
    }
    expect(verified.type).toBe('order.paid')
    expect(verified.data).toMatchObject({ amount: 990, currency: 'usd', metadata: { ref: 'r1' } })
    expect(() =>
      new Webhook(`whsec_${Buffer.from('another secret!!').toString('base64')}`).verify(
        second?.body ?? '',
        second?.headers as Record<string, string>,
      ),
    ).toThrow()
    const log = await listWebhookDeliveries(t.deps.db, { endpointId, limit: 10 })
    expect(log).toMatchObject([
      { event_type: 'order.paid', status: 'delivered', attempts: 2, last_status: 200 },
    ])
    expect(await redeliverWebhook(t.deps.db, log[0]?.id ?? '', t.deps.clock.now())).toMatch(/^whd_/)
    await settle(t)
    expect(receiver.received.at(-1)?.headers['webhook-id']).toBe(first?.headers['webhook-id'])
  })

  it('disables an endpoint after repeated failed deliveries and emails the owner', async () => {
    const dead = await startReceiver(Array.from({ length: 50 }, () => 503))
    try {
      const { id } = await addWebhookEndpoint(t.deps.db, {
        url: dead.url,
        events: '*',
        now: t.deps.clock.now(),
      })
      // The last retry: one more failure exhausts the schedule.
      await lastChance(id)
      await settle(t)
      const endpoint = await t.deps.db
        .selectFrom('webhook_endpoints')
        .selectAll()
        .where('id', '=', id)
        .executeTakeFirstOrThrow()
      expect(endpoint).toMatchObject({ status: 'disabled', consecutive_failures: 5 })
      const alert = (await t.mail('owner@example.com')).find(
        (m) => m.template === 'webhook-endpoint-disabled',
      )
      expect(alert?.subject).toContain(dead.url)
      // The same alert reaches the owner's alert webhook (Slack-compatible `{"text": …}`).
      const posted = alertHook.received.map((r) => (JSON.parse(r.body) as { text: string }).text)
      expect(posted.filter((text) => text.includes(`Webhook endpoint disabled: ${dead.url}`))).toHaveLength(1)
      const recorded = await t.deps.db
        .selectFrom('owner_alerts')
        .selectAll()
        .where('kind', '=', 'endpoint_disabled')
        .execute()
      expect(recorded.map((a) => [a.subject, a.webhook_status])).toEqual([
        [`Webhook endpoint disabled: ${dead.url}`, 'sent'],
      ])
      const sent = dead.received.length
      await t.deps.db
        .transaction()
        .execute((trx) =>
          publishEvent(trx, { type: 'entitlement.granted', data: { feature: 'y' }, now: t.deps.clock.now() }),
        )
      await settle(t)
      expect(dead.received).toHaveLength(sent)
    } finally {
      await new Promise<void>((resolve) => dead.server.close(() => resolve()))
    }
  })

  it('records but neither emails nor posts the alert when ALERTS_OFF switches endpoint_disabled off', async () => {
    const dead = await startReceiver(Array.from({ length: 50 }, () => 503))
    try {
      const { id } = await addWebhookEndpoint(t.deps.db, {
        url: dead.url,
        events: '*',
        now: t.deps.clock.now(),
      })
      await settle(t) // earlier endpoints' deliveries out of the way
      await lastChance(id)
      const mails = (await t.mail('owner@example.com')).length
      const posts = alertHook.received.length
      const config: Config = Object.freeze({
        ...t.deps.config,
        alerts: { ...t.deps.config.alerts, off: ['endpoint_disabled'] as const },
      })
      await deliverDueWebhooks({ ...t.deps, config })
      await settle(t)
      const endpoint = await t.deps.db
        .selectFrom('webhook_endpoints')
        .selectAll()
        .where('id', '=', id)
        .executeTakeFirstOrThrow()
      expect(endpoint.status).toBe('disabled')
      const recorded = await t.deps.db
        .selectFrom('owner_alerts')
        .selectAll()
        .where('kind', '=', 'endpoint_disabled')
        .where('subject', 'like', `%${dead.url}`)
        .execute()
      expect(recorded.map((a) => a.webhook_status)).toEqual(['none']) // still counted in the digest
      expect((await t.mail('owner@example.com')).length).toBe(mails)
      expect(alertHook.received.length).toBe(posts)
    } finally {
      await new Promise<void>((resolve) => dead.server.close(() => resolve()))
    }
  })
})
