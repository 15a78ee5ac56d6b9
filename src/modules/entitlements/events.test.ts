/**
 * Grant events reach other apps when a grant changes, not only when one is made: an integrator's
 * `POST /api/v1/grants` for a feature the customer already holds moves that grant's window, keeps
 * when its access started, answers 200 (nothing was created) and sends `entitlement.updated` with
 * the new window to a real receiver; the same call again changes nothing and sends nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DIALECTS } from '../../../test/dialects.js'
import { createTestApp, type TestApp } from '../../../test/harness.js'
import { eventually } from '../../../test/purchase.js'
import { type Receiver, startReceiver } from '../../../test/receiver.js'
import { createApiKey } from '../api-access/index.js'
import { addWebhookEndpoint, listWebhookDeliveries } from '../outbound-webhooks/index.js'

type GrantAnswer = { id: string; starts_at: string; ends_at: string | null }

describe.each(DIALECTS)('grant events on %s', (dialect) => {
  let t: TestApp
  let receiver: Receiver
  let key: string

  beforeAll(async () => {
    t = await createTestApp({ dialect, workers: 'manual' })
    receiver = await startReceiver()
    const endpoint = await addWebhookEndpoint(t.deps.db, {
      url: receiver.url,
      events: '*',
      now: t.deps.clock.now(),
    })
    receiver.setSecret(endpoint.secret)
    key = (await createApiKey(t.deps.db, { name: 'crm', now: t.deps.clock.now(), scopes: ['grants:write'] }))
      .key
  }, 120_000)
  afterAll(async () => {
    await t?.close()
    await receiver?.close()
  })

  const grant = async (body: Record<string, unknown>): Promise<{ status: number; grant: GrantAnswer }> => {
    const res = await t.request('/api/v1/grants', {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ customer_email: 'regrant@example.com', feature: 'premium', ...body }),
    })
    return { status: res.status, grant: (await res.json()) as GrantAnswer }
  }
  /** Sends every pending delivery and waits until nothing is left pending. */
  const delivered = (): Promise<true> =>
    eventually(async () => {
      await t.drain()
      const log = await listWebhookDeliveries(t.deps.db, { limit: 50 })
      return log.every((d) => d.status === 'delivered') ? true : undefined
    })

  it('sends entitlement.updated when a re-grant moves the window, keeping its start', async () => {
    const first = await grant({ reason: 'a' })
    expect(first.status).toBe(201)
    expect(first.grant.ends_at).toBeNull()
    // A minute later (receivers refuse a webhook-timestamp more than five minutes from their clock).
    await t.emulator.clock.advance(60)
    const until = new Date(t.deps.clock.now().getTime() + 200 * 86_400_000).toISOString()
    const second = await grant({ reason: 'b', until })
    expect(second.status).toBe(200)
    expect(second.grant).toMatchObject({
      id: first.grant.id,
      starts_at: first.grant.starts_at,
      ends_at: until,
    })
    const again = await grant({ reason: 'b', until })
    expect(again.status).toBe(200)
    await delivered()
    expect(receiver.events.map((e) => e.type)).toEqual(['entitlement.granted', 'entitlement.updated'])
    expect(receiver.events[1]?.data).toMatchObject({
      id: first.grant.id,
      starts_at: first.grant.starts_at,
      ends_at: until,
      revoked_at: null,
      source: 'manual',
    })
    expect(receiver.rejected).toBe(0)
  })
})
