import type Stripe from 'stripe'
import { describe, expect, it } from 'vitest'
import { assertStripeShape } from './shapes.js'
import { useEmulatorSuite } from './test-suite.js'
import { postPageForm } from './testing.js'

const suite = useEmulatorSuite()

async function disputedPayment(card: string): Promise<{ pi: Stripe.PaymentIntent; dispute: Stripe.Dispute }> {
  const pi = await suite.stripe.paymentIntents.create({
    amount: 2500,
    currency: 'usd',
    payment_method: card,
    confirm: true,
  })
  // Opened in the same request: the very next call finds it (the Stripe CLI relies on this).
  const listed = await suite.stripe.disputes.list({ payment_intent: pi.id })
  expect(listed.data).toHaveLength(1)
  return { pi, dispute: listed.data[0]! }
}

function typesFor(pi: string): string[] {
  return suite.receiver.received
    .filter((r) => {
      const o = r.event.data.object as { id?: string; payment_intent?: string }
      return o.id === pi || o.payment_intent === pi
    })
    .map((r) => r.event.type)
}

describe('disputes from the dispute test cards', () => {
  it('opens a fraudulent chargeback after the charge succeeds, withdrawing the funds', async () => {
    const { pi, dispute } = await disputedPayment('pm_card_createDispute')
    expect(pi.status).toBe('succeeded')
    assertStripeShape(dispute)
    expect(dispute).toMatchObject({
      amount: 2500,
      currency: 'usd',
      charge: pi.latest_charge,
      payment_intent: pi.id,
      reason: 'fraudulent',
      status: 'needs_response',
      is_charge_refundable: false,
    })
    expect((await suite.stripe.charges.retrieve(String(pi.latest_charge))).disputed).toBe(true)
    await suite.emulator.idle()
    expect(typesFor(pi.id)).toEqual([
      'payment_intent.created',
      'charge.succeeded',
      'payment_intent.succeeded',
      'charge.dispute.created',
      'charge.dispute.funds_withdrawn',
    ])
    await expect(suite.stripe.refunds.create({ payment_intent: pi.id })).rejects.toMatchObject({
      statusCode: 400,
      code: 'charge_disputed',
    })
  })

  it('winning evidence closes it won and reinstates the funds; a closed dispute takes no more', async () => {
    const { pi, dispute } = await disputedPayment('pm_card_createDisputeProductNotReceived')
    expect(dispute.reason).toBe('product_not_received')
    const updated = await suite.stripe.disputes.update(dispute.id, {
      evidence: { uncategorized_text: 'winning_evidence', customer_email_address: 'buyer@example.com' },
    })
    expect(updated.status).toBe('won')
    expect(updated.evidence.customer_email_address).toBe('buyer@example.com')
    expect(updated.evidence_details).toMatchObject({ has_evidence: true, submission_count: 1 })
    await suite.emulator.idle()
    expect(typesFor(pi.id).slice(-3)).toEqual([
      'charge.dispute.updated',
      'charge.dispute.closed',
      'charge.dispute.funds_reinstated',
    ])
    await expect(suite.stripe.disputes.close(dispute.id)).rejects.toMatchObject({ statusCode: 400 })
  })

  it('losing evidence, or accepting it, closes it lost', async () => {
    const losing = await disputedPayment('pm_card_createDispute')
    const lost = await suite.stripe.disputes.update(losing.dispute.id, {
      evidence: { uncategorized_text: 'losing_evidence' },
    })
    expect(lost.status).toBe('lost')
    const accepted = await disputedPayment('pm_card_createDispute')
    expect((await suite.stripe.disputes.close(accepted.dispute.id)).status).toBe('lost')
    await suite.emulator.idle()
    expect(typesFor(accepted.pi.id).slice(-1)).toEqual(['charge.dispute.closed'])
    // Staged evidence (submit=false) changes nothing about the outcome yet.
    const staged = await disputedPayment('pm_card_createDispute')
    const kept = await suite.stripe.disputes.update(staged.dispute.id, {
      evidence: { uncategorized_text: 'winning_evidence' },
      submit: false,
    })
    expect(kept).toMatchObject({ status: 'needs_response', evidence_details: { has_evidence: true } })
  })

  it('an inquiry withdraws nothing and closes as warning_closed', async () => {
    const { pi, dispute } = await disputedPayment('pm_card_createDisputeInquiry')
    expect(dispute).toMatchObject({ status: 'warning_needs_response', is_charge_refundable: true })
    const closed = await suite.stripe.disputes.update(dispute.id, {
      evidence: { uncategorized_text: 'winning_evidence' },
    })
    expect(closed.status).toBe('warning_closed')
    await suite.emulator.idle()
    expect(typesFor(pi.id)).not.toContain('charge.dispute.funds_withdrawn')
    expect(typesFor(pi.id)).not.toContain('charge.dispute.funds_reinstated')
  })

  it('opens one for card 4000 0000 0000 0259 paid on the hosted Checkout page', async () => {
    const price = await suite.stripe.prices.create({
      currency: 'usd',
      unit_amount: 1200,
      product_data: { name: 'Guide' },
    })
    const session = await suite.stripe.checkout.sessions.create({
      mode: 'payment',
      line_items: [{ price: price.id, quantity: 1 }],
      success_url: 'http://shop.test/ok',
    })
    const paid = await postPageForm(session.url ?? '', {
      email: 'chargeback@example.com',
      cardNumber: '4000 0000 0000 0259',
      cardExpiry: '12 / 34',
      cardCvc: '123',
      cardName: 'Charge Back',
    })
    expect(paid.status).toBe(303)
    const done = await suite.stripe.checkout.sessions.retrieve(session.id)
    expect(done.payment_status).toBe('paid')
    const disputes = await suite.stripe.disputes.list({ payment_intent: String(done.payment_intent) })
    expect(disputes.data.map((d) => d.status)).toEqual(['needs_response'])
  })
})
