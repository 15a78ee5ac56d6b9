/**
 * One Tollgate under test, set up the way production runs it: the compiled build (`node
 * dist/main.js`, NODE_ENV=production), a Stripe key pointed at a separately running emulator
 * (STRIPE_API_URL), a real webhook endpoint and signing secret, the catalog synced with `tollgate
 * sync`, and a database seeded with customers, sessions and grants.
 */
import { createHash, randomBytes } from 'node:crypto'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { sql } from 'kysely'
import pg from 'pg'
import Stripe from 'stripe'
import { ARCHIVE_FILE_ID, writeBenchCatalog } from './catalog.mjs'
import { freePort, run, startServer, stopServer } from './proc.mjs'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
/** Tollgate's own connection code, from the build (which the benchmark makes first). */
const connect = async (url) => (await import('../../dist/db/connect.js')).connectDatabase(url)
const SECRET_KEY = 'sk_test_tollgatebench000000000000'

/**
 * A database of its own on the PostgreSQL server of BENCH_DATABASE_URL or TEST_DATABASE_URL (the
 * local server by default), for a benchmark script's run: `url` to connect to it, `client` (the
 * admin connection, for queries about it) and `drop()` when done.
 */
export async function scratchPostgres(tag) {
  const adminUrl =
    process.env.BENCH_DATABASE_URL ??
    process.env.TEST_DATABASE_URL ??
    'postgres://postgres@127.0.0.1:5432/test'
  const name = `tollgate_${tag}_${process.pid}`
  const client = new pg.Client({ connectionString: adminUrl })
  await client.connect()
  await client.query(`drop database if exists ${name}`)
  await client.query(`create database ${name}`)
  const url = new URL(adminUrl)
  url.pathname = `/${name}`
  return {
    url: url.href,
    name,
    client,
    async drop() {
      await client.query(`drop database if exists ${name} with (force)`)
      await client.end()
    },
  }
}

/**
 * The emulator stands in for Stripe, so it runs the way that costs this machine least: in memory
 * (no state file re-written whole every 200 ms as the store grows), delivering several webhooks
 * per endpoint at once, in no promised order, as Stripe does.
 */
export async function startEmulator() {
  const port = await freePort()
  const proc = await startServer({
    name: 'emulator',
    args: [join(ROOT, 'scripts/bench/emulator.mjs'), '--port', String(port), '--webhook-concurrency', '8'],
    readyUrl: `http://127.0.0.1:${port}/`,
  })
  const stripe = new Stripe(SECRET_KEY, { host: '127.0.0.1', port, protocol: 'http' })
  return { proc, url: `http://127.0.0.1:${port}`, stripe }
}

/**
 * Prepares (migrate, sync, webhook endpoint) a Tollgate on `databaseUrl`; `start()` runs it and
 * can be called again for cold-start samples. `extraNodeArgs` go before the entry (profiling).
 */
export async function prepareTollgate({ name, dir, databaseUrl, catalogPath, emulator }) {
  const port = await freePort()
  const url = `http://127.0.0.1:${port}`
  // The event types Tollgate handles, as `tollgate doctor` tells a live shop to subscribe to (and
  // test mode does): on `*`, three of a purchase's four webhooks would be for nothing.
  const { HANDLED_EVENT_TYPES } = await import('../../dist/event-handlers.js')
  const endpoint = await emulator.stripe.webhookEndpoints.create({
    url: `${url}/webhooks/stripe`,
    enabled_events: [...HANDLED_EVENT_TYPES],
  })
  const env = {
    NODE_ENV: 'production',
    STRIPE_SECRET_KEY: SECRET_KEY,
    STRIPE_API_URL: emulator.url,
    STRIPE_WEBHOOK_SECRET: endpoint.secret,
    PUBLIC_URL: url,
    PORT: String(port),
    SESSION_SECRET: 'bench-session-secret-0123456789abcdef',
    DATABASE_URL: databaseUrl,
    DATA_DIR: join(dir, name),
    CATALOG: catalogPath,
    // The default level, as a shop runs: a log line on a hot path is part of what is measured.
    LOG_LEVEL: 'info',
    LOG_FORMAT: 'json',
  }
  await run(process.execPath, [join(ROOT, 'bin/tollgate.js'), 'migrate'], env)
  await run(process.execPath, [join(ROOT, 'bin/tollgate.js'), 'sync'], env)
  return {
    name,
    url,
    env,
    webhookSecret: endpoint.secret,
    async start(extraNodeArgs = [], extraEnv = {}) {
      return startServer({
        name,
        args: [...extraNodeArgs, join(ROOT, 'dist/main.js')],
        env: { ...env, ...extraEnv },
        readyUrl: `${url}/healthz`,
      })
    },
    stop: stopServer,
  }
}

/**
 * The side scripts' store (cpu, instructions, profile, writes): the one-product catalog in `dir`, an
 * emulator, and Tollgate prepared on `databaseUrl`, not started.
 */
export async function prepareBenchStore(dir, databaseUrl) {
  const catalog = writeBenchCatalog(dir, 1)
  const emulator = await startEmulator()
  const store = await prepareTollgate({
    name: 'tollgate',
    dir,
    databaseUrl,
    catalogPath: catalog.path,
    emulator,
  })
  return { store, emulator }
}

/**
 * Starts `store`'s Tollgate from this checkout's dist/, or, with TOLLGATE_MAIN=<path>, from another
 * build's main.js (a copy of an older dist/ beside this one) against the same setup, so two builds
 * can be compared turn about.
 */
