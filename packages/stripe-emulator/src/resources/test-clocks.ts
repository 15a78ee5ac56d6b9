/**
 * Test clocks: create, retrieve, list, delete and advance. Advancing runs every job due on the
 * clock (renewals, trial ends, dunning retries…) in time order, each with the clock set to the
 * job's time. The advance completes within the request; the clock is `ready` when it returns
 * (Stripe answers `advancing` and finishes asynchronously, so clients that poll work the same).
 * Deleting a clock deletes its customers (ending their subscriptions).
 * @module
 */
import type Stripe from 'stripe'
import type { Ctx } from '../context.js'
import { invalidParam, invalidRequest } from '../errors.js'
import { newId } from '../ids.js'
import { LIST_PARAMS, paginate } from '../list.js'
import { allowOnly, optString, type Params, reqInt } from '../params.js'
import { route } from '../registry.js'
import { deleteObject, getObject, insertObject, listObjects } from '../state.js'
import { deleteCustomer } from './customers.js'

const KIND = 'test_helpers.test_clock'

function clockOf(ctx: Ctx, id: string): Stripe.TestHelpers.TestClock {
  return getObject<Stripe.TestHelpers.TestClock>(ctx.state, KIND, id, 'id', 'test_clock')
}

function createClock(ctx: Ctx, params: Params): Stripe.TestHelpers.TestClock {
  allowOnly(params, ['frozen_time', 'name'])
  const frozen = reqInt(params, 'frozen_time')
  const now = ctx.now(null)
  const clock: Stripe.TestHelpers.TestClock = {
    id: newId('clock', 24),
    object: KIND,
    created: now,
    deletes_after: now + 30 * 86_400,
    frozen_time: frozen,
    livemode: false,
    name: optString(params, 'name') ?? null,
    status: 'ready',
    status_details: {},
  }
  insertObject(ctx.state, clock)
  ctx.emit('test_helpers.test_clock.created', clock)
  return clock
}

async function advanceClock(ctx: Ctx, id: string, params: Params): Promise<Stripe.TestHelpers.TestClock> {
  allowOnly(params, ['frozen_time'])
  const clock = clockOf(ctx, id)
  const target = reqInt(params, 'frozen_time')
  if (target <= clock.frozen_time) {
    throw invalidParam('frozen_time', "The frozen_time must be after the test clock's current frozen_time.")
  }
  if (clock.status === 'advancing') throw invalidRequest('The test clock is already advancing.')
  clock.status = 'advancing'
  clock.status_details = { advancing: { target_frozen_time: target } }
  await ctx.runSeparately((c) => {
    c.emit('test_helpers.test_clock.advancing', clock)
  })
  try {
    await ctx.advanceTestClock(clock.id, target)
  } finally {
    clock.status = 'ready'
    clock.status_details = {}
  }
  ctx.emit('test_helpers.test_clock.ready', clock)
  return clock
}

route('post', '/v1/test_helpers/test_clocks', (ctx, params) => createClock(ctx, params))
route('get', '/v1/test_helpers/test_clocks/:id', (ctx, _p, path) => clockOf(ctx, path.id!))
route('post', '/v1/test_helpers/test_clocks/:id/advance', (ctx, params, path) =>
  advanceClock(ctx, path.id!, params),
)
route('delete', '/v1/test_helpers/test_clocks/:id', (ctx, _p, path) => {
  const clock = clockOf(ctx, path.id!)
  // As on Stripe, its objects go with it: its customers are deleted, which ends their subscriptions.
  const customers = listObjects<Stripe.Customer>(ctx.state, 'customer', (c) => c.test_clock === clock.id)
  for (const customer of customers.reverse()) deleteCustomer(ctx, customer)
  ctx.state.jobs = ctx.state.jobs.filter((j) => j.clockId !== clock.id)
  deleteObject(ctx.state, clock.id)
  ctx.emit('test_helpers.test_clock.deleted', clock)
  return { id: clock.id, object: KIND, deleted: true }
})
route('get', '/v1/test_helpers/test_clocks', (ctx, params) => {
  allowOnly(params, [...LIST_PARAMS])
  return paginate(listObjects(ctx.state, KIND), params, '/v1/test_helpers/test_clocks')
})
