/**
 * Tollgate's local Stripe: a sealed, stateful emulator that the official `stripe` SDK and the
 * Stripe CLI drive over HTTP. It imports nothing from the app.
 *
 * @example
 * const emulator = createEmulator({ port: 0 })
 * const { url } = await emulator.start()
 * const stripe = new Stripe('sk_test_tollgate_local', { host: '127.0.0.1', port: Number(new URL(url).port), protocol: 'http' })
 * @module
 */
import type { AddressInfo } from 'node:net'
import { type ServerType, serve } from '@hono/node-server'
import { createEmulatorApp } from './app.js'
import type { EmulatorOptions, ResolvedOptions } from './context.js'
import type { Control } from './control.js'
import { createDeliverer, type Deliverer, type DeliveryRecord, type Faults, NO_FAULTS } from './deliver.js'
import { createSaver, loadState } from './persist.js'
import { advanceGlobalClock, globalNow, type Runtime, runJobsUntil } from './runtime.js'
import { emptyState, type State } from './state.js'

export type { EmulatorOptions } from './context.js'
export type { DeliveryRecord, Faults } from './deliver.js'

export type Emulator = {
  start(): Promise<{ url: string }>
  stop(): Promise<void>
  readonly url: string
  reset(): void
  clock: { now(): number; advance(seconds: number): Promise<void> }
  faults: { set(faults: Partial<Faults>): void; clear(): void; readonly current: Faults }
  deliveries(): DeliveryRecord[]
  idle(): Promise<void>
}

/**
 * Test mode's schedule: Stripe retries a failed test-mode delivery 3 times over a few hours (live
 * mode keeps going for 3 days), here in emulator time, so an advance reaches them. Tests pass a
 * compressed schedule.
 */
const DEFAULT_RETRY_SCHEDULE = [300, 1800, 7200]

function resolve(options: EmulatorOptions): ResolvedOptions {
  return {
    port: options.port ?? 0,
    host: options.host ?? '127.0.0.1',
    ...(options.publicHost !== undefined ? { publicHost: options.publicHost } : {}),
    webhookRetrySchedule: options.webhookRetrySchedule ?? DEFAULT_RETRY_SCHEDULE,
    webhookTimeoutMs: options.webhookTimeoutMs ?? 10_000,
    webhookConcurrency: options.webhookConcurrency ?? 1,
    dunning: { retryDays: [3, 5, 7], finalAction: 'cancel', ...options.dunning },
    asyncPaymentSeconds: options.asyncPaymentSeconds ?? 10,
    upcomingInvoiceDays: options.upcomingInvoiceDays ?? 7,
    log: options.log ?? (() => {}),
    ...(options.statePath !== undefined ? { statePath: options.statePath } : {}),
    ...(options.startTime !== undefined ? { startTime: options.startTime } : {}),
  }
}

export function createEmulator(options: EmulatorOptions = {}): Emulator {
  const opts = resolve(options)
  const initialOffset = opts.startTime !== undefined ? opts.startTime - Math.floor(Date.now() / 1000) : 0
  let state: State = emptyState(initialOffset)
  const saver = createSaver(opts.statePath, () => state)
  let deliverer: Deliverer = newDeliverer()
  let server: ServerType | undefined
  let ticker: NodeJS.Timeout | undefined
  let url = ''
  let pagesUrl = ''
  const rt: Runtime = {
    get state() {
      return state
    },
    options: opts,
    get deliverer() {
      return deliverer
    },
    get baseUrl() {
      return pagesUrl
    },
    changed: () => saver.schedule(),
  } as Runtime

  function newDeliverer(): Deliverer {
    return createDeliverer({
      state: () => state,
      now: () => Date.now() / 1000 + state.clockOffset,
      retrySchedule: opts.webhookRetrySchedule,
      timeoutMs: opts.webhookTimeoutMs,
      concurrency: opts.webhookConcurrency,
      log: opts.log,
      changed: () => saver.schedule(),
    })
  }

  // Scheduled work on the emulator-wide clock runs serially, whether the wall clock or an
  // explicit advance reached it.
  let chain: Promise<unknown> = Promise.resolve()
  function serial<T>(fn: () => Promise<T>): Promise<T> {
    const next = chain.then(fn, fn)
    chain = next.catch(() => undefined)
    return next
  }

  const control: Control = {
    now: () => globalNow(state),
    advance: (seconds) =>
      // One advance is one burst (the shuffle fault may reorder events across its jobs); it
      // answers once its events and the retries it reached were attempted, not when retries due
      // later are.
      serial(() => deliverer.advance(() => advanceGlobalClock(rt, seconds))),
    reset: () => {
      deliverer.stop()
      deliverer = newDeliverer()
      state = emptyState(initialOffset)
      saver.schedule()
    },
    setFaults: (f) => Object.assign(deliverer.faults, f),
    deliveries: () => [...deliverer.records],
  }

  return {
    get url() {
      return url
    },
    async start() {
      state = loadState(opts.statePath, initialOffset)
      const app = createEmulatorApp(rt, control)
      // A port already taken rejects (EADDRINUSE) instead of crashing the process as an unheard
      // 'error' event, so a caller can say so or try another port.
      server = await new Promise<ServerType>((resolveServer, reject) => {
        const s = serve({ fetch: app.fetch, port: opts.port, hostname: opts.host }, () => {
          s.off('error', reject)
          resolveServer(s)
        })
        s.once('error', reject)
      })
      const port = (server.address() as AddressInfo).port
      // Listening on every interface, this process and its clients reach it on the loopback.
      const everywhere = opts.host === '0.0.0.0' || opts.host === '::'
      url = `http://${everywhere ? '127.0.0.1' : urlHost(opts.host)}:${port}`
      pagesUrl = opts.publicHost ? `http://${urlHost(opts.publicHost)}:${port}` : url
      ticker = setInterval(() => {
        void serial(() => runJobsUntil(rt, null, globalNow(state), () => {}))
      }, 1000)
      ticker.unref()
      return { url }
    },
    async stop() {
      if (ticker) clearInterval(ticker)
      deliverer.stop()
      await chain
      saver.flush()
      if (server) {
        const s = server
        server = undefined
        await new Promise<void>((done) => {
          s.close(() => done())
          // Keep-alive sockets from SDK clients would hold close() open.
          ;(s as unknown as { closeAllConnections?: () => void }).closeAllConnections?.()
        })
      }
    },
    reset: control.reset,
    clock: {
      now: control.now,
      advance: async (seconds) => {
        await control.advance(seconds)
      },
    },
    faults: {
      set: (f) => {
        control.setFaults(f)
      },
      clear: () => {
        Object.assign(deliverer.faults, NO_FAULTS)
      },
      get current() {
        return { ...deliverer.faults }
      },
    },
    deliveries: control.deliveries,
    idle: () => deliverer.idle(),
  }
}

/** A host as it goes in a URL: an IPv6 address in brackets. */
function urlHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host
}