export function startBuild(store, nodeArgs = []) {
  if (!process.env.TOLLGATE_MAIN) return store.start(nodeArgs)
  return startServer({
    name: store.name,
    args: [...nodeArgs, resolve(process.env.TOLLGATE_MAIN)],
    env: store.env,
    readyUrl: `${store.url}/healthz`,
  })
}

const hash = (token) => createHash('sha256').update(token).digest('hex')
const FAR = '2999-01-01T00:00:00.000Z'
const PAST = '2026-01-01T00:00:00.000Z'

/**
 * Seeds `hot` signed-in customers (each with a session whose token is returned, and grants of
 * `premium` and the archive) and `filler` more customers with a premium grant each, so an
 * entitlement check runs against a table of `hot + filler` customers.
 */
export async function seedCustomers(databaseUrl, { hot, filler, tag }) {
  const db = await connect(databaseUrl)
  const dialect = databaseUrl.startsWith('postgres') ? 'postgres' : 'sqlite'
  const cookies = []
  try {
    for (let start = 0; start < hot; start += 500) {
      const customers = []
      const sessions = []
      const grants = []
      for (let i = start; i < Math.min(hot, start + 500); i++) {
        const id = `cu_${tag}hot${i}`
        const token = randomBytes(32).toString('base64url')
        cookies.push(`tollgate_session=${token}`)
        customers.push({ id, email: `hot${i}.${tag}@bench.example`, created_at: PAST })
        sessions.push({
          id: `ses_${tag}hot${i}`,
          customer_id: id,
          token_hash: hash(token),
          created_at: PAST,
          expires_at: FAR,
        })
        for (const feature of ['premium', `file:${ARCHIVE_FILE_ID}`]) {
          grants.push({
            id: `grt_${tag}hot${i}${feature.length}`,
            customer_id: id,
            feature,
            source_type: 'manual',
            source_id: 'bench',
            starts_at: PAST,
            ends_at: null,
            created_at: PAST,
          })
        }
      }
      await db.transaction().execute(async (trx) => {
        await trx.insertInto('customers').values(customers).execute()
        await trx.insertInto('sessions').values(sessions).execute()
        await trx.insertInto('entitlement_grants').values(grants).execute()
      })
    }
    if (filler > 0) await seedFiller(db, dialect, filler, tag)
    // Statistics now, as a store that grew to this size has them: otherwise PostgreSQL's autovacuum
    // analyzes the fresh tables while they are measured (its writes also tell every instance's
    // read cache that something changed, db/read-cache.ts).
    await sql.raw(dialect === 'postgres' ? 'vacuum analyze' : 'analyze').execute(db)
  } finally {
    await db.destroy()
  }
  return cookies
}

async function seedFiller(db, dialect, count, tag) {
  const series =
    dialect === 'postgres'
      ? sql`select i from generate_series(1, ${count}) as s(i)`
      : sql`with recursive n(i) as (select 1 union all select i + 1 from n where i < ${count}) select i from n`
  await sql`insert into customers (id, email, created_at)
    select ${`cu_${tag}f`} || i, ${`f${tag}`} || i || '@bench.example', ${PAST} from (${series}) as t`.execute(
    db,
  )
  await sql`insert into entitlement_grants (id, customer_id, feature, source_type, source_id, starts_at, created_at)
    select ${`grt_${tag}f`} || i, ${`cu_${tag}f`} || i, 'premium', 'manual', 'bench', ${PAST}, ${PAST}
    from (${series}) as t`.execute(db)
}

/**
 * Waits for customers' first grants, read straight from the database (how a purchase's end is
 * seen). One query a millisecond asks for every buyer still waiting, so eight concurrent buyers
 * cost the machine (2 cores, shared with what is measured) one poll, not eight.
 */
export async function grantProbe(databaseUrl) {
  const db = await connect(databaseUrl)
  const waiting = new Map()
  let polling = false
  async function poll() {
    polling = true
    try {
      while (waiting.size > 0) {
        const rows = await db
          .selectFrom('entitlement_grants')
          .innerJoin('customers', 'customers.id', 'entitlement_grants.customer_id')
          .select('customers.email')
          .where('customers.email', 'in', [...waiting.keys()])
          .execute()
        const now = performance.now()
        for (const { email } of rows) {
          waiting.get(email)?.resolve(now)
          waiting.delete(email)
        }
        for (const [email, w] of waiting) {
          if (now > w.deadline) {
            w.reject(new Error(`no grant for ${email} after 30 s`))
            waiting.delete(email)
          }
        }
        if (waiting.size > 0) await new Promise((resolve) => setTimeout(resolve, 1))
      }
    } finally {
      polling = false
    }
  }
  return {
    /** Resolves with performance.now() when `email` holds a grant; rejects after 30 s. */
    grantedAt(email) {
      return new Promise((resolve, reject) => {
        waiting.set(email, { resolve, reject, deadline: performance.now() + 30_000 })
        if (!polling) void poll()
      })
    },
    close: () => db.destroy(),
  }
}

/** Inbox counts straight from the database: events stored, and those not yet handled. */
export async function inboxProbe(databaseUrl) {
  const db = await connect(databaseUrl)
  return {
    async counts() {
      const row = await db
        .selectFrom('stripe_events')
        .select((eb) => [
          eb.fn.countAll().as('stored'),
          eb.fn.sum(eb.case().when('handled_at', 'is', null).then(1).else(0).end()).as('pending'),
        ])
        .executeTakeFirstOrThrow()
      return { stored: Number(row.stored), pending: Number(row.pending ?? 0) }
    },
    close: () => db.destroy(),
  }
}
