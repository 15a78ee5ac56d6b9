import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { describe, expect, it } from 'vitest'
import { startReceiver, startTestEmulator, type TestEmulator } from './testing.js'

/** Test mode's schedule, in emulator seconds: only an advance can reach these retries. */
const STRIPE_SCHEDULE = [300, 1800, 7200]

/** A URL nobody listens on: every attempt fails at once (connection refused). */
async function closedPortUrl(): Promise<string> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return `http://127.0.0.1:${port}/hook`
}

async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((resolve) => setTimeout(resolve, 20))
}

function attemptsOf(t: TestEmulator): number[] {
  return t.emulator.deliveries().map((d) => d.attempt)
}

describe('retries on the emulator clock', () => {
  it('answers an advance while an endpoint is down, and makes the retries due within it', async () => {
    const t = await startTestEmulator({ webhookRetrySchedule: STRIPE_SCHEDULE })
    try {
      await t.stripe.webhookEndpoints.create({
        url: await closedPortUrl(),
        enabled_events: ['customer.created'],
      })
      await t.stripe.customers.create({ email: 'down@example.com' })
      await until(() => t.emulator.deliveries().length === 1)
      const res = await fetch(`${t.url}/_emulator/clock/advance`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ seconds: 60 }),
      })
      expect(res.status).toBe(200)
      expect(attemptsOf(t)).toEqual([1])
      // 300 s and 300 + 1800 s after the first attempt fall within the hour; 2100 + 7200 s does not.
      await t.emulator.clock.advance(3600)
      expect(attemptsOf(t)).toEqual([1, 2, 3])
      await t.emulator.clock.advance(3 * 3600)
      expect(attemptsOf(t)).toEqual([1, 2, 3, 4])
      expect(t.emulator.deliveries().every((d) => !d.ok && d.status === null)).toBe(true)
      await t.emulator.clock.advance(86_400)
      expect(attemptsOf(t)).toHaveLength(4)
    } finally {
      await t.close()
    }
  })

  it('delivers a retry the advance reached to an endpoint that recovered', async () => {
    const t = await startTestEmulator({ webhookRetrySchedule: STRIPE_SCHEDULE })
    try {
      const receiver = await startReceiver(t.stripe, ['customer.created'])
      receiver.failNext(1)
      const customer = await t.stripe.customers.create({ email: 'flaky@example.com' })
      await until(() => t.emulator.deliveries().length === 1)
      expect(receiver.received).toHaveLength(0)
      await t.emulator.clock.advance(301)
      expect(receiver.received.map((r) => (r.event.data.object as { id: string }).id)).toEqual([customer.id])
      expect(t.emulator.deliveries().map((d) => [d.attempt, d.ok])).toEqual([
        [1, false],
        [2, true],
      ])
      await t.emulator.idle()
      await receiver.close()
    } finally {
      await t.close()
    }
  })

  it('stops waiting for an endpoint once one of the advance’s attempts to it timed out', async () => {
    const t = await startTestEmulator({ webhookRetrySchedule: STRIPE_SCHEDULE, webhookTimeoutMs: 400 })
    const server = createServer((req) => {
      req.resume() // and never answer
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`
      await t.stripe.webhookEndpoints.create({ url, enabled_events: ['customer.created'] })
      for (let i = 0; i < 3; i++) await t.stripe.customers.create({ email: `hang${i}@example.com` })
      await until(() => t.emulator.deliveries().length === 3)
      // Three retries are due; the advance waits for the first to time out, not for all three.
      await t.emulator.clock.advance(400)
      expect(attemptsOf(t)).toEqual([1, 1, 1, 2])
      expect(t.emulator.deliveries()[3]?.error).toMatch(/timed out/)
      // The others are still made, after the advance answered.
      await until(() => t.emulator.deliveries().length === 5)
    } finally {
      await t.close()
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    }
  })
})
