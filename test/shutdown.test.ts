/**
 * Graceful shutdown under load: Tollgate runs as its own process against an emulator that outlives
 * it; buyers check out and pay while Stripe delivers webhooks, and SIGTERM arrives mid-load. The
 * requests the server had accepted are answered (two are still uploading their bodies when the
 * signal comes), the inbox finishes the event in hand, the database is closed cleanly and the
 * process exits 0. After a restart every paid checkout is fulfilled exactly once.
 * @see issue 9
 */
import { copyFileSync, existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Stripe from 'stripe'
import { randomBytes } from 'node:crypto'
import { afterAll, expect, it } from 'vitest'
import { EMULATOR_SECRET_KEY } from '../src/config.js'
import { connectDatabase } from '../src/db/connect.js'
import { findFreePort } from '../src/lib/ports.js'
import { type Emulator, startEmulator } from '../src/test-mode/emulator.js'
import { adminQuery, DIALECTS, POSTGRES_URL, WORKER_DATABASE_PREFIX } from './dialects.js'
import { stripeOptions } from './harness.js'
import { eventually, payHostedCheckout } from './purchase.js'
import { type Outcome, type ServerProcess, send, startServerProcess } from './server-process.js'

const BUYERS = 6
const started: ServerProcess[] = []
const emulators: Emulator[] = []
const dropAfter: (() => Promise<void>)[] = []

afterAll(async () => {
  for (const server of started) server.child.kill('SIGKILL')
  for (const emulator of emulators) await emulator.stop()
  for (const drop of dropAfter) await drop()
})

type Purchase = { email: string; checkout: Outcome; sessionId?: string; paid: boolean; payment?: number }

/** One buyer: POST /checkout, then pay on the emulator's hosted page (which stays up throughout). */
async function buy(url: string, email: string): Promise<Purchase> {
  const checkout = await send(url, {
    method: 'POST',
    path: '/checkout',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: url },
    body: new URLSearchParams({ price: 'field-guide', email }).toString(),
  })
  if (checkout.kind !== 'answered' || checkout.status !== 303 || !checkout.location) {
    return { email, checkout, paid: false }
  }
  const sessionId = /\/(cs_[A-Za-z0-9_]+)/.exec(checkout.location)?.[1]
  const paid = await payHostedCheckout(checkout.location, { email })
  return {
    email,
    checkout,
    ...(sessionId ? { sessionId } : {}),
    paid: paid.location !== null,
    payment: paid.status,
  }
}

/** A form post whose body is still arriving when `during` runs. */
function slowCheckout(url: string, email: string, during: () => Promise<void>): Promise<Outcome> {
  const body = new URLSearchParams({ price: 'field-guide', email }).toString()
  const cut = 10
  return send(url, {
    method: 'POST',
    path: '/checkout',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'content-length': String(Buffer.byteLength(body)),
      origin: url,
    },
    body: { first: body.slice(0, cut), rest: body.slice(cut), afterFirst: during },
  })
}

/** A webhook Stripe already delivered, delivered again, signed, with its body still arriving. */
function slowWebhook(
  url: string,
  event: Stripe.Event,
  secret: string,
  during: () => Promise<void>,
): Promise<Outcome> {
  const payload = JSON.stringify(event)
  const signature = Stripe.webhooks.generateTestHeaderString({ payload, secret })
  return send(url, {
    method: 'POST',
    path: '/webhooks/stripe',
    headers: {
      'content-type': 'application/json',
      'content-length': String(Buffer.byteLength(payload)),
      'stripe-signature': signature,
    },
    body: { first: payload.slice(0, 20), rest: payload.slice(20), afterFirst: during },
  })
}

const sleep = (ms: number): Promise<void> => new Promise((done) => setTimeout(done, ms))

/** A database of the dialect for the server process: a SQLite file, or a PostgreSQL database of its own. */
async function databaseFor(
  dialect: 'sqlite' | 'postgres',
  dir: string,
): Promise<{ url: string; drop(): Promise<void> }> {
  if (dialect === 'sqlite') return { url: join(dir, 'data', 'tollgate.db'), drop: async () => {} }
  const base = POSTGRES_URL as string
  const name = `${WORKER_DATABASE_PREFIX}${process.ppid}_shutdown_${randomBytes(4).toString('hex')}`
  await adminQuery(base, `CREATE DATABASE ${name} TEMPLATE template0`)
  const url = new URL(base)
  url.pathname = `/${name}`
  return {
    url: url.href,
    drop: () => adminQuery(base, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).then(() => {}),
  }
}

const SERVER_DIALECTS = DIALECTS.filter((d): d is 'sqlite' | 'postgres' => d === 'sqlite' || d === 'postgres')

