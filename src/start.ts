/**
 * Starts Tollgate: config → (test mode: in-process emulator) → deps → migrate → (test mode:
 * webhook endpoint, demo PDFs) → catalog sync → HTTP server + workers. `stop()` shuts down in
 * reverse order. Used by main.ts, `npx tollgate start` and the start-up test.
 * @module
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import type { AddressInfo, Server as NetServer } from 'node:net'
import { join } from 'node:path'
import { type ServerType, serve } from '@hono/node-server'
import { createApp } from './app.js'
import type { Config } from './config.js'
import { migrateToLatest } from './db/migrate.js'
import { describeDatabase, waitForDatabase } from './db/wait.js'
import { createDeps, createLogger, type Deps } from './deps.js'
import { HANDLED_EVENT_TYPES } from './event-handlers.js'
import { type Drainable, trackConnections } from './http/drain.js'
import { offsetClock } from './lib/clock.js'
import { ensureDemoFiles, ensureWebhookEndpoint, formatPlan, syncCatalog } from './modules/catalog/index.js'
import { ensureSigningKey } from './modules/signing/index.js'
import { explainStartupError } from './start-errors.js'
import { type Emulator, type EmulatorOptions, startEmulator } from './test-mode/emulator.js'
import { type RunningWorkers, startWorkers } from './workers.js'

export type RunningTollgate = {
  url: string
  /** Where the server listens (HOST and PORT, as bound). */
  address: AddressInfo
  deps: Deps
  emulatorUrl?: string
  stop(): Promise<void>
}

export const EMULATOR_PORT = 12111

/**
 * How long a stop waits for open requests before cutting their connections: inside the 30 s an
 * orchestrator (Kubernetes, systemd, Docker) gives between SIGTERM and SIGKILL, so the workers and
 * the database still close cleanly even when a client never finishes its request.
 */
export const SHUTDOWN_GRACE_MS = 20_000

export async function startTollgate(
  initial: Config,
  options: { emulatorPort?: number; shutdownGraceMs?: number } = {},
): Promise<RunningTollgate> {
  try {
    return await start(initial, options)
  } catch (err) {
    throw explainStartupError(err, initial, options.emulatorPort ?? initial.emulatorPort)
  }
}

async function start(
  initial: Config,
  options: { emulatorPort?: number; shutdownGraceMs?: number },
): Promise<RunningTollgate> {
  const log = createLogger(initial)
  mkdirSync(initial.dataDir, { recursive: true })
  // Test mode with STRIPE_API_URL uses that emulator (run by someone else) and starts none.
  const embedded = initial.testMode && initial.stripeApiUrl === undefined
  const emulatorPort = options.emulatorPort ?? initial.emulatorPort
  const emulator = embedded ? await startEmbeddedEmulator(initial, emulatorPort) : undefined
  const config: Config = emulator ? Object.freeze({ ...initial, stripeApiUrl: emulator.url }) : initial
  const base = createDeps(config, {
    log,
    ...(emulator ? { clock: offsetClock(() => emulator.emulator.clock.now()) } : {}),
  })
  let deps: Deps
  let listening: Listening
  try {
    deps = await prepare(base, config.testMode)
  } catch (err) {
    // Leave nothing half-started behind (the emulator holds a port and the state file).
    await emulator?.stop()
    await base.db.destroy()
    throw err
  }
  const workers = startWorkers(deps)
  try {
    listening = await listen(deps, workers)
    // Only now: the sync's webhooks (products, prices) find the app listening. Synced before, they
    // failed and their retries kept `tollgate emulator advance` waiting for minutes.
    // Test mode syncs into its emulator, embedded or named by STRIPE_API_URL.
    if (config.testMode) deps.log.info(formatPlan(await syncCatalog(deps)))
  } catch (err) {
    await workers.stop()
    await emulator?.stop()
    await deps.db.destroy()
    throw err
  }
  const address = listening.server.address() as AddressInfo
  const port = address.port
  log.info(
    {
      url: config.publicUrl,
      host: address.address,
      port,
      testMode: config.testMode,
      emulator: config.stripeApiUrl,
    },
    'Tollgate is listening',
  )
  return {
    url: `http://${localAddress(address)}:${port}`,
    address,
    deps,
    emulatorUrl: emulator?.url,
    async stop() {
      await closeServer(listening, options.shutdownGraceMs ?? SHUTDOWN_GRACE_MS, deps)
      await workers.stop()
      await emulator?.stop()
      await deps.rateLimits.close()
      await deps.db.destroy()
    },
  }
}

