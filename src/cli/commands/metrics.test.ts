/**
 * `tollgate metrics`, `metrics backfill`, `refund`, `subscriptions` and `customers` from the
 * command line: the JSON carries integer minor units per currency, flags are strict (exit 2 naming
 * the flag), refused requests exit 1 with the app's message and change nothing.
 */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import Stripe from 'stripe'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { stripeOptions } from '../../../test/harness.js'
import { EMULATOR_SECRET_KEY } from '../../config.js'
import { connectDatabase } from '../../db/connect.js'
import { type Emulator, startEmulator } from '../../test-mode/emulator.js'
import { runCli } from '../index.js'
import { progressBar } from './metrics.js'

function cli(env: Record<string, string>) {
  const out: string[] = []
  const err: string[] = []
  const io = { env, out: (l: string) => out.push(l), err: (l: string) => err.push(l) }
  return { run: (args: string[]) => runCli(args, io), out, err }
}

function ledgerRow(sub: string, customer: string, at: string, over: Record<string, unknown> = {}) {
  return {
    id: `shx_${sub}_${at}`,
    stripe_subscription_id: sub,
    customer_id: customer,
    effective_at: at,
    status: 'active',
    price_lookup_key: null,
    currency: 'usd',
    amount: 1200,
    interval: 'month' as const,
    interval_count: 1,
    discount_percent_bp: null,
    discount_amount_off: null,
    discount_ends_at: null,
    source: 'sync' as const,
    recorded_at: at,
    ...over,
  }
}

