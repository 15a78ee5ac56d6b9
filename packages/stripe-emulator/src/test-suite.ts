/**
 * The set-up most emulator test files share: one emulator and one signed-delivery receiver for the
 * file, stopped after it; before each test every delivery has landed, the leftovers were checked
 * against Stripe's shapes and the receiver's list is empty. Used only by tests.
 *
 * @example
 * const suite = useEmulatorSuite({ dunning: { retryDays: [1, 2] } })
 * it('…', async () => { await suite.stripe.customers.create({}); suite.receiver.types() })
 * @module
 */
import type Stripe from 'stripe'
import { afterAll, beforeAll, beforeEach } from 'vitest'
import type { Emulator, EmulatorOptions } from './index.js'
import { assertStripeShape } from './shapes.js'
import { type Receiver, startReceiver, startTestEmulator, type TestEmulator } from './testing.js'

export type EmulatorSuite = {
  readonly t: TestEmulator
  readonly emulator: Emulator
  readonly stripe: Stripe
  readonly receiver: Receiver
}

export type SuiteOptions = EmulatorOptions & {
  /** Event types the receiver subscribes to (default: all). */
  events?: string[]
}

export function useEmulatorSuite(options: SuiteOptions = {}): EmulatorSuite {
  const { events, ...emulatorOptions } = options
  let t: TestEmulator | undefined
  let receiver: Receiver | undefined

  beforeAll(async () => {
    t = await startTestEmulator(emulatorOptions)
    receiver = await startReceiver(t.stripe, events)
  })
  afterAll(async () => {
    await receiver?.close()
    await t?.close()
  })
  beforeEach(async () => {
    await t?.emulator.idle()
    for (const r of receiver?.received ?? []) assertStripeShape(r.event)
    if (receiver) receiver.received.length = 0
  })

  const started = <T>(value: T | undefined): T => {
    if (value === undefined)
      throw new Error('The emulator suite starts in beforeAll; use it inside tests and hooks.')
    return value
  }
  return {
    get t() {
      return started(t)
    },
    get emulator() {
      return started(t).emulator
    },
    get stripe() {
      return started(t).stripe
    },
    get receiver() {
      return started(receiver)
    },
  }
}
