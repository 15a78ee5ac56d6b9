import type Stripe from 'stripe'
import { describe, expect, it } from 'vitest'
import { capturingLogger, createTestDeps } from '../../../test/harness.js'
import { EVENT_HANDLERS } from '../../event-handlers.js'

describe('invoice.payment_succeeded', () => {
  it('is handled on purpose: no apply step (invoice.paid mails the receipt), and the reason is logged', async () => {
    const { log, written } = capturingLogger('debug')
    const t = await createTestDeps('sqlite', { log })
    try {
      const handlers = EVENT_HANDLERS['invoice.payment_succeeded'] ?? []
      expect(handlers).toHaveLength(1)
      const event = {
        id: 'evt_paid_1',
        type: 'invoice.payment_succeeded',
        data: { object: { id: 'in_1', object: 'invoice' } },
      } as unknown as Stripe.Event
      for (const handler of handlers) expect(await handler(t.deps, event as never)).toBeUndefined()
      expect(written()).toContain('invoice.paid syncs the subscription and mails the receipt')
      expect(EVENT_HANDLERS['invoice.paid']).toHaveLength(1)
    } finally {
      await t.close()
    }
  })
})