describe('npx tollgate metrics | refund | subscriptions | customers', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tg-metrics-cli-'))
  let emulator: Emulator
  let emulatorUrl: string
  let env: Record<string, string>
  beforeAll(async () => {
    const started = await startEmulator({ port: 0 })
    emulator = started.emulator
    emulatorUrl = started.url
    env = {
      STRIPE_API_URL: started.url,
      SESSION_SECRET: 'cli-test-session-secret-0123456789',
      DATA_DIR: dir,
      DATABASE_URL: join(dir, 'cli.db'),
      CATALOG: resolve('catalog.yaml'),
      LOG_LEVEL: 'silent',
    }
    expect(await cli(env).run(['migrate'])).toBe(0)
  })
  afterAll(() => emulator.stop())

  it('prints MRR, ARR, subscribers, churn and revenue as integer minor units per currency', async () => {
    const db = connectDatabase(env.DATABASE_URL as string)
    try {
      await db
        .insertInto('subscription_history')
        .values([
          ledgerRow('sub_a', 'cu_a', '2026-01-02T10:00:00.000Z'),
          ledgerRow('sub_b', 'cu_b', '2026-01-03T10:00:00.000Z', {
            currency: 'eur',
            interval: 'year',
            amount: 12_000,
          }),
          ledgerRow('sub_c', 'cu_c', '2026-01-03T10:00:00.000Z'),
          ledgerRow('sub_c', 'cu_c', '2026-01-20T10:00:00.000Z', { status: 'canceled' }),
          ledgerRow('sub_d', 'cu_d', '2026-01-04T10:00:00.000Z', { status: 'trialing' }),
        ])
        .execute()
    } finally {
      await db.destroy()
    }
    const c = cli(env)
    expect(
      await c.run(['metrics', '--from', '2026-01-10', '--to', '2026-01-31', '--interval', 'week', '--json']),
    ).toBe(0)
    const report = JSON.parse(c.out.join('\n'))
    expect(report).toMatchObject({
      mrr: { usd: 1200, eur: 1000 },
      arr: { usd: 14_400, eur: 12_000 },
      active_subscribers: 2,
      trialing: 1,
      churn_rate: 0.3333,
      revenue: { gross: {}, refunds: {}, net: {} },
      movements: { churned: { usd: 1200 } },
    })
    expect(report.series.map((b: { start: string }) => b.start.slice(0, 10))).toEqual([
      '2026-01-10',
      '2026-01-12',
      '2026-01-19',
      '2026-01-26',
    ])
    // Without --json, the same figures as the console shows them: money and percentages.
    const text = cli(env)
    expect(await text.run(['metrics', '--from', '2026-01-10', '--to', '2026-01-31'])).toBe(0)
    expect(text.out).toContain('MRR               €10.00, $12.00')
    expect(text.out).toContain('Subscriber churn  33.33% (1/3)')
  }, 60_000)

  it('refuses unknown flags and bad values naming them, and unknown orders with the app message', async () => {
    const c = cli(env)
    expect(await c.run(['metrics', '--days', '7'])).toBe(2)
    expect(c.err.join('\n')).toMatch(/--days/)
    expect(await c.run(['metrics', '--interval', 'year'])).toBe(2)
    expect(c.err.at(-1)).toMatch(/--interval: expected day, week or month, got "year"/)
    expect(await c.run(['metrics', '--from', '1 Jan'])).toBe(2)
    expect(await c.run(['metrics', '--from', '2026-02-30'])).toBe(2)
    expect(c.err.at(-1)).toMatch(/--from: expected a date \(YYYY-MM-DD\), got "2026-02-30"/)
    // A range the app refuses is a bad value too (exit 2), naming the flag and saying why.
    expect(await c.run(['metrics', '--from', '2026-12-31', '--to', '2026-12-01'])).toBe(2)
    expect(c.err.at(-1)).toMatch(
      /^tollgate metrics: --from: must be on or before to\nUsage: tollgate metrics /,
    )
    expect(await c.run(['metrics', '--from', '2020-01-01', '--to', '2026-01-01'])).toBe(2)
    expect(c.err.at(-1)).toMatch(/^tollgate metrics: --interval: day covers at most three years\n/)
    expect(await c.run(['refund', 'ord_x', '--amount', '1.50'])).toBe(2)
    expect(c.err.at(-1)).toMatch(/--amount: expected a positive whole number of minor units/)
    expect(await c.run(['subscriptions', 'pause', 'a@example.com'])).toBe(2)
    expect(await c.run(['subscriptions', 'change-plan', 'sub_x'])).toBe(2)
    expect(await c.run(['subscriptions', 'resume', 'sub_x', '--now'])).toBe(2)
    expect(await c.run(['refund', 'ord_missing'])).toBe(1)
    expect(c.err.at(-1)).toBe('Unknown order.')
    expect(await c.run(['subscriptions', 'cancel', 'sub_missing'])).toBe(1)
    expect(c.err.at(-1)).toBe('Unknown subscription.')
    expect(await c.run(['subscriptions', 'cancel', 'nobody@example.com'])).toBe(1)
    expect(c.err.at(-1)).toBe('No customer nobody@example.com.')
    expect(await c.run(['customers', 'show', 'nobody@example.com'])).toBe(1)
    expect(await c.run(['customers', 'show', 'nobody'])).toBe(2)
    expect(c.err.at(-1)).toMatch(/^tollgate customers: "nobody" is not an email address/)
    expect(await c.run(['customers', 'list'])).toBe(2)
    expect(c.err.at(-1)).toMatch(/^tollgate customers: unknown action "list" \(expected show\)/)
    expect(await c.run(['customers', 'show'])).toBe(2)
    expect(c.err.at(-1)).toMatch(/^tollgate customers: missing <email>/)
    expect(await c.run(['events', 'list', '--json'])).toBe(0)
    expect(await c.run(['events', 'replay'])).toBe(2)
    expect(await c.run(['events', 'list', '--failing'])).toBe(2)
    expect(c.err.at(-1)).toMatch(/--failing/)
    expect(await c.run(['events', 'replay', 'evt_x', '--failing'])).toBe(2)
  }, 60_000)

  it('shows a customer with their orders as money, and what was refunded', async () => {
    const db = connectDatabase(env.DATABASE_URL as string)
    try {
      await db
        .insertInto('customers')
        .values({ id: 'cu_show', email: 'show@example.com', created_at: '2026-01-05T10:00:00.000Z' })
        .execute()
      await db
        .insertInto('orders')
        .values({
          id: 'ord_show',
          customer_id: 'cu_show',
          stripe_checkout_session_id: 'cs_show',
          product_id: 'tokyo-edition',
          price_lookup_key: 'tokyo-edition-jpy',
          quantity: 1,
          amount: 1500,
          amount_refunded: 500,
          currency: 'jpy',
          status: 'paid',
          created_at: '2026-01-05T10:00:00.000Z',
        })
        .execute()
    } finally {
      await db.destroy()
    }
    const c = cli(env)
    expect(await c.run(['customers', 'show', 'show@example.com'])).toBe(0)
    expect(c.out).toContain('  order ord_show  tokyo-edition  ¥1,500  refunded ¥500  paid')
  }, 60_000)

  it('lists every subscription, a page at a time, filtered by a status it checks first', async () => {
    // A database of its own: 501 rows here would change what the other tests' commands print.
    const own = mkdtempSync(join(tmpdir(), 'tg-subs-cli-'))
    const ownEnv = { ...env, DATA_DIR: own, DATABASE_URL: join(own, 'subs.db') }
    const empty = cli(ownEnv)
    expect(await empty.run(['subscriptions', 'list'])).toBe(0)
    expect(empty.out).toEqual(['No subscriptions.'])
    const bad = cli(ownEnv)
    expect(await bad.run(['subscriptions', 'list', '--status', 'weird'])).toBe(2)
    expect(bad.err.at(-1)).toMatch(/--status: expected one of active, .*paused, got "weird"/)
    const db = connectDatabase(ownEnv.DATABASE_URL)
    try {
      const at = '2026-01-01T00:00:00.000Z'
      await db
        .insertInto('customers')
        .values({
          id: 'cu_many',
          email: 'many@example.com',
          stripe_customer_id: 'cus_many',
          password_hash: null,
          created_at: at,
        })
        .execute()
      await db
        .insertInto('customers')
        .values({
          id: 'cu_none',
          email: 'none@example.com',
          stripe_customer_id: null,
          password_hash: null,
          created_at: at,
        })
        .execute()
      // One more than a page (500), the newest canceled.
      const rows = Array.from({ length: 501 }, (_, i) => {
        const n = String(i).padStart(3, '0')
        return {
          id: `sub_row_${n}`,
          stripe_subscription_id: `sub_many_${n}`,
          customer_id: 'cu_many',
          stripe_customer_id: 'cus_many',
          status: i === 500 ? 'canceled' : 'active',
          price_lookup_key: 'pro-monthly',
          stripe_price_id: null,
          product_id: null,
          plan_family: null,
          start_date: at,
          current_period_start: null,
          current_period_end: null,
          cancel_at_period_end: 0,
          cancel_at: null,
          canceled_at: null,
          ended_at: null,
          trial_start: null,
          trial_end: null,
          latest_invoice_id: null,
          latest_invoice_status: null,
          latest_invoice_created: null,
          cancellation_reason: null,
          cancellation_feedback: null,
          cancellation_comment: null,
          scheduled_price_lookup_key: null,
          grants: null,
          product_name: null,
          fetched_at: at,
          created_at: new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString(),
          updated_at: at,
        }
      })
      for (let i = 0; i < rows.length; i += 100)
        await db
          .insertInto('subscriptions')
          .values(rows.slice(i, i + 100))
          .execute()
    } finally {
      await db.destroy()
    }
    const all = cli(ownEnv)
    expect(await all.run(['subscriptions', 'list', '--json'])).toBe(0)
    const listed = JSON.parse(all.out.join('\n')) as { id: string; status: string }[]
    expect(listed).toHaveLength(501)
    expect(new Set(listed.map((r) => r.id)).size).toBe(501)
    const active = cli(ownEnv)
    expect(await active.run(['subscriptions', 'list', '--status', 'active'])).toBe(0)
    expect(active.out).toHaveLength(500)
    const canceled = cli(ownEnv)
    expect(await canceled.run(['subscriptions', 'list', '--status', 'canceled'])).toBe(0)
    expect(canceled.out).toEqual(['sub_many_500  pro-monthly  canceled'])
    const none = cli(ownEnv)
    expect(await none.run(['subscriptions', 'list', '--status', 'paused'])).toBe(0)
    expect(none.out).toEqual(['No paused subscriptions.'])
    // Named by email, a customer's subscription must be the only live one; else the CLI says why.
    const ambiguous = cli(ownEnv)
    expect(await ambiguous.run(['subscriptions', 'cancel', 'many@example.com'])).toBe(1)
    expect(ambiguous.err.at(-1)).toMatch(
      /^many@example\.com has 500 live subscriptions; name one by its id: (sub_many_\d{3}, ){5}…\.$/,
    )
    expect(await ambiguous.run(['subscriptions', 'cancel', 'none@example.com'])).toBe(1)
    expect(ambiguous.err.at(-1)).toBe('none@example.com has no live subscription.')
  }, 60_000)

  it('replays every failing event, audited, and says which still fail', async () => {
    const db = connectDatabase(env.DATABASE_URL as string)
    const failing = (id: string, type: string, object: string) => ({
      id: `ibx_${id}`,
      stripe_event_id: id,
      type,
      payload: JSON.stringify({ id, object: 'event', type, data: { object: { id: object } } }),
      event_created: 1,
      source: 'webhook' as const,
      received_at: '2026-01-01T00:00:00.000Z',
      handled_at: null,
      attempts: 3,
      last_error: 'boom',
      next_attempt_at: '2099-01-01T00:00:00.000Z',
    })
    try {
      await db
        .insertInto('stripe_events')
        .values([
          failing('evt_cli_ignored', 'tollgate.unknown_type', 'x_1'),
          failing('evt_cli_broken', 'checkout.session.completed', 'cs_missing'),
        ])
        .execute()
      const c = cli(env)
      expect(await c.run(['events', 'replay', '--failing', '--json'])).toBe(0)
      const result = JSON.parse(c.out.join('\n')) as { replayed: number; stillFailing: string[] }
      expect(result.replayed).toBeGreaterThanOrEqual(2)
      expect(result.stillFailing).toContain('evt_cli_broken')
      expect(result.stillFailing).not.toContain('evt_cli_ignored')
      // The list names each event's status by the console's rule (webhooks' inboxStatus).
      const listed = cli(env)
      expect(await listed.run(['events', 'list'])).toBe(0)
      expect(listed.out.find((l) => l.startsWith('evt_cli_broken '))).toContain(' failing  attempts=')
      const audit = await db
        .selectFrom('admin_audit_log')
        .selectAll()
        .where('action', '=', 'event.replay_failing')
        .execute()
      expect(audit.map((a) => [a.actor_email, a.after_json])).toEqual([
        ['cli', JSON.stringify({ replayed: result.replayed })],
      ])
    } finally {
      await db.destroy()
    }
  }, 60_000)

  it('backfills the ledger from Stripe once, with progress', async () => {
    const stripe = new Stripe(EMULATOR_SECRET_KEY, stripeOptions(emulatorUrl))
    const product = await stripe.products.create({ name: 'Old plan' })
    const price = await stripe.prices.create({
      product: product.id,
      currency: 'usd',
      unit_amount: 2400,
      recurring: { interval: 'year' },
    })
    const customer = await stripe.customers.create({
      email: 'old@example.com',
      payment_method: 'pm_card_visa',
      invoice_settings: { default_payment_method: 'pm_card_visa' },
    })
    await stripe.subscriptions.create({ customer: customer.id, items: [{ price: price.id }] })
    const first = cli(env)
    expect(await first.run(['metrics', 'backfill'])).toBe(0)
    expect(first.err.at(-1)).toMatch(/^\[#+\] 1\/1$/)
    expect(first.out.at(-1)).toMatch(/^Backfilled 1 of 1 subscriptions/)
    const again = cli(env)
    expect(await again.run(['metrics', 'backfill', '--json'])).toBe(0)
    expect(JSON.parse(again.out.join('\n'))).toEqual({
      subscriptions: 1,
      added: 0,
      present: 1,
      'no-customer': 0,
    })
    const shown = cli(env)
    expect(await shown.run(['metrics', '--json'])).toBe(0)
    expect(JSON.parse(shown.out.join('\n')).mrr).toMatchObject({ usd: 1200 + 200 })
  }, 60_000)

  it('creates, lists and deactivates coupons, refusing percent and amount together before Stripe', async () => {
    const stripe = new Stripe(EMULATOR_SECRET_KEY, stripeOptions(emulatorUrl))
    const before = (await stripe.coupons.list({ limit: 100 })).data.length
    const bad = cli(env)
    // Values the coupon check refuses (alone or with another flag) exit 2 and name the flag.
    for (const [args, named] of [
      [
        ['--percent', '10', '--amount', '500', '--currency', 'usd'],
        '--amount: Give a percent or an amount off, not both.',
      ],
      [['--percent', '120'], '--percent: The percent off must be more than 0 and at most 100.'],
      [['--percent', '0'], '--percent: The percent off must be more than 0 and at most 100.'],
      [
        ['--percent', '20', '--duration', 'repeating'],
        '--months: Months go with a repeating duration, and only with it.',
      ],
      [
        ['--percent', '20', '--months', '3'],
        '--months: Months go with a repeating duration, and only with it.',
      ],
      [['--amount', '500'], '--currency: An amount off needs its currency (e.g. usd).'],
      [['--percent', '20', '--currency', 'usd'], '--currency: A percent off takes no currency.'],
      [['--percent', '20', '--code', 'no spaces'], '--code: A code is 3 to 40 letters, digits, - or _.'],
      [['--percent', '20', '--expires', '2001-01-01'], '--expires: The expiry must be in the future.'],
      [['--name', 'nothing off'], '--percent: Give a percent or an amount off.'],
    ] as const) {
      expect(await bad.run(['coupons', 'create', ...args]), args.join(' ')).toBe(2)
      expect(bad.err.at(-1)).toMatch(new RegExp(`^tollgate coupons: ${named.replace(/[.()]/g, '\\$&')}\n`))
    }
    expect(await bad.run(['coupons', 'create', '--percent', 'ten'])).toBe(2)
    expect(await bad.run(['coupons', 'create', '--percent', '10', '--expires', '2999-02-30'])).toBe(2)
    expect(bad.err.at(-1)).toMatch(
      /^tollgate coupons: --expires: expected a date \(YYYY-MM-DD\), got "2999-02-30"/,
    )
    expect(await bad.run(['coupons', 'list', '--code', 'X'])).toBe(2)
    expect((await stripe.coupons.list({ limit: 100 })).data.length).toBe(before)
    const c = cli(env)
    expect(
      await c.run([
        'coupons',
        'create',
        '--percent',
        '12.5',
        '--duration',
        'repeating',
        '--months',
        '3',
        '--code',
        'SPRING',
        '--json',
      ]),
    ).toBe(0)
    const created = JSON.parse(c.out.join('\n'))
    expect(created).toMatchObject({ percent_off: 12.5, duration: 'repeating', code: { code: 'SPRING' } })
    const listed = cli(env)
    expect(await listed.run(['coupons', 'list', '--json'])).toBe(0)
    expect(JSON.parse(listed.out.join('\n'))).toContainEqual(
      expect.objectContaining({
        id: created.id,
        codes: [expect.objectContaining({ code: 'SPRING', active: true })],
      }),
    )
    const amountOff = cli(env)
    expect(
      await amountOff.run(['coupons', 'create', '--amount', '1500', '--currency', 'jpy', '--json']),
    ).toBe(0)
    const yen = JSON.parse(amountOff.out.join('\n'))
    const text = cli(env)
    expect(await text.run(['coupons', 'list'])).toBe(0)
    expect(text.out).toContainEqual(expect.stringMatching(new RegExp(`^${yen.id}  ¥1,500  once  redeemed 0`)))
    expect(text.out).toContainEqual(expect.stringMatching(new RegExp(`^${created.id}  12.5%  repeating`)))
    expect(await cli(env).run(['coupons', 'deactivate', created.code.id])).toBe(0)
    expect((await stripe.promotionCodes.retrieve(created.code.id)).active).toBe(false)
    const db = connectDatabase(env.DATABASE_URL as string)
    try {
      const entry = await db
        .selectFrom('admin_audit_log')
        .selectAll()
        .where('action', '=', 'promotion_code.deactivate')
        .where('target_id', '=', created.code.id)
        .executeTakeFirstOrThrow()
      expect(JSON.parse(entry.before_json ?? 'null')).toEqual({
        code: 'SPRING',
        active: true,
        times_redeemed: 0,
      })
      expect(JSON.parse(entry.after_json ?? 'null')).toEqual({ active: false })
    } finally {
      await db.destroy()
    }
  }, 60_000)

  it('draws a progress bar', () => {
    expect(progressBar(0, 4, 8)).toBe('[........] 0/4')
    expect(progressBar(2, 4, 8)).toBe('[####....] 2/4')
    expect(progressBar(0, 0, 4)).toBe('[####] 0/0')
  })
})
