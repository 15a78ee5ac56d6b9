import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { assertStripeShape, knownShapes, shapeProblems } from './shapes.js'

describe('shape oracle', () => {
  it('the checked-in key sets are what scripts/stripe-shapes.mjs reads from node_modules/stripe', async () => {
    const script = fileURLToPath(new URL('../scripts/stripe-shapes.mjs', import.meta.url))
    const { stdout } = await promisify(execFile)(process.execPath, [script, '--check'], { timeout: 500_000 })
    expect(stdout).toContain('is current')
  }, 600_000) // type-checks the SDK in a child process: slow on a loaded machine

  it('knows every kind the issue names, read from the SDK types', () => {
    for (const kind of [
      'checkout.session',
      'subscription',
      'subscription_item',
      'invoice',
      'price',
      'product',
      'customer',
      'event',
      'payment_intent',
      'charge',
      'refund',
      'billing_portal.session',
      'test_helpers.test_clock',
    ]) {
      expect(knownShapes()).toContain(kind)
    }
  })

  it('names each missing required key and each unknown key', () => {
    const problems = shapeProblems({ id: 'prod_1', object: 'product', name: 'x', colour: 'red' })
    expect(problems).toContain("product: missing required key 'active'")
    expect(problems).toContain("product: unknown key 'colour'")
    expect(() => assertStripeShape({ object: 'nothing' })).toThrow(/no shape known/)
  })

  it('checks an event and the object inside it', () => {
    const event = {
      id: 'evt_1',
      object: 'event',
      api_version: '2026-10-28.endive',
      created: 1,
      livemode: false,
      pending_webhooks: 0,
      request: { id: null, idempotency_key: null },
      type: 'product.created',
      data: { object: { id: 'prod_1', object: 'product' } },
    }
    expect(shapeProblems(event).some((p) => p.startsWith('product: missing'))).toBe(true)
  })
})
