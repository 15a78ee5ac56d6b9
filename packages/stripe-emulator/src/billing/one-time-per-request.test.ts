/**
 * A request is stamped with one time, however long it runs: the emulator reads the wall clock once
 * per unit of work, so a trial ends exactly `trial_period_days` after `start_date` even when a
 * second ticks over mid-request (it once ended a second late when two reads straddled one).
 */
import { afterEach, describe, expect, it, vi } from 'vitest'
import { useEmulatorSuite } from '../test-suite.js'
import { customerWithCard, DAY, monthlyPrice } from './test-helpers.js'

const suite = useEmulatorSuite()

afterEach(() => {
  vi.restoreAllMocks()
})

/** Every read of the wall clock from here on is a second later than the one before. */
function secondTicksOnEveryRead(): void {
  const real = Date.now.bind(Date)
  let reads = 0
  vi.spyOn(Date, 'now').mockImplementation(() => real() + 1000 * reads++)
}

describe('one time per request', () => {
  it('a trial created while the second ticks over ends exactly its days after start_date', async () => {
    const price = await monthlyPrice(suite.stripe, 1000)
    const { customer } = await customerWithCard(suite.stripe)
    secondTicksOnEveryRead()
    const sub = await suite.stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: price.id }],
      trial_period_days: 7,
    })
    vi.restoreAllMocks()
    expect(sub.status).toBe('trialing')
    expect(sub.trial_start).toBe(sub.start_date)
    expect(sub.created).toBe(sub.start_date)
    expect(sub.trial_end).toBe(sub.start_date + 7 * DAY)
    expect(sub.items.data[0]?.current_period_end).toBe(sub.trial_end)
  })
})
