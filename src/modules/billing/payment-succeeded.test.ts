import { Writable } from 'node:stream'
import pino from 'pino'
import type Stripe from 'stripe'
import { describe, expect, it } from 'vitest'
import { createTestDeps } from '../../../test/harness.js'
import { EVENT_HANDLERS } from '../../event-handlers.js'

describe('invoice.payment_succeeded', () => {
  it('is handled on purpose: no apply step (invoice.paid mails the receipt), and the reason is logged', async () => {
    const lines: string[] = []
    const sink = new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk))
        done()
      },
    })
    const t = await createTestDeps('sqlite', { log: pino({ level: 'debug' }, sink) })
    try {
      const handlers = EVENT_HANDLERS['invoice.payment_succeeded'] ?? []
      expect(handlers).toHaveLength(1)
      const event = {
        id: 'evt_paid_1',
        type: 'invoice.payment_succeeded',
        data: { object: { id: 'in_1', object: 'invoice' } },
      } as unknown as Stripe.Event
      for (const handler of handlers) expect(await handler(t.deps, event as never)).toBeUndefined()
      expect(lines.join('')).toContain('invoice.paid syncs the subscription and mails the receipt')
      expect(EVENT_HANDLERS['invoice.paid']).toHaveLength(1)
    } finally {
      await t.close()
    }
  })
})
