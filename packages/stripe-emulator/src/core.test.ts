import Stripe from 'stripe'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { EmulatorUsageError, runEmulatorCli, serverOptions } from './cli.js'
import { optInt, type Params } from './params.js'
import { registerAction, route } from './registry.js'
import { startReceiver, startTestEmulator, TEST_KEY, type TestEmulator } from './testing.js'

// A test-only resource, registered before the emulator starts, exercises the core contract the
// other resources build on: scheduling, due actions in time order, and a slow handler.
const ran: { label: string; now: number; request: string | null }[] = []
let releaseSlow: () => void = () => {}
route('post', '/v1/test_jobs', (ctx, params: Params) => {
  const base = ctx.now()
  for (const label of ['c', 'a', 'b']) {
    const offset = optInt(params, `offset_${label}`) ?? 0
    ctx.schedule(base + offset, null, 'test.record', { label })
  }
  return { object: 'test_jobs', scheduled_at: base }
})
registerAction('test.record', (ctx, data) => {
  ran.push({ label: String(data.label), now: ctx.now(), request: ctx.request.id })
  ctx.emit('customer.updated', { id: `cus_job_${String(data.label)}`, object: 'customer' })
})
route('post', '/v1/test_slow', async () => {
  await new Promise<void>((resolve) => {
    releaseSlow = resolve
  })
  return { object: 'test_slow' }
})

let t: TestEmulator
let stripe: Stripe

beforeAll(async () => {
  t = await startTestEmulator({ startTime: 1_900_000_000 })
  stripe = t.stripe
})
afterAll(() => t.close())

