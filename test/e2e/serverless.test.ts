/**
 * Tollgate on a serverless host, through the fetch handler only: plain `Request` objects in,
 * `Response`s out, no server listening for the app. The emulator plays Stripe (its hosted Checkout
 * is paid over HTTP as a browser would), and this test plays the platform: it relays Stripe's
 * events to the handler as signed webhook requests, hands the handler a `waitUntil`, and calls the
 * cron endpoint as Vercel Cron would.
 *
 * Given a store on serverless (PostgreSQL; SQLite is refused), When a buyer purchases and a member
 * subscribes, Then each webhook is processed right after its response (order, grants, mail), and
 * the cron run and /readyz behave as a scheduler and an uptime monitor expect.
 * @see issue 10
 */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import Stripe from 'stripe'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ConfigError, EMULATOR_SECRET_KEY } from '../../src/config.js'
import { migrateToLatest } from '../../src/db/migrate.js'
import { createDeps, type Deps } from '../../src/deps.js'
import { devMailer } from '../../src/lib/mailer.js'
import { ensureDemoFiles } from '../../src/modules/catalog/demo.js'
import { syncCatalog } from '../../src/modules/catalog/sync.js'
import {
  createServerlessHandler,
  type PlatformContext,
  type ServerlessHandler,
  serverlessConfig,
} from '../../src/serverless/index.js'
import { type Emulator, startEmulator } from '../../src/test-mode/emulator.js'
import { DIALECTS } from '../dialects.js'
import { createTestDatabase, type TestDatabase } from '../dialects.js'
import { type Agent, createAgent, stripeOptions } from '../harness.js'
import { buyAndPay, payHostedCheckout, tokenFrom } from '../purchase.js'

const PUBLIC_URL = 'https://shop.example.test'
const CRON_SECRET = 'cron-secret-for-tests-0123456789'
const SERVERLESS_DIALECTS = DIALECTS.filter((d) => d !== 'sqlite')

function baseEnv(extra: Record<string, string>): Record<string, string> {
  return {
    STRIPE_SECRET_KEY: EMULATOR_SECRET_KEY,
    STRIPE_WEBHOOK_SECRET: 'whsec_placeholder',
    SESSION_SECRET: 'serverless-test-session-secret-0123456789',
    PUBLIC_URL,
    CATALOG: resolve('catalog.yaml'),
    DATA_DIR: mkdtempSync(join(tmpdir(), 'tg-serverless-')),
    CRON_SECRET,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    ...extra,
  }
}

