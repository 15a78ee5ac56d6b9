import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Stripe from 'stripe'
import { afterEach, describe, expect, it } from 'vitest'
import { createEmulator } from './index.js'
import { signatureHeader } from './signer.js'
import { type Receiver, startReceiver, startTestEmulator, type TestEmulator } from './testing.js'

let t: TestEmulator
let receiver: Receiver

afterEach(async () => {
  await receiver?.close()
  await t?.close()
})

async function setup(events?: string[]): Promise<void> {
  t = await startTestEmulator()
  receiver = await startReceiver(t.stripe, events)
}

describe('signed delivery', () => {
  it('delivers every event signed so that constructEvent verifies it', async () => {
    await setup()
    const c = await t.stripe.customers.create({ email: 'hook@example.com' })
    await t.stripe.customers.update(c.id, { name: 'Hook' })
    await t.emulator.idle()
    expect(receiver.types()).toEqual(['customer.created', 'customer.updated'])
    const first = receiver.received[0]!
    expect(first.signature).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/)
    expect((first.event.data.object as Stripe.Customer).id).toBe(c.id)
    expect(first.event.request?.id).toMatch(/^req_/)
  })

  it('fails verification for a tampered body, a wrong secret and a stale timestamp', async () => {
    await setup()
    await t.stripe.customers.create({ email: 'tamper@example.com' })
    await t.emulator.idle()
    const { raw, signature } = receiver.received[0]!
    const tampered = raw.replace('tamper@example.com', 'thief@example.com')
    expect(() => t.stripe.webhooks.constructEvent(tampered, signature, receiver.secret)).toThrow(
      Stripe.errors.StripeSignatureVerificationError,
    )
    expect(() => t.stripe.webhooks.constructEvent(raw, signature, 'whsec_wrong')).toThrow(
      Stripe.errors.StripeSignatureVerificationError,
    )
    const stale = signatureHeader(raw, receiver.secret, Math.floor(Date.now() / 1000) - 600)
    expect(() => t.stripe.webhooks.constructEvent(raw, stale, receiver.secret)).toThrow(
      /Timestamp outside the tolerance zone/,
    )
    expect(t.stripe.webhooks.constructEvent(raw, signature, receiver.secret).type).toBe('customer.created')
  })

  it('sends only the enabled events to an endpoint', async () => {
    await setup(['product.created'])
    await t.stripe.customers.create({ email: 'x@example.com' })
    await t.stripe.products.create({ name: 'Only this' })
    await t.emulator.idle()
    expect(receiver.types()).toEqual(['product.created'])
  })

  it('retries a failed delivery, re-signed, until it succeeds, and then clears pending_webhooks', async () => {
    await setup()
    receiver.failNext(2)
    const c = await t.stripe.customers.create({ email: 'retry@example.com' })
    await t.emulator.idle()
    const attempts = t.emulator.deliveries().filter((d) => d.type === 'customer.created')
    expect(attempts.map((d) => [d.attempt, d.status])).toEqual([
      [1, 500],
      [2, 500],
      [3, 200],
    ])
    expect(receiver.types()).toEqual(['customer.created'])
    const [event] = (await t.stripe.events.list({ type: 'customer.created' })).data
    expect((event!.data.object as Stripe.Customer).id).toBe(c.id)
    expect(event!.pending_webhooks).toBe(0)
    expect((await t.stripe.events.list({ delivery_success: true })).data.map((e) => e.id)).toContain(
      event!.id,
    )
  })

  it('gives up after the retry schedule and keeps the event pending', async () => {
    await setup()
    receiver.failNext(10)
    await t.stripe.customers.create({ email: 'gone@example.com' })
    await t.emulator.idle()
    expect(t.emulator.deliveries().map((d) => d.attempt)).toEqual([1, 2, 3, 4])
    expect(receiver.received).toHaveLength(0)
    expect((await t.stripe.events.list({ delivery_success: false })).data).toHaveLength(1)
  })
})

describe('failed requests', () => {
  it('emit nothing, except a card decline whose failed charge stands', async () => {
    await setup()
    await expect(
      t.stripe.customers.create({ email: 'x@example.com', bogus: 1 } as Stripe.CustomerCreateParams),
    ).rejects.toMatchObject({ statusCode: 400 })
    const err = await t.stripe.paymentIntents
      .create({ amount: 500, currency: 'usd', payment_method: 'pm_card_chargeDeclined', confirm: true })
      .catch((e: unknown) => e)
    expect(err).toMatchObject({ statusCode: 402, code: 'card_declined' })
    await t.emulator.idle()
    expect(receiver.types()).toEqual([
      'payment_intent.created',
      'charge.failed',
      'payment_intent.payment_failed',
    ])
  })
})

