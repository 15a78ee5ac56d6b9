/**
 * What every resource handler, page and scheduled action receives: the state, the time on the
 * current clock, and ways to emit events and schedule work. A context lives for one API request,
 * one page request or one scheduled job; the events it emitted form one "burst" that is handed to
 * delivery when it ends (so the shuffle fault reorders within a burst, as Stripe's do).
 * @module
 */
import type Stripe from 'stripe'
import type { Params } from './params.js'
import type { State } from './state.js'

export type DunningOptions = {
  /** Days after the first failure at which the invoice is retried. */
  retryDays: number[]
  /** What happens when every retry failed. */
  finalAction: 'cancel' | 'unpaid'
}

export type EmulatorOptions = {
  /** 0 = a free port (default); the standalone server defaults to 12111. */
  port?: number
  /** The address to listen on (default 127.0.0.1). */
  host?: string
  /**
   * The host name buyers' browsers reach the emulator by, when it is not the one it listens on: in
   * a container it listens on 0.0.0.0 and is published as localhost. Hosted pages' URLs (Checkout,
   * Portal, invoices) use it with the port. Default: the listening address.
   */
  publicHost?: string
  /** Persist state to this JSON file (loaded at start, saved after changes and on stop). */
  statePath?: string
  /** Unix seconds the emulator-wide clock starts at (default: now). */
  startTime?: number
  /** Emulator-clock seconds between webhook delivery attempts; its length is the number of retries. */
  webhookRetrySchedule?: number[]
  /** Per-attempt timeout for webhook POSTs, in milliseconds. */
  webhookTimeoutMs?: number
  /**
   * Webhook deliveries in flight at once per endpoint. 1 (the default) delivers one after another
   * in the order the events were made; more is closer to Stripe, which delivers in parallel and
   * in no guaranteed order.
   */
  webhookConcurrency?: number
  dunning?: Partial<DunningOptions>
  /** Days before a renewal that `invoice.upcoming` is sent (Stripe's "upcoming renewal events" setting; default 7). */
  upcomingInvoiceDays?: number
  /** Emulator-clock seconds a SEPA Direct Debit stays `processing` before the bank answers (default 10). */
  asyncPaymentSeconds?: number
  /** Called with one line per notable thing (deliveries, jobs); silent by default. */
  log?: (line: string) => void
}

export type ResolvedOptions = Required<
  Omit<EmulatorOptions, 'statePath' | 'startTime' | 'dunning' | 'log' | 'publicHost'>
> & {
  publicHost?: string
  statePath?: string
  startTime?: number
  dunning: DunningOptions
  log: (line: string) => void
}

/** The literal members of a Stripe SDK enum (without its open `string & {}` member). */
type Literal<T> = T extends string ? (string extends T ? never : T) : never

/**
 * The event types the emulator may emit: the ones the pinned SDK lets a webhook endpoint
 * subscribe to, so an event type Stripe does not send fails the typecheck.
 */
export type EventType = Exclude<Literal<Stripe.WebhookEndpointCreateParams.EnabledEvent>, '*'>

export type Ctx = {
  state: State
  options: ResolvedOptions
  /** `http://127.0.0.1:PORT` (or the public host's), for hosted page URLs. */
  baseUrl: string
  /** The API request this context serves, or null for time-driven work and pages. */
  request: { id: string | null; idempotencyKey: string | null }
  /** Unix seconds on `clockId`'s clock (a test clock id), or on the current clock when omitted. */
  now(clockId?: string | null): number
  /** The clock this context runs on: a test clock id while one advances, else null. */
  clockId: string | null
  /** Creates an Event (snapshotting `object`), stores it and queues its delivery. */
  emit(type: EventType, object: object, previousAttributes?: Record<string, unknown>): Stripe.Event
  /** Runs `action` (registered with `registerAction`) when `clockId`'s clock reaches `at`. */
  schedule(at: number, clockId: string | null, action: string, data?: Record<string, unknown>): string
  /** Removes scheduled jobs whose data matches (e.g. every job for one subscription). */
  unschedule(match: (job: { action: string; data: Record<string, unknown> }) => boolean): void
  /**
   * Moves a test clock's `frozen_time` to `target`, running its due jobs in time order, each as its
   * own unit of work (its events are delivered as their own burst).
   */
  advanceTestClock(clockId: string, target: number): Promise<number>
  /** Runs `work` now as a separate unit whose events are delivered before this one's. */
  runSeparately(work: (ctx: Ctx) => void | Promise<void>): Promise<void>
}

export type Handler = (ctx: Ctx, params: Params, path: Record<string, string>) => unknown | Promise<unknown>

export type RouteDef = { method: 'get' | 'post' | 'delete'; path: string; handler: Handler }

/** A field that appears only when expanded (`line_items` on a Checkout Session). */
export type Includable = (ctx: Ctx, object: Record<string, unknown>, params: Params) => unknown

export type Action = (ctx: Ctx, data: Record<string, unknown>) => void | Promise<void>
