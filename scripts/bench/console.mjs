/**
 * The owner console at scale: a SQLite store seeded with `customers` customers, `orders` one-time
 * orders over the last year and `subscriptions` subscriptions with a year of ledger history
 * (starts, plan changes, cancellations) and their monthly invoices; then the dashboard (`GET
 * /admin`) and the metrics page (`GET /admin/metrics`, 30 days by day) are requested in-process
 * through the compiled app as a signed-in admin, and their median answer times reported (wall
 * clock, which the goal is about, and the CPU each request used, which a loaded machine moves less).
 * Goal: each under 300 ms.
 */
import { createHash, randomBytes } from 'node:crypto'
import { join } from 'node:path'
import { sql } from 'kysely'
import { median } from './load.mjs'

const DAY = 86_400_000
const ADMIN = 'owner@bench.example'

const dist = (path) => import(`../../dist/${path}`)

/** n rows from 1 to `count` (SQLite's recursive CTE), for set-based seeding. */
const series = (count) =>
  sql`with recursive n(i) as (select 1 union all select i + 1 from n where i < ${sql.lit(count)}) select i from n`

export async function consoleRow(ctx, { customers, orders, subscriptions }) {
  const { loadConfig } = await dist('config.js')
  const { createDeps } = await dist('deps.js')
  const { createApp } = await dist('app.js')
  const { migrateToLatest } = await dist('db/migrate.js')
  const databaseUrl = join(ctx.dir, `console-${process.pid}.db`)
  const config = loadConfig({
    DATABASE_URL: databaseUrl,
    DATA_DIR: ctx.dir,
    CATALOG: ctx.catalogPath,
    ADMIN_EMAILS: ADMIN,
    SESSION_SECRET: randomBytes(32).toString('hex'),
    LOG_LEVEL: 'silent',
    LOG_FORMAT: 'json',
  })
  const deps = createDeps(config)
  try {
    await migrateToLatest(deps.db)
    const now = Date.now()
    await seed(deps.db, { customers, orders, subscriptions, now })
    const cookie = await adminSession(deps.db, now)
    const app = createApp(deps)
    /** Wall-clock and CPU milliseconds of one request (in-process, so the CPU is the request's). */
    const time = async (path) => {
      const started = performance.now()
      const cpu = process.cpuUsage()
      const res = await app.request(`${config.publicUrl}${path}`, { headers: { cookie } })
      const body = await res.text()
      if (res.status !== 200) throw new Error(`${path} answered ${res.status}: ${body.slice(0, 200)}`)
      const used = process.cpuUsage(cpu)
      return { wall: performance.now() - started, cpu: (used.user + used.system) / 1000 }
    }
    const rows = []
    for (const [label, path] of [
      ['dashboard', '/admin'],
      ['metrics, 30 days by day', '/admin/metrics'],
    ]) {
      await time(path) // warm: compiled statements, the page's modules
      const samples = []
      for (let i = 0; i < Math.max(3, ctx.repeats * 2 + 1); i++) samples.push(await time(path))
      const ms = median(samples.map((s) => s.wall))
      const cpu = median(samples.map((s) => s.cpu))
      rows.push({
        row: `Console ${label} at ${fmt(customers)} customers, ${fmt(orders)} orders, ${fmt(subscriptions)} subscriptions × a year (sqlite)`,
        tollgate: `${ms.toFixed(0)} ms (CPU ${cpu.toFixed(0)} ms)`,
        baseline: '',
        value: `${ms.toFixed(0)} ms`,
        goal: '< 300 ms',
        met: ms < 300,
      })
    }
    return rows
  } finally {
    await deps.db.destroy()
  }
}

const fmt = (n) => (n >= 1000 ? `${Math.round(n / 1000)}k` : String(n))

export async function adminSession(db, now) {
  const token = randomBytes(32).toString('base64url')
  const at = new Date(now).toISOString()
  await db.insertInto('customers').values({ id: 'cu_bench_admin', email: ADMIN, created_at: at }).execute()
  await db
    .insertInto('sessions')
    .values({
      id: 'ses_bench_admin',
      customer_id: 'cu_bench_admin',
      token_hash: createHash('sha256').update(token).digest('hex'),
      created_at: at,
      expires_at: new Date(now + 30 * DAY).toISOString(),
      proof: 'password',
    })
    .execute()
  return `tollgate_session=${token}`
}