describe('fault injection', () => {
  it('duplicates every delivery', async () => {
    await setup()
    t.emulator.faults.set({ duplicate: true })
    await t.stripe.customers.create({ email: 'dup@example.com' })
    await t.emulator.idle()
    expect(receiver.types()).toEqual(['customer.created', 'customer.created'])
    expect(receiver.received[0]!.event.id).toBe(receiver.received[1]!.event.id)
  })

  it('drops deliveries: the events exist only in /v1/events', async () => {
    await setup()
    t.emulator.faults.set({ drop: true })
    await t.stripe.customers.create({ email: 'drop@example.com' })
    await t.emulator.idle()
    expect(receiver.received).toHaveLength(0)
    expect((await t.stripe.events.list()).data.map((e) => e.type)).toEqual(['customer.created'])
  })

  it('shuffles the order within one burst', async () => {
    await setup()
    t.emulator.faults.set({ shuffle: true })
    const orders = new Set<string>()
    // Each try is a fair coin, so 30 tries miss an order with odds of about 2 in a billion.
    for (let i = 0; i < 30 && orders.size < 2; i++) {
      // One request emits product.created then price.created: one burst.
      const product = await t.stripe.products.create({
        name: `Burst ${i}`,
        default_price_data: { currency: 'usd', unit_amount: 100 },
      })
      await t.emulator.idle()
      // Only this burst's events, each once: a slow delivery retried late must not blur the order.
      const ours = new Map<string, string>()
      for (const r of receiver.received) {
        const o = r.event.data.object as { id?: string; product?: string }
        if (o.id === product.id || o.product === product.id) ours.set(r.event.id, r.event.type)
      }
      orders.add([...ours.values()].join(','))
    }
    expect(orders).toEqual(new Set(['product.created,price.created', 'price.created,product.created']))
  })

  it('delays each attempt', async () => {
    await setup()
    t.emulator.faults.set({ delayMs: 150 })
    const started = Date.now()
    await t.stripe.customers.create({ email: 'slow@example.com' })
    await t.emulator.idle()
    expect(Date.now() - started).toBeGreaterThanOrEqual(140)
    expect(receiver.types()).toEqual(['customer.created'])
  })

  it('takes faults through the control endpoint too', async () => {
    await setup()
    const res = await fetch(`${t.url}/_emulator/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ duplicate: true }),
    })
    expect(await res.json()).toMatchObject({ duplicate: true, drop: false })
    expect(t.emulator.faults.current.duplicate).toBe(true)
  })
})

describe('clock and persistence', () => {
  it('advances the emulator-wide clock through the control endpoint', async () => {
    await setup()
    const before = t.emulator.clock.now()
    const res = await fetch(`${t.url}/_emulator/clock/advance`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ seconds: '2d' }),
    })
    expect(res.status).toBe(200)
    expect(t.emulator.clock.now() - before).toBeGreaterThanOrEqual(2 * 86_400)
    const c = await t.stripe.customers.create({ email: 'later@example.com' })
    expect(c.created).toBeGreaterThanOrEqual(before + 2 * 86_400)
    const bad = await fetch(`${t.url}/_emulator/clock/advance`, {
      method: 'POST',
      body: 'seconds=soon',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    })
    expect(bad.status).toBe(400)
  })

  it('keeps its state in a file across restarts', async () => {
    const statePath = join(mkdtempSync(join(tmpdir(), 'tollgate-emu-')), 'state.json')
    const first = createEmulator({ port: 0, statePath, startTime: 1_800_000_000 })
    const { url } = await first.start()
    const port = Number(new URL(url).port)
    const s1 = new Stripe('sk_test_tollgate_local', { host: '127.0.0.1', port, protocol: 'http' })
    const customer = await s1.customers.create({ email: 'persist@example.com' })
    await first.clock.advance(3600)
    await first.stop()
    const second = createEmulator({ port: 0, statePath })
    const { url: url2 } = await second.start()
    try {
      const s2 = new Stripe('sk_test_tollgate_local', {
        host: '127.0.0.1',
        port: Number(new URL(url2).port),
        protocol: 'http',
      })
      expect((await s2.customers.retrieve(customer.id)).id).toBe(customer.id)
      expect(second.clock.now()).toBeGreaterThanOrEqual(1_800_003_600)
      expect(second.clock.now()).toBeLessThan(1_800_003_600 + 60)
    } finally {
      await second.stop()
    }
    t = await startTestEmulator()
    receiver = await startReceiver(t.stripe)
  })
})