/** Migrations; in test mode also the webhook endpoint (its secret joins the config) and demo PDFs. */
async function prepare(deps: Deps, testMode: boolean): Promise<Deps> {
  await waitForDatabase(deps.db, describeDatabase(deps.config.databaseUrl), { log: deps.log })
  const migrated = await migrateToLatest(deps.db)
  if (migrated.length > 0) deps.log.info({ migrations: migrated }, 'database migrated')
  await ensureSigningKey(deps) // so /.well-known/jwks.json is never empty
  if (!testMode) return deps
  const { config } = deps
  const secret = await ensureWebhookEndpoint(deps.stripe, {
    url: `${config.publicUrl}/webhooks/stripe`,
    dataDir: config.dataDir,
    events: HANDLED_EVENT_TYPES,
  })
  const ready = { ...deps, config: Object.freeze({ ...config, stripeWebhookSecret: secret }) }
  const written = await ensureDemoFiles(ready.catalog)
  if (written.length > 0) deps.log.info({ files: written }, 'demo files generated')
  return ready
}

type Listening = { server: ServerType; drain: Drainable }

function listen(deps: Deps, workers: RunningWorkers): Promise<Listening> {
  return new Promise((resolve, reject) => {
    const app = createApp(deps, { heartbeat: workers.heartbeat })
    const server = serve({ fetch: app.fetch, port: deps.config.port, hostname: deps.config.host })
    const drain = trackConnections(server as NetServer, () => performance.now())
    server.once('error', reject)
    server.once('listening', () => resolve({ server, drain }))
  })
}

/**
 * Stops accepting and lets every request the server took finish (http/drain.ts); any connection
 * still open after `graceMs` (a client that never finishes) is cut.
 */
function closeServer({ drain }: Listening, graceMs: number, deps: Deps): Promise<void> {
  return drain.close({
    graceMs,
    onForce: () =>
      deps.log.warn({ graceMs }, 'requests still open after the shutdown grace period; closing them'),
  })
}

/** How this machine reaches the server: the bound address, or loopback for a wildcard one. */
function localAddress(address: AddressInfo): string {
  if (address.address === '0.0.0.0' || address.address === '::') return '127.0.0.1'
  return address.family === 'IPv6' ? `[${address.address}]` : address.address
}

/**
 * The emulator on the first port from EMULATOR_PORT that it can listen on. Found by listening, not
 * by probing first: two stores starting at once (or the test suite's servers) could both find a
 * port free and then race for it, and the loser stopped with EADDRINUSE.
 */
async function startOnFirstFreePort(options: EmulatorOptions): Promise<{ emulator: Emulator; url: string }> {
  const tries = 50
  for (let port = EMULATOR_PORT; port < EMULATOR_PORT + tries; port++) {
    try {
      return await startEmulator({ ...options, port })
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err
    }
  }
  throw new Error(`No free port for the emulator in ${EMULATOR_PORT}–${EMULATOR_PORT + tries - 1}`)
}

/** The emulator in this process, its state kept in `<dataDir>/emulator.json` between runs. */
async function startEmbeddedEmulator(
  config: Config,
  port?: number,
): Promise<{ emulator: Emulator; url: string; stop(): Promise<void> }> {
  const options: EmulatorOptions = {
    statePath: join(config.dataDir, 'emulator.json'),
    // Tollgate listening beyond the loopback (HOST=0.0.0.0, as in a container): buyers' browsers
    // must reach the hosted Checkout too, at the public URL's host name.
    ...(isLoopback(config.host) ? {} : { host: config.host, publicHost: new URL(config.publicUrl).hostname }),
  }
  const { emulator, url } =
    port === undefined ? await startOnFirstFreePort(options) : await startEmulator({ ...options, port })
  // The CLI finds the running emulator here instead of starting a second one on the same state.
  const urlFile = join(config.dataDir, 'emulator.url')
  writeFileSync(urlFile, `${url}\n`)
  return {
    emulator,
    url,
    async stop() {
      rmSync(urlFile, { force: true })
      await emulator.stop()
    },
  }
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host.startsWith('127.')
}
