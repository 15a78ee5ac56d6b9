/**
 * Paused-trial set-ups shared by the trial-end and resume tests: a trial Checkout completed without
 * a card, moving the emulator clock past its end, and the events one subscription received.
 * Used only by tests.
 * @module
 */
import type Stripe from 'stripe'
import { expect } from 'vitest'
import type { EmulatorSuite } from '../test-suite.js'

export function trialHelpers(suite: EmulatorSuite, price: () => Stripe.Price) {
  /** A trial Checkout without a card, completed on the hosted page with only an email. */
  async function trialWithoutCard(
    behaviour?: 'cancel' | 'pause' | 'create_invoice',
  ): Promise<Stripe.Subscription> {
    const session = await suite.stripe.checkout.sessions.create({
      mode: 'subscription',
      line_items: [{ price: price().id, quantity: 1 }],
      success_url: 'http://shop.test/ok',
      payment_method_collection: 'if_required',
      subscription_data: {
        trial_period_days: 7,
        ...(behaviour ? { trial_settings: { end_behavior: { missing_payment_method: behaviour } } } : {}),
      },
    })
    const res = await fetch(session.url ?? '', {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ email: `trial-${Date.now()}@example.com` }).toString(),
    })
    expect(res.status).toBe(303)
    await suite.emulator.idle()
    const done = await suite.stripe.checkout.sessions.retrieve(session.id, { expand: ['subscription'] })
    return done.subscription as Stripe.Subscription
  }

  async function pastTrialEnd(sub: Stripe.Subscription): Promise<Stripe.Subscription> {
    await suite.emulator.clock.advance((sub.trial_end ?? 0) - suite.emulator.clock.now() + 2 * 3600)
    await suite.emulator.idle()
    return suite.stripe.subscriptions.retrieve(sub.id)
  }

  function typesFor(subscriptionId: string): string[] {
    return suite.receiver.received
      .map((r) => r.event)
      .filter((e) => (e.data.object as { id?: string }).id === subscriptionId)
      .map((e) => e.type)
  }

  return { trialWithoutCard, pastTrialEnd, typesFor }
}