it.each(SERVER_DIALECTS)(
  'SIGTERM mid-load (%s): accepted requests are answered, nothing is lost or doubled after a restart',
  async (dialect) => {
    const started_ = await startEmulator({ port: 0, webhookRetrySchedule: [0.5, 1, 2, 4, 8] })
    emulators.push(started_.emulator)
    const stripe = new Stripe(EMULATOR_SECRET_KEY, stripeOptions(started_.url))
    const dir = mkdtempSync(join(tmpdir(), 'tg-shutdown-'))
    copyFileSync('catalog.yaml', join(dir, 'catalog.yaml'))
    const port = await findFreePort(20_000 + Math.floor(Math.random() * 10_000))
    const store = await databaseFor(dialect, dir)
    dropAfter.push(store.drop)
    const database = store.url
    const env = {
      DATA_DIR: join(dir, 'data'),
      CATALOG: join(dir, 'catalog.yaml'),
      DATABASE_URL: database,
      PORT: String(port),
      HOST: '127.0.0.1',
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      STRIPE_API_URL: started_.url,
      LOG_LEVEL: 'info',
    }
    let server = await startServerProcess(env)
    started.push(server)
    const url = server.url
    const secret = (
      JSON.parse(readFileSync(join(dir, 'data', 'webhook-endpoint.json'), 'utf8')) as { secret: string }
    ).secret

    // Warm up: one paid purchase, so there is a real event to deliver again later.
    const first = await buy(url, 'buyer-0@example.com')
    expect(first, JSON.stringify(first)).toMatchObject({ paid: true })
    const event = await eventually(async () => {
      const { data } = await stripe.events.list({ type: 'checkout.session.completed', limit: 1 })
      return data[0]
    })

    // Load: buyers in parallel, each buying again and again until the server stops taking them.
    let stopped = false
    const purchases: Purchase[] = [first]
    const load = Array.from({ length: BUYERS }, async (_, i) => {
      for (let round = 0; !stopped; round++) {
        const purchase = await buy(url, `buyer-${i + 1}-${round}@example.com`)
        purchases.push(purchase)
        if (purchase.checkout.kind !== 'answered') return
      }
    })
    await sleep(1500)

    // Two requests still uploading when SIGTERM arrives; their bodies finish while the server stops.
    const signal = async (): Promise<void> => {
      stopped = true
      server.child.kill('SIGTERM')
      await sleep(300)
    }
    let signalled: Promise<void> | undefined
    const once = (): Promise<void> => {
      signalled ??= signal()
      return signalled
    }
    const [inFlightCheckout, inFlightWebhook] = await Promise.all([
      slowCheckout(url, 'in-flight@example.com', once),
      slowWebhook(url, event, secret, once),
    ])
    await Promise.all(load)
    const code = await server.exited

    expect(code).toBe(0)
    expect(inFlightCheckout, JSON.stringify(inFlightCheckout)).toMatchObject({ kind: 'answered', status: 303 })
    expect(inFlightWebhook, JSON.stringify(inFlightWebhook)).toMatchObject({ kind: 'answered', status: 200 })
    const dropped = purchases.filter(
      (p) => p.checkout.kind === 'dropped' || (p.checkout.kind === 'answered' && p.checkout.status >= 500),
    )
    expect(dropped).toEqual([])
    const logs = server.output()
    expect(logs).toContain('shutting down')
    expect(logs).not.toMatch(/"level":(50|60)/) // no error or fatal line
    // The inbox finished what it had claimed: no event is left under a lease (claimed, unhandled, no error).
    const afterStop = connectDatabase(database)
    const leased = await afterStop
      .selectFrom('stripe_events')
      .select(['stripe_event_id', 'next_attempt_at'])
      .where('handled_at', 'is', null)
      .where('last_error', 'is', null)
      .where('next_attempt_at', '>', new Date().toISOString())
      .execute()
    await afterStop.destroy()
    expect(leased).toEqual([])
    // SQLite closed cleanly: the write-ahead log was checkpointed and removed on close.
    if (dialect === 'sqlite')
      expect(existsSync(`${database}-wal`) ? statSync(`${database}-wal`).size : 0).toBe(0)

    // Restart: missed deliveries come back (retries and recovery); every paid checkout is fulfilled once.
    server = await startServerProcess(env)
    started.push(server)
    const paid = purchases.filter((p) => p.paid).map((p) => p.sessionId as string)
    expect(paid.length).toBeGreaterThan(BUYERS)
    const db = connectDatabase(database)
    try {
      await eventually(async () => {
        const orders = await db
          .selectFrom('orders')
          .select('stripe_checkout_session_id')
          .where('stripe_checkout_session_id', 'in', paid)
          .execute()
        return orders.length >= paid.length ? true : undefined
      }, 60_000)
      server.child.kill('SIGTERM')
      expect(await server.exited).toBe(0)
      const orders = await db.selectFrom('orders').select(['id', 'stripe_checkout_session_id']).execute()
      const sessions = orders.map((o) => o.stripe_checkout_session_id)
      expect(new Set(sessions).size).toBe(sessions.length)
      expect(paid.every((id) => sessions.includes(id))).toBe(true)
      const grants = await db
        .selectFrom('entitlement_grants')
        .select(['source_type', 'source_id', 'feature'])
        .execute()
      const keys = grants.map((g) => `${g.source_type}:${g.source_id}:${g.feature}`)
      expect(new Set(keys).size).toBe(keys.length)
      expect(grants.length).toBeGreaterThanOrEqual(orders.length)
      const open = await db
        .selectFrom('stripe_events')
        .select('stripe_event_id')
        .where('handled_at', 'is', null)
        .execute()
      expect(open).toEqual([])
    } finally {
      await db.destroy()
    }
  },
  180_000,
)
