/**
 * Every event other apps can subscribe to, from the change that makes it to a real receiver that
 * verifies each signature with the Standard Webhooks library, in the order the changes happened:
 * an integrator's one-time purchase and its refund (order, entitlement and licence events), a
 * monthly ad-hoc subscription and its cancellation (subscription events).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApiKey } from '../../src/modules/api-access/index.js'
import { addWebhookEndpoint, listWebhookDeliveries } from '../../src/modules/outbound-webhooks/index.js'
import { DIALECTS } from '../dialects.js'
import { createTestApp, type TestApp } from '../harness.js'
import { eventually, payHostedCheckout, settle } from '../purchase.js'
import { type Receiver, startReceiver } from '../receiver.js'

describe.each(DIALECTS)('outbound events on %s', (dialect) => {
  let t: TestApp
  let receiver: Receiver
  let key: string
  const types = (): string[] => receiver.events.map((e) => e.type)
  const start = async (body: Record<string, unknown>): Promise<string> => {
    const res = await t.request('/api/v1/checkout-sessions', {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    })
    expect(res.status).toBe(201)
    return ((await res.json()) as { url: string }).url
  }
  const arrived = (n: number): Promise<true> =>
    eventually(async () => {
      await t.drain()
      return receiver.events.length >= n ? true : undefined
    })

  beforeAll(async () => {
    t = await createTestApp({ dialect })
    receiver = await startReceiver()
    const endpoint = await addWebhookEndpoint(t.deps.db, {
      url: receiver.url,
      events: '*',
      now: t.deps.clock.now(),
    })
    receiver.setSecret(endpoint.secret)
    key = (
      await createApiKey(t.deps.db, { name: 'events', now: t.deps.clock.now(), scopes: ['checkout:write'] })
    ).key
  }, 120_000)
  afterAll(async () => {
    await t?.close()
    await receiver?.close()
  })

  it('sends the order, entitlement and licence events of a purchase and its refund, in order', async () => {
    const url = await start({
      amount: 1200,
      currency: 'usd',
      product_name: 'Plugin',
      grants: [{ feature: 'desktop-app' }],
    })
    expect((await payHostedCheckout(url, { email: 'events@example.com' })).status).toBe(303)
    await settle(t)
    await arrived(3)
    expect(types()).toEqual(['entitlement.granted', 'license.created', 'order.paid'])
    const paid = receiver.events[2]?.data as { id: string; amount: number; status: string }
    expect(paid).toMatchObject({ amount: 1200, status: 'paid' })
    expect(receiver.events[0]?.data).toMatchObject({
      feature: 'desktop-app',
      source: 'order',
      source_id: paid.id,
    })
    expect(JSON.stringify(receiver.events[1]?.data)).not.toMatch(/eyJ/) // never the key itself

    const order = await t.deps.db
      .selectFrom('orders')
      .selectAll()
      .where('id', '=', paid.id)
      .executeTakeFirstOrThrow()
    await t.stripe.refunds.create({ payment_intent: order.stripe_payment_intent_id ?? '' })
    await settle(t)
    await arrived(6)
    expect(types().slice(3)).toEqual(['entitlement.revoked', 'license.revoked', 'order.refunded'])
    expect(receiver.events[5]?.data).toMatchObject({ id: paid.id, status: 'refunded', amount_refunded: 1200 })
    expect(receiver.rejected).toBe(0)
  })

  it('sends subscription.created, then the grant, and subscription.canceled when it ends', async () => {
    const before = receiver.events.length
    const url = await start({
      amount: 700,
      currency: 'usd',
      product_name: 'Sync, monthly',
      recurring: { interval: 'month' },
      grants: [{ feature: 'premium' }],
      metadata: { account: 'acct-3' },
    })
    expect((await payHostedCheckout(url, { email: 'subevents@example.com' })).status).toBe(303)
    await settle(t)
    await arrived(before + 2)
    const mine = (): typeof receiver.events => receiver.events.slice(before)
    expect(mine().map((e) => e.type)).toEqual(['subscription.created', 'entitlement.granted'])
    const created = mine()[0]?.data as { id: string; status: string; product_name: string; metadata: object }
    expect(created).toMatchObject({
      status: 'active',
      product_name: 'Sync, monthly',
      metadata: { account: 'acct-3' },
    })
    const sub = await t.deps.db
      .selectFrom('subscriptions')
      .selectAll()
      .where('id', '=', created.id)
      .executeTakeFirstOrThrow()
    await t.stripe.subscriptions.cancel(sub.stripe_subscription_id)
    await settle(t)
    await arrived(before + 3)
    expect(mine().map((e) => e.type)).toContain('subscription.canceled')
    expect(mine().find((e) => e.type === 'subscription.canceled')?.data).toMatchObject({
      id: created.id,
      status: 'canceled',
    })
    // The receiver holds the last event before the sender has recorded its answer, so the log is
    // read once every row has one (a failed or pending delivery still fails the test at the timeout).
    const log = await eventually(async () => {
      await t.drain()
      const rows = await listWebhookDeliveries(t.deps.db, { limit: 50 })
      return rows.every((d) => d.status !== 'pending') ? rows : undefined
    })
    expect(log.every((d) => d.status === 'delivered')).toBe(true)
  })
})
