/**
 * createTestApp: the whole Tollgate stack for one test file, through the front door.
 *
 * Starts an emulator on a random port, a migrated database (SQLite in memory, a fresh PostgreSQL
 * schema or a fresh MySQL database), an HTTP server for the app on a random port, registers the webhook endpoint there (so
 * the emulator POSTs real signed webhooks), syncs the catalog and starts the workers.
 *
 * @example
 * const t = await createTestApp({ dialect })
 * const res = await t.request('/dev/mail')
 * await t.emulator.clock.advance(86_400); await t.drain()
 * await t.close()
 */
import type { AddressInfo, Server } from 'node:net'
import { Writable } from 'node:stream'
import { serve } from '@hono/node-server'
import type { Hono } from 'hono'
import type { Logger } from 'pino'
import pino from 'pino'
import Stripe from 'stripe'
import { createApp } from '../src/app.js'
import { type Config, EMULATOR_SECRET_KEY, loadConfig } from '../src/config.js'
import { migrateToLatest } from '../src/db/migrate.js'
import { createDeps, type Deps } from '../src/deps.js'
import type { AppEnv } from '../src/http/env.js'
import { offsetClock } from '../src/lib/clock.js'
import { devMailer } from '../src/lib/mailer.js'
import { ensureDemoFiles } from '../src/modules/catalog/demo.js'
import { syncCatalog } from '../src/modules/catalog/sync.js'
import { type DevMail, listDevMail } from '../src/modules/mail/outbox.js'
import { type Emulator, startEmulator } from '../src/test-mode/emulator.js'
import { drainWorkers, type RunningWorkers, startWorkers, WORKERS, type Worker } from '../src/workers.js'
import { createTestDatabase, type DialectName } from './dialects.js'

export type { Emulator }

export type TestAppOptions = {
  dialect?: DialectName
  /** Overrides on top of the test config (e.g. `catalogPath`, `adminEmails`). */
  config?: Partial<Config>
  /** Emulator options (e.g. `startTime`); port is always random. */
  emulator?: { startTime?: number; webhookRetrySchedule?: number[]; webhookConcurrency?: number }
  /** Background workers (mail, inbox) are started unless `workers: 'manual'`; then call drain(). */
  workers?: 'background' | 'manual'
  /** Another rate-limit store (e.g. one that never refuses, for suites that probe routes by the hundred). */
  rateLimits?: Deps['rateLimits']
}

export type TestApp = {
  app: Hono<AppEnv>
  deps: Deps
  emulator: Emulator
  stripe: Stripe
  /** The app's base URL (a real HTTP server; webhooks arrive here). */
  url: string
  dialect: DialectName
  /** `app.request` with the app's real origin, so form posts can send `Origin: t.url`. */
  request(path: string, init?: RequestInit): Promise<Response>
  /** Runs every worker until none has work left (webhook inbox, mail). */
  drain(): Promise<void>
  /** The dev mailbox (newest first), optionally for one address. */
  mail(to?: string): Promise<DevMail[]>
  /** A cookie-keeping client, like one browser: sends `Origin: url` on every request. */
  agent(): Agent
  close(): Promise<void>
}

/** A valid Config for tests, without touching process.env or ./data. */
export function testConfig(overrides: Partial<Config> = {}): Config {
  const base = loadConfig({ SESSION_SECRET: 'test-session-secret-0123456789abcdef', LOG_LEVEL: 'silent' })
  return Object.freeze({ ...base, ...overrides })
}

