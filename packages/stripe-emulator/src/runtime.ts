/**
 * The running emulator's engine room: builds a `Ctx` per request/page/job, turns `emit` calls into
 * stored Events and queued deliveries, and runs scheduled jobs when a clock passes their time.
 * @module
 */
import type Stripe from 'stripe'
import type { Ctx, ResolvedOptions } from './context.js'
import type { Deliverer } from './deliver.js'
import { endpointsFor } from './deliver.js'
import { StripeError } from './errors.js'
import { newId } from './ids.js'
import { allFinalizers, findAction } from './registry.js'
import type { Job, State } from './state.js'
import { findObject, insertObject } from './state.js'

export const API_VERSION = '2026-10-28.endive'

export type Runtime = {
  state: State
  options: ResolvedOptions
  deliverer: Deliverer
  baseUrl: string
  /** Called after every unit of work that may have changed state (persistence hooks in here). */
  changed: () => void
}

type TestClock = { frozen_time: number }

/** Wall clock + offset: the emulator-wide time in unix seconds. */
export function globalNow(state: State, wallSeconds = Math.floor(Date.now() / 1000)): number {
  return wallSeconds + state.clockOffset
}

export function clockNow(state: State, clockId: string | null, wallSeconds?: number): number {
  if (clockId === null) return globalNow(state, wallSeconds)
  const clock = findObject<TestClock>(state, clockId, 'test_helpers.test_clock')
  return clock ? clock.frozen_time : globalNow(state, wallSeconds)
}

export type Work<T> = (ctx: Ctx) => T | Promise<T>

/**
 * Runs one unit of work in a fresh context and then hands its events to delivery as one burst.
 * Events are only queued after the work finished, so a failed request emits nothing.
 */
export async function runWork<T>(
  rt: Runtime,
  work: Work<T>,
  meta: { requestId?: string | null; idempotencyKey?: string | null; clockId?: string | null } = {},
): Promise<T> {
  const burst: Stripe.Event[] = []
  const stored: string[] = []
  const ctx = createCtx(rt, burst, stored, meta)
  try {
    const result = await work(ctx)
    for (const finalize of allFinalizers()) finalize(ctx, [...burst])
    rt.deliverer.enqueue(burst)
    return result
  } catch (err) {
    if (err instanceof StripeError && err.body.type === 'card_error') {
      // A declined charge is a failed request whose effects stand: the failed PaymentIntent and
      // Charge exist and their events (charge.failed, payment_intent.payment_failed) go out.
      rt.deliverer.enqueue(burst)
      throw err
    }
    // Roll back the events of a failed unit: Stripe emits nothing for a request that failed.
    for (const id of stored) delete rt.state.objects[id]
    throw err
  } finally {
    rt.changed()
  }
}

function createCtx(
  rt: Runtime,
  burst: Stripe.Event[],
  stored: string[],
  meta: { requestId?: string | null; idempotencyKey?: string | null; clockId?: string | null },
): Ctx {
  const clockId = meta.clockId ?? null
  // One wall-clock reading per unit of work, as Stripe stamps a request with one time: two reads
  // could straddle a second, and a trial would end a second after `start_date + days`.
  const wallSeconds = Math.floor(Date.now() / 1000)
  const ctx: Ctx = {
    state: rt.state,
    options: rt.options,
    baseUrl: rt.baseUrl,
    request: { id: meta.requestId ?? null, idempotencyKey: meta.idempotencyKey ?? null },
    clockId,
    now: (id) => clockNow(rt.state, id === undefined ? clockId : id, wallSeconds),
    emit(type, object, previousAttributes) {
      const event = buildEvent(ctx, rt.state, type, object, previousAttributes)
      insertObject(rt.state, event)
      stored.push(event.id)
      burst.push(event)
      return event
    },
    schedule(at, jobClockId, action, data = {}) {
      const job: Job = { id: newId('job'), at, clockId: jobClockId, action, data, seq: ++rt.state.seq }
      rt.state.jobs.push(job)
      return job.id
    },
    unschedule(match) {
      rt.state.jobs = rt.state.jobs.filter((job) => !match(job))
    },
    advanceTestClock(testClockId, target) {
      return runJobsUntil(rt, testClockId, target, (t) => {
        const clock = findObject<TestClock>(rt.state, testClockId, 'test_helpers.test_clock')
        if (clock) clock.frozen_time = t
      })
    },
    runSeparately(work) {
      return runWork(rt, work, { clockId })
    },
  }
  return ctx
}

function buildEvent(
  ctx: Ctx,
  state: State,
  type: string,
  object: object,
  previousAttributes?: Record<string, unknown>,
): Stripe.Event {
  const snapshot = JSON.parse(JSON.stringify(object)) as Record<string, unknown>
  const event = {
    id: newId('evt'),
    object: 'event' as const,
    api_version: API_VERSION,
    created: ctx.now(),
    data: {
      object: snapshot,
      ...(previousAttributes ? { previous_attributes: JSON.parse(JSON.stringify(previousAttributes)) } : {}),
    },
    livemode: false,
    pending_webhooks: endpointsFor(state, type).length,
    request: { id: ctx.request.id, idempotency_key: ctx.request.idempotencyKey },
    type,
  }
  return event as unknown as Stripe.Event
}

/**
 * Runs every job on `clockId`'s clock due at or before `target`, earliest first, each in its own
 * context with the clock set to the job's time (`setTime`), then leaves the clock at `target`.
 * Jobs scheduled by jobs are picked up in the same pass when due.
 */
export async function runJobsUntil(
  rt: Runtime,
  clockId: string | null,
  target: number,
  setTime: (t: number) => void,
): Promise<number> {
  let ran = 0
  for (;;) {
    const due = rt.state.jobs
      .filter((j) => j.clockId === clockId && j.at <= target)
      .sort((a, b) => a.at - b.at || a.seq - b.seq)[0]
    if (!due) break
    rt.state.jobs = rt.state.jobs.filter((j) => j.id !== due.id)
    if (due.at > clockNow(rt.state, clockId)) setTime(due.at)
    const action = findAction(due.action)
    if (!action) {
      rt.options.log(`no action registered for job ${due.action}; dropped`)
      continue
    }
    await runWork(rt, (ctx) => action(ctx, due.data), { clockId })
    ran++
  }
  if (target > clockNow(rt.state, clockId)) setTime(target)
  rt.changed()
  return ran
}

/** Moves the emulator-wide clock forward by `seconds`, running due jobs in order. */
export async function advanceGlobalClock(rt: Runtime, seconds: number): Promise<number> {
  const target = globalNow(rt.state) + Math.max(0, Math.floor(seconds))
  return runJobsUntil(rt, null, target, (t) => {
    rt.state.clockOffset = t - Math.floor(Date.now() / 1000)
  })
}