function post(path: string, body: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${t.url}${path}`, {
    method: 'POST',
    body,
    headers: {
      authorization: `Bearer ${TEST_KEY}`,
      'content-type': 'application/x-www-form-urlencoded',
      ...headers,
    },
  })
}

describe('scheduler and clock', () => {
  it('runs due actions in time order, each seeing its due time, with request null on its events', async () => {
    const res = await post('/v1/test_jobs', 'offset_a=100&offset_b=200&offset_c=300')
    const { scheduled_at: base } = (await res.json()) as { scheduled_at: number }
    await t.emulator.clock.advance(150)
    expect(ran.map((r) => r.label)).toEqual(['a'])
    await t.emulator.clock.advance(1000)
    expect(ran).toEqual([
      { label: 'a', now: base + 100, request: null },
      { label: 'b', now: base + 200, request: null },
      { label: 'c', now: base + 300, request: null },
    ])
    expect(t.emulator.clock.now()).toBeGreaterThanOrEqual(base + 1150)
    const events = await stripe.events.list({ type: 'customer.updated', limit: 3 })
    expect(events.data.map((e) => e.created)).toEqual([base + 300, base + 200, base + 100])
    expect(events.data.every((e) => e.request?.id === null)).toBe(true)
  })

  it('treats one advance as one burst: shuffle may reorder events across its jobs', async () => {
    const receiver = await startReceiver(stripe, ['customer.updated'])
    try {
      const orders: string[] = []
      for (let round = 0; round < 12 && !orders.some((o) => o !== 'abc'); round++) {
        t.emulator.faults.set({ shuffle: round > 0 })
        receiver.received.length = 0
        await post('/v1/test_jobs', 'offset_a=10&offset_b=20&offset_c=30')
        await t.emulator.clock.advance(60)
        const order = receiver.received
          .map((r) => (r.event.data.object as { id: string }).id.slice(-1))
          .join('')
        if (round === 0) expect(order).toBe('abc')
        else orders.push(order)
      }
      expect(orders.some((o) => o !== 'abc')).toBe(true)
    } finally {
      t.emulator.faults.clear()
      await receiver.close()
    }
  })

  it('starts at startTime and answers the control clock, advance by `to`, and the CLI', async () => {
    const clock = (await (await fetch(`${t.url}/_emulator/clock`)).json()) as { now: number }
    expect(clock.now).toBeGreaterThanOrEqual(1_900_000_000)
    expect(clock.now).toBeLessThan(1_900_000_000 + 86_400)
    const to = clock.now + 7200
    const res = await fetch(`${t.url}/_emulator/clock/advance`, {
      method: 'POST',
      body: `to=${to}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    })
    expect(res.status).toBe(200)
    expect(t.emulator.clock.now()).toBeGreaterThanOrEqual(to)
    const before = t.emulator.clock.now()
    const log = console.log
    console.log = () => {}
    try {
      await runEmulatorCli(['advance', '2h', '--url', t.url])
    } finally {
      console.log = log
    }
    expect(t.emulator.clock.now() - before).toBeGreaterThanOrEqual(7200)
    await expect(runEmulatorCli(['advance', 'soon', '--url', t.url])).rejects.toThrow(/duration/)
    // An app that embeds the emulator names its own; the flags still win over it.
    const target = async (): Promise<string> => t.url
    console.log = () => {}
    try {
      const at = t.emulator.clock.now()
      await runEmulatorCli(['advance', '1h'], { target })
      await runEmulatorCli(['advance', '1h', '--port', new URL(t.url).port], {
        target: () => Promise.reject(new Error('not asked')),
      })
      expect(t.emulator.clock.now() - at).toBeGreaterThanOrEqual(7200)
    } finally {
      console.log = log
    }
    await expect(runEmulatorCli(['advance', '1h', '--state', 'x.json'], { target })).rejects.toThrow(
      /--state/,
    )
    await expect(runEmulatorCli(['reset', 'now'], { target })).rejects.toThrow(EmulatorUsageError)
  })

  it('reads the standalone server flags, naming the flag of a bad value', async () => {
    expect(
      serverOptions({
        port: '0',
        'webhook-retries': '5,30,120',
        'webhook-concurrency': '8',
        'async-payment-seconds': '60',
        'dunning-days': '1,2',
        'dunning-final': 'unpaid',
      }),
    ).toEqual({
      port: 0,
      host: '127.0.0.1',
      webhookRetrySchedule: [5, 30, 120],
      webhookConcurrency: 8,
      asyncPaymentSeconds: 60,
      dunning: { retryDays: [1, 2], finalAction: 'unpaid' },
    })
    expect(serverOptions({})).toEqual({ port: 12111, host: '127.0.0.1' })
    expect(() => serverOptions({ 'webhook-retries': '5,soon' })).toThrow(/--webhook-retries/)
    expect(() => serverOptions({ 'webhook-concurrency': '0' })).toThrow(/--webhook-concurrency/)
    expect(() => serverOptions({ 'webhook-concurrency': '2.5' })).toThrow(/--webhook-concurrency/)
    expect(() => serverOptions({ 'async-payment-seconds': '-1' })).toThrow(/--async-payment-seconds/)
    expect(() => serverOptions({ 'dunning-final': 'pause' })).toThrow(/--dunning-final/)
    expect(() => serverOptions({ port: 'abc' })).toThrow('--port: a port number from 0 to 65535, not abc')
    expect(() => serverOptions({ port: '70000' })).toThrow(/--port/)
    expect(() => serverOptions({ 'start-time': 'yesterday' })).toThrow(
      '--start-time: Unix seconds, not yesterday',
    )
    expect(serverOptions({ 'start-time': '1767225600' })).toMatchObject({ startTime: 1767225600 })
    // Every refusal is a usage error (the caller prints the usage, exit code 2), unknown flags too.
    expect(() => serverOptions({ 'webhook-concurrency': '0' })).toThrow(EmulatorUsageError)
    await expect(runEmulatorCli(['--bogus'])).rejects.toThrow(EmulatorUsageError)
    await expect(runEmulatorCli(['--bogus'])).rejects.toThrow(/--bogus/)
    await expect(runEmulatorCli(['serve'])).rejects.toThrow(EmulatorUsageError)
  })

  it('answers malformed control requests with 400, not 500', async () => {
    const bad = await fetch(`${t.url}/_emulator/clock/advance`, {
      method: 'POST',
      body: '{nope',
      headers: { 'content-type': 'application/json' },
    })
    expect(bad.status).toBe(400)
    const past = await fetch(`${t.url}/_emulator/clock/advance`, {
      method: 'POST',
      body: JSON.stringify({ to: 5 }),
      headers: { 'content-type': 'application/json' },
    })
    expect(past.status).toBe(400)
  })
})