export async function createTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const dialect = options.dialect ?? 'sqlite'
  const { emulator, url: emulatorUrl } = await startEmulator({
    port: 0,
    webhookRetrySchedule: options.emulator?.webhookRetrySchedule ?? [0.05, 0.1, 0.2],
    ...(options.emulator?.startTime !== undefined ? { startTime: options.emulator.startTime } : {}),
    ...(options.emulator?.webhookConcurrency !== undefined
      ? { webhookConcurrency: options.emulator.webhookConcurrency }
      : {}),
  })
  const stripe = new Stripe(EMULATOR_SECRET_KEY, stripeOptions(emulatorUrl))
  const database = await createTestDatabase(dialect)
  let app: Hono<AppEnv> | undefined
  const server = serve({
    fetch: (req) => (app ? app.fetch(req) : new Response('starting', { status: 503 })),
    port: 0,
    hostname: '127.0.0.1',
  })
  const url = await listeningUrl(server as unknown as Server)
  const endpoint = await stripe.webhookEndpoints.create({
    url: `${url}/webhooks/stripe`,
    enabled_events: ['*'],
  })
  const config = testConfig({
    publicUrl: url,
    stripeApiUrl: emulatorUrl,
    stripeWebhookSecret: endpoint.secret,
    ...options.config,
  })
  const deps = createDeps(config, {
    db: database.db,
    stripe,
    mail: devMailer,
    log: silentLogger(),
    clock: offsetClock(() => emulator.clock.now()),
    ...(options.rateLimits ? { rateLimits: options.rateLimits } : {}),
  })
  await migrateToLatest(database.db)
  await ensureDemoFiles(deps.catalog)
  await syncCatalog(deps)
  app = createApp(deps)
  const workers: RunningWorkers | undefined =
    options.workers === 'manual' ? undefined : startWorkers(deps, fastWorkers())
  return {
    app,
    deps,
    emulator,
    stripe,
    url,
    dialect,
    request: async (path, init) => (app as Hono<AppEnv>).request(new URL(path, url).href, init),
    drain: async () => {
      await drainWorkers(deps)
    },
    mail: (to) => listDevMail(deps.db, to),
    agent: () =>
      createAgent(async (path, init) => (app as Hono<AppEnv>).request(new URL(path, url).href, init), url),
    close: async () => {
      await workers?.stop()
      await new Promise<void>((resolve) => server.close(() => resolve()))
      await emulator.stop()
      await database.close()
    },
  }
}

export type TestDeps = { deps: Deps; close(): Promise<void> }

/**
 * Deps on a migrated test database without an emulator or HTTP server, for repo- and
 * service-level tests that never reach Stripe (`deps.stripe` points at an unused port).
 */
export async function createTestDeps(dialect: DialectName, overrides: Partial<Deps> = {}): Promise<TestDeps> {
  const database = await createTestDatabase(dialect)
  await migrateToLatest(database.db)
  const config = testConfig({ stripeApiUrl: 'http://127.0.0.1:9' })
  const deps = createDeps(config, { db: database.db, mail: devMailer, log: silentLogger(), ...overrides })
  return { deps, close: () => database.close() }
}

export type Agent = {
  request(path: string, init?: RequestInit): Promise<Response>
  /** POST an HTML form (urlencoded), as a browser would. */
  postForm(path: string, fields: Record<string, string>): Promise<Response>
  cookies: Map<string, string>
}

/** Keeps cookies between requests (no redirects followed, so tests can assert on 303s). */
export function createAgent(
  send: (path: string, init?: RequestInit) => Promise<Response>,
  origin: string,
): Agent {
  const cookies = new Map<string, string>()
  async function request(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers)
    if (!headers.has('origin')) headers.set('origin', origin)
    if (!headers.has('accept')) headers.set('accept', 'text/html')
    if (cookies.size > 0) headers.set('cookie', [...cookies].map(([k, v]) => `${k}=${v}`).join('; '))
    const res = await send(path, { ...init, headers, redirect: 'manual' })
    for (const line of res.headers.getSetCookie()) {
      const [pair = '', ...attributes] = line.split(';')
      const eq = pair.indexOf('=')
      const name = pair.slice(0, eq).trim()
      const expired = attributes.some((a) => /^\s*max-age=0\s*$/i.test(a)) || pair.slice(eq + 1) === ''
      if (expired) cookies.delete(name)
      else cookies.set(name, pair.slice(eq + 1))
    }
    return res
  }
  return {
    request,
    postForm: (path, fields) =>
      request(path, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(fields).toString(),
      }),
    cookies,
  }
}

/** Tests poll the busy queues faster than production; slow housekeeping keeps its pace. */
function fastWorkers(): Worker[] {
  return WORKERS.map((w) => (w.intervalMs <= 1000 ? { ...w, intervalMs: Math.min(w.intervalMs, 50) } : w))
}

export function stripeOptions(emulatorUrl: string): Stripe.StripeConfig {
  const u = new URL(emulatorUrl)
  return { host: u.hostname, port: Number(u.port), protocol: 'http', maxNetworkRetries: 0 }
}

function listeningUrl(server: Server): Promise<string> {
  return new Promise((resolve) => {
    const done = (): void => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)
    if (server.listening) done()
    else server.once('listening', done)
  })
}

/** A logger at `level` that keeps what it writes, for tests of what is (or is not) logged. */
export function capturingLogger(level: 'info' | 'debug'): { log: Logger; written: () => string } {
  const lines: string[] = []
  const sink = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk))
      done()
    },
  })
  return { log: pino({ level }, sink), written: () => lines.join('') }
}

function silentLogger(): Logger {
  return pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' })
}