/**
 * Set-based inserts (a few statements, not a row at a time). Times are spread over the last year;
 * one subscription in four changes plan and one in five cancels, one in ten is yearly; orders and
 * invoices are in two currencies.
 */
export async function seed(db, { customers, orders, subscriptions, now }) {
  const yearAgo = now - 365 * DAY
  const at = (expr) =>
    sql`strftime('%Y-%m-%dT%H:%M:%fZ', ${yearAgo / 1000} + (${sql.raw(expr)}), 'unixepoch')`
  await sql`insert into customers (id, email, created_at)
    select 'cu_b' || i, 'c' || i || '@bench.example', ${at('(i * 7919) % 31536000')}
    from (${series(customers)})`.execute(db)
  await sql`insert into orders (id, customer_id, stripe_checkout_session_id, stripe_payment_intent_id,
      product_id, price_lookup_key, quantity, amount, amount_refunded, currency, status, created_at, refunded_at)
    select 'ord_b' || i, 'cu_b' || (1 + i % ${sql.lit(customers)}), 'cs_b' || i, 'pi_b' || i,
      'field-guide', 'field-guide', 1, 1900,
      case when i % 50 = 0 then 1900 else 0 end,
      case when i % 3 = 0 then 'eur' else 'usd' end,
      case when i % 50 = 0 then 'refunded' else 'paid' end,
      ${at('(i * 104729) % 31536000')},
      case when i % 50 = 0 then ${at('(i * 104729) % 31536000 + 86400')} else null end
    from (${series(orders)})`.execute(db)
  // Starts: every subscription; changes: one in four, 40 days in; cancels: one in five, 100 days in.
  const history = (kind, where, offset, status, amount) => sql`insert into subscription_history
      (id, stripe_subscription_id, customer_id, effective_at, status, price_lookup_key, currency, amount,
       interval, interval_count, discount_percent_bp, discount_amount_off, discount_ends_at, source, recorded_at)
    select ${`sh_${kind}_`} || i, 'sub_b' || i, 'cu_b' || (1 + i % ${sql.lit(customers)}),
      ${at(`(i * 7919) % 31536000 + ${offset}`)}, ${status}, 'member-monthly',
      case when i % 3 = 0 then 'eur' else 'usd' end, ${sql.raw(amount)},
      case when i % 10 = 0 then 'year' else 'month' end, 1,
      case when i % 7 = 0 then 2000 else null end, null, null, 'sync',
      ${at(`(i * 7919) % 31536000 + ${offset}`)}
    from (${series(subscriptions)}) where ${sql.raw(where)}`
  await history('start', '1 = 1', 0, 'active', 'case when i % 10 = 0 then 9000 else 900 end').execute(db)
  await history(
    'change',
    'i % 4 = 0',
    40 * 86400,
    'active',
    'case when i % 10 = 0 then 18000 else 1800 end',
  ).execute(db)
  await history('cancel', 'i % 5 = 0', 100 * 86400, 'canceled', '900').execute(db)
  // Monthly invoices while the subscription lives (up to twelve; yearly plans pay once).
  await sql`insert into invoices (id, stripe_invoice_id, stripe_subscription_id, customer_id, status,
      billing_reason, currency, subtotal, total, amount_due, amount_paid, attempt_count, stripe_created, updated_at)
    select 'inv_b' || s.i || '_' || m.i, 'in_b' || s.i || '_' || m.i, 'sub_b' || s.i, 'cu_b' || (1 + s.i % ${sql.lit(customers)}),
      'paid', 'subscription_cycle', case when s.i % 3 = 0 then 'eur' else 'usd' end, 900, 900, 900, 900, 1,
      ${at('(s.i * 7919) % 31536000 + (m.i - 1) * 2592000')}, ${at('(s.i * 7919) % 31536000 + (m.i - 1) * 2592000')}
    from (${series(subscriptions)}) as s, (${series(12)}) as m
    where (s.i % 10 <> 0 or m.i = 1) and (s.i % 5 <> 0 or m.i <= 3)
      and (s.i * 7919) % 31536000 + (m.i - 1) * 2592000 < 31536000`.execute(db)
}