describe('headers and auth', () => {
  it('refuses a malformed Stripe-Version, and a real one it does not model naming the one it does', async () => {
    const get = (version: string) =>
      fetch(`${t.url}/v1/customers`, {
        headers: { authorization: `Bearer ${TEST_KEY}`, 'stripe-version': version },
      })
    const malformed = await get('yesterday')
    expect(malformed.status).toBe(400)
    expect(await malformed.json()).toMatchObject({
      error: { type: 'invalid_request_error', message: 'Invalid Stripe API version: yesterday' },
    })
    const old = await get('2020-08-27')
    expect(old.status).toBe(400)
    const body = (await old.json()) as { error: { message: string } }
    expect(body.error.message).toContain('2026-10-28.endive')
    expect(body.error.message).toContain('2020-08-27')
    expect((await get('2026-10-28.endive')).status).toBe(200)
    const old2 = new Stripe(TEST_KEY, {
      apiVersion: '2025-03-31.basil' as '2026-10-28.endive',
      host: '127.0.0.1',
      port: Number(new URL(t.url).port),
      protocol: 'http',
      maxNetworkRetries: 0,
    })
    await expect(old2.customers.list()).rejects.toMatchObject({ statusCode: 400 })
  })

  it('accepts Basic auth with the key as username and echoes Stripe-Version', async () => {
    const res = await fetch(`${t.url}/v1/customers?limit=1`, {
      headers: {
        authorization: `Basic ${Buffer.from(`${TEST_KEY}:`).toString('base64')}`,
        'stripe-version': '2026-10-28.endive',
      },
    })
    expect(res.status).toBe(200)
    expect(res.headers.get('stripe-version')).toBe('2026-10-28.endive')
    const live = await fetch(`${t.url}/v1/customers`, {
      headers: { authorization: 'Bearer sk_live_tollgate_12345' },
    })
    expect(live.status).toBe(401)
    expect(((await live.json()) as { error: { type: string } }).error.type).toBe('invalid_request_error')
  })

  it('answers 409 to a second request with a key still in flight', async () => {
    const first = post('/v1/test_slow', '', { 'idempotency-key': 'slow-key' })
    await new Promise((r) => setTimeout(r, 100))
    const second = await post('/v1/test_slow', '', { 'idempotency-key': 'slow-key' })
    expect(second.status).toBe(409)
    expect(((await second.json()) as { error: { code: string } }).error.code).toBe('idempotency_key_in_use')
    releaseSlow()
    expect((await first).status).toBe(200)
    const replay = await post('/v1/test_slow', '', { 'idempotency-key': 'slow-key' })
    expect(replay.headers.get('idempotent-replayed')).toBe('true')
  })

  it("records the request id and idempotency key on a request's events", async () => {
    const c = await stripe.customers.create({ email: 'req@example.com' }, { idempotencyKey: 'evt-req-key' })
    const events = await stripe.events.list({ type: 'customer.created', limit: 100 })
    const mine = events.data.find((e) => (e.data.object as Stripe.Customer).id === c.id)
    expect(mine?.request).toEqual({ id: c.lastResponse.requestId, idempotency_key: 'evt-req-key' })
  })
})

describe('rate limiting fault', () => {
  it('answers the next n requests with 429 rate_limit, which the SDK raises as StripeRateLimitError', async () => {
    const res = await fetch(`${t.url}/_emulator/faults`, {
      method: 'POST',
      body: JSON.stringify({ rateLimit: 2 }),
      headers: { 'content-type': 'application/json' },
    })
    expect(((await res.json()) as { rateLimit: number }).rateLimit).toBe(2)
    await expect(stripe.customers.list()).rejects.toMatchObject({
      type: 'StripeRateLimitError',
      statusCode: 429,
      code: 'rate_limit',
    })
    const second = await post('/v1/customers', 'email=limited@example.com', { 'idempotency-key': 'limited' })
    expect(second.status).toBe(429)
    // A 429 is not saved under its idempotency key: the retry executes.
    const retried = await post('/v1/customers', 'email=limited@example.com', { 'idempotency-key': 'limited' })
    expect(retried.status).toBe(200)
    expect(retried.headers.get('idempotent-replayed')).toBeNull()
    t.emulator.faults.clear()
  })
})

describe('bad input never reaches a 500', () => {
  it.each([
    ['/v1/customers', 'metadata[a][b]=1'],
    ['/v1/customers', 'metadata=notanobject'],
    ['/v1/customers', 'email[]=a'],
    ['/v1/products', 'name=x&active=maybe'],
    ['/v1/prices', 'currency=usd&unit_amount=abc&product_data[name]=x'],
    ['/v1/prices', 'currency=usd&unit_amount=1&product_data=x'],
    ['/v1/prices', 'currency=usd&unit_amount=1&product_data[name]=x&recurring[interval]=fortnight'],
    ['/v1/webhook_endpoints', 'url=notaurl&enabled_events[]=*'],
    ['/v1/customers?expand[]=a.b.c.d.e', 'email=x@example.com'],
    ['/v1/customers', '%%%=&&=='],
  ])('POST %s %s → 4xx', async (path, body) => {
    const res = await post(path, body)
    expect(res.status, await res.clone().text()).toBeGreaterThanOrEqual(400)
    expect(res.status).toBeLessThan(500)
    expect(((await res.json()) as { error: { type: string } }).error.type).toBe('invalid_request_error')
  })

  it.each([
    '/v1/customers?limit=0',
    '/v1/customers?limit=101',
    '/v1/customers?limit=x',
    '/v1/events?created[gte]=soon',
    '/v1/customers?starting_after=cus_missing',
  ])('GET %s → 4xx', async (path) => {
    const res = await fetch(`${t.url}${path}`, { headers: { authorization: `Bearer ${TEST_KEY}` } })
    expect(res.status).toBeGreaterThanOrEqual(400)
    expect(res.status).toBeLessThan(500)
  })
})