describe('serverless configuration', () => {
  it('refuses SQLite and test mode with one line naming the setting', () => {
    const refusal = (env: Record<string, string>): string[] => {
      try {
        serverlessConfig(env)
      } catch (err) {
        if (err instanceof ConfigError) return [...err.problems]
        throw err
      }
      return []
    }
    expect(refusal(baseEnv({ DATABASE_URL: '/tmp/shop.db' }))).toEqual([
      expect.stringMatching(/^DATABASE_URL: SQLite cannot be used on serverless .* use postgres:\/\//),
    ])
    const { STRIPE_SECRET_KEY: _, ...testMode } = baseEnv({ DATABASE_URL: 'postgres://db/shop' })
    expect(refusal(testMode)).toEqual([expect.stringMatching(/^STRIPE_SECRET_KEY: required on serverless/)])
  })

  it('answers 503 without a stack or a secret when it cannot start', async () => {
    const handler = createServerlessHandler({ env: baseEnv({ DATABASE_URL: '/tmp/shop.db' }) })
    const res = await handler.fetch(new Request(`${PUBLIC_URL}/`))
    expect(res.status).toBe(503)
    const body = await res.text()
    expect(body).toContain('could not start')
    expect(body).not.toContain(CRON_SECRET)
  })
})

describe.each(SERVERLESS_DIALECTS)('serverless handler on %s', (dialect) => {
  let emulator: Emulator
  let stripe: Stripe
  let database: TestDatabase
  let deps: Deps
  let handler: ServerlessHandler
  let secret: string
  /** Work the handler handed to the platform's waitUntil. */
  const afterResponse: Promise<unknown>[] = []
  const platform = { waitUntil: (work: Promise<unknown>) => void afterResponse.push(work) }
  const relayed = new Set<string>()

  const request = (path: string, init?: RequestInit): Promise<Response> =>
    handler.fetch(new Request(new URL(path, PUBLIC_URL), init), platform)

  /** What the platform does after responses: waits for the work handed to waitUntil. */
  async function platformSettles(): Promise<void> {
    while (afterResponse.length > 0) await Promise.all(afterResponse.splice(0))
  }

  /** Stripe's side: every event not yet delivered, signed, POSTed to the handler in order. */
  async function deliverWebhooks(context: PlatformContext = platform): Promise<string[]> {
    await emulator.idle()
    const events = (await stripe.events.list({ limit: 100 })).data.filter((e) => !relayed.has(e.id)).reverse()
    for (const event of events) {
      relayed.add(event.id)
      const payload = JSON.stringify(event)
      const signature = await stripe.webhooks.generateTestHeaderStringAsync({ payload, secret })
      const res = await handler.fetch(
        new Request(`${PUBLIC_URL}/webhooks/stripe`, {
          method: 'POST',
          body: payload,
          headers: { 'content-type': 'application/json', 'stripe-signature': signature },
        }),
        context,
      )
      expect(res.status, await res.clone().text()).toBe(200)
    }
    return events.map((e) => e.type)
  }

  async function unhandledEvents(): Promise<number> {
    const rows = await deps.db
      .selectFrom('stripe_events')
      .select('id')
      .where('handled_at', 'is', null)
      .execute()
    return rows.length
  }

  beforeAll(async () => {
    ;({ emulator } = await startEmulator({ port: 0, webhookRetrySchedule: [] }))
    stripe = new Stripe(EMULATOR_SECRET_KEY, stripeOptions(emulator.url))
    // Stripe's endpoint for this store; nothing listens there, so the test delivers the events.
    const endpoint = await stripe.webhookEndpoints.create({
      url: 'http://127.0.0.1:9/webhooks/stripe',
      enabled_events: ['*'],
    })
    secret = endpoint.secret ?? ''
    database = await createTestDatabase(dialect)
    const env = baseEnv({
      STRIPE_API_URL: emulator.url,
      STRIPE_WEBHOOK_SECRET: secret,
      DATABASE_URL: database.databaseUrl,
    })
    deps = createDeps(serverlessConfig(env), { db: database.db, mail: devMailer })
    // The operator's side before going live: `tollgate migrate`, `tollgate sync`, the files in place.
    await migrateToLatest(deps.db)
    await syncCatalog(deps)
    await ensureDemoFiles(deps.catalog)
    handler = createServerlessHandler({ env, deps })
  })
  afterAll(async () => {
    await platformSettles()
    await emulator?.stop()
    await database?.close()
  })

  it('is not ready until the cron run has run; the cron endpoint wants the secret', async () => {
    const before = await request('/readyz')
    expect(before.status).toBe(503)
    expect(before.headers.get('content-type')).toBe('application/health+json')
    const report = (await before.json()) as { status: string; checks: Record<string, [{ status: string }]> }
    expect(report.status).toBe('fail')
    expect(report.checks.workers?.[0]?.status).toBe('fail')
    expect(report.checks.database?.[0]?.status).toBe('pass')
    expect(report.checks.migrations?.[0]?.status).toBe('pass')
    expect(report.checks.stripe?.[0]?.status).toBe('pass')

    expect((await request('/cron')).status).toBe(401)
    expect(
      (await request('/cron', { headers: { authorization: 'Bearer wrong-secret-0123456789' } })).status,
    ).toBe(401)
    const cron = await request('/cron', { headers: { authorization: `Bearer ${CRON_SECRET}` } })
    expect(cron.status).toBe(200)
    expect(await cron.json()).toMatchObject({
      handled: { 'stripe-inbox': expect.any(Number), mail: 0, 'stripe-recovery': expect.any(Number) },
    })
    expect((await request('/readyz')).status).toBe(200)
    expect((await request('/healthz')).status).toBe(200)
  })

  it('a purchase: the webhook is processed right after its response, then the buyer downloads', async () => {
    const email = `serverless-buyer-${dialect}@example.com`
    const buyer = createAgent(request, PUBLIC_URL)
    const { sessionId, successPath } = await buyAndPay(buyer, { price: 'field-guide', email })

    const delivered = await deliverWebhooks()
    expect(delivered).toContain('checkout.session.completed')
    await platformSettles()
    expect(await unhandledEvents()).toBe(0)
    const order = await deps.db
      .selectFrom('orders')
      .selectAll()
      .where('stripe_checkout_session_id', '=', sessionId)
      .executeTakeFirst()
    expect(order?.status).toBe('paid')
    // The confirmation email left through the outbox after the response, not at the next cron run.
    const mail = await deps.db
      .selectFrom('mail_outbox')
      .select(['status', 'to_address'])
      .where('to_address', '=', email)
      .execute()
    expect(mail.map((m) => m.status)).toContain('sent')

    const success = await buyer.request(successPath)
    expect(success.status).toBe(200)
    expect(tokenFrom(await success.text())).toBeDefined()
    const download = await buyer.request('/download/field-guide-pdf')
    expect(download.status).toBe(200)
    expect(
      Buffer.from(await download.arrayBuffer())
        .subarray(0, 5)
        .toString(),
    ).toBe('%PDF-')
  })

  it('a subscription: active (trialing) after its webhooks, the member page opens, cancellation ends it', async () => {
    const member = await signedInBuyer(`serverless-member-${dialect}@example.com`)
    const res = await member.postForm('/subscribe', { price: 'membership-monthly' })
    expect(res.status, await res.clone().text()).toBe(303)
    const paid = await payHostedCheckout(res.headers.get('location') ?? '', {
      email: `serverless-member-${dialect}@example.com`,
    })
    expect(paid.status).toBe(303)
    await platformSettles()
    // A platform without waitUntil: the handler finishes the work before it answers.
    await deliverWebhooks({})
    expect(afterResponse).toEqual([])
    expect(await unhandledEvents()).toBe(0)
    const sub = await deps.db.selectFrom('subscriptions').selectAll().executeTakeFirstOrThrow()
    expect(sub.status).toBe('trialing')
    expect((await member.request('/premium')).status).toBe(200)

    await stripe.subscriptions.cancel(sub.stripe_subscription_id)
    expect(await deliverWebhooks()).toContain('customer.subscription.deleted')
    await platformSettles()
    const ended = await deps.db.selectFrom('subscriptions').selectAll().executeTakeFirstOrThrow()
    expect(ended.status).toBe('canceled')
  })

  it('the cron run picks up an event whose after-response work never ran (recovery from Stripe)', async () => {
    // An event of a type a handler wants: recovery asks Stripe for no other.
    const session = await stripe.checkout.sessions.create({
      mode: 'payment',
      success_url: `${PUBLIC_URL}/thanks`,
      customer_email: `recovered-${dialect}@example.com`,
      line_items: [
        { price_data: { currency: 'usd', unit_amount: 500, product_data: { name: 'Zine' } }, quantity: 1 },
      ],
    })
    await stripe.checkout.sessions.expire(session.id)
    await emulator.idle()
    const missed = (await stripe.events.list({ type: 'checkout.session.expired', limit: 1 })).data[0]
    expect(missed?.data.object).toMatchObject({ id: session.id })
    const cron = await request('/cron', { headers: { authorization: `Bearer ${CRON_SECRET}` } })
    expect(cron.status).toBe(200)
    const row = await deps.db
      .selectFrom('stripe_events')
      .selectAll()
      .where('stripe_event_id', '=', missed?.id ?? '')
      .executeTakeFirst()
    expect(row).toMatchObject({ source: 'recovery' })
    expect(row?.handled_at).not.toBeNull()
  })

  /** A buyer signed in through the store (a purchase's success page signs them in). */
  async function signedInBuyer(email: string): Promise<Agent> {
    const agent = createAgent(request, PUBLIC_URL)
    const { successPath } = await buyAndPay(agent, { price: 'workshop-notes', email })
    await deliverWebhooks()
    await platformSettles()
    expect((await agent.request(successPath)).status).toBe(200)
    return agent
  }
})
