/**
 * What can happen to a one-time order after it was paid, through the emulator's test cards, on each
 * dialect. Disputes: a chargeback revokes access until it is won (then the original window comes
 * back), a lost one keeps it revoked, an inquiry changes nothing, and the owner hears of each
 * dispute once. Failed refunds: the card refuses a refund, the money stays, access comes back and
 * the owner is told.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DIALECTS } from '../../../test/dialects.js'
import { createTestApp, type TestApp } from '../../../test/harness.js'
import { createMember } from '../../../test/lifecycle.js'
import { buyAndPay, settle } from '../../../test/purchase.js'
import { checkAccess } from '../entitlements/access.js'
import { findOrderBySessionId } from './repo.js'

const OWNER = 'owner@example.com'
const CARDS = {
  chargeback: '4000000000000259',
  inquiry: '4000000000001976',
  refusesRefunds: '4000000000005126',
} as const

describe.each(DIALECTS)('after payment on %s', (dialect) => {
  let t: TestApp

  beforeAll(async () => {
    t = await createTestApp({ dialect, config: { adminEmails: [OWNER] } })
  })
  afterAll(async () => {
    await t?.close()
  })

  async function disputedPurchase(price: string, email: string, card: string) {
    const { sessionId } = await buyAndPay(t.agent(), { price, email, card })
    await settle(t)
    const order = await findOrderBySessionId(t.deps.db, sessionId)
    if (!order?.stripe_payment_intent_id) throw new Error('order missing')
    const dispute = (await t.stripe.disputes.list({ payment_intent: order.stripe_payment_intent_id })).data[0]
    if (!dispute) throw new Error('dispute missing')
    return { order, dispute }
  }

  async function access(customerId: string, feature: string) {
    return checkAccess(t.deps.db, customerId, feature, t.deps.clock.now())
  }

  async function ownerMailsAbout(orderId: string) {
    return (await t.mail(OWNER)).filter((m) => m.template === 'dispute-opened' && m.subject.includes(orderId))
  }

  async function disputeRow(id: string) {
    return t.deps.db
      .selectFrom('order_disputes')
      .selectAll()
      .where('stripe_dispute_id', '=', id)
      .executeTakeFirst()
  }

  it('a chargeback revokes access and tells the owner; winning it gives the original window back', async () => {
    const email = `chargeback-won-${dialect}@example.com`
    const { order, dispute } = await disputedPurchase('workshop-notes', email, CARDS.chargeback)
    expect(order.status).toBe('disputed')
    expect((await access(order.customer_id, 'file:workshop-notes-pdf')).allowed).toBe(false)
    expect(await disputeRow(dispute.id)).toMatchObject({ order_id: order.id, status: 'needs_response' })
    const mails = await ownerMailsAbout(order.id)
    expect(mails).toHaveLength(1)
    expect(mails[0]?.subject).toBe(`A chargeback was opened on order ${order.id} ($9.00)`)
    expect(mails[0]?.text).toContain(email)
    const buyer = await (await createMember(t, email)).agent()
    const refused = await buyer.request('/download/workshop-notes-pdf')
    expect(refused.status).toBe(403)
    const refusedHtml = await refused.text()
    expect(refusedHtml).toContain('Access paused')
    // Buying again while the bank decides would charge twice for one product.
    expect(refusedHtml).not.toContain('name="price"')
    const library = await (await buyer.request('/library')).text()
    expect(library).toContain('data-access="revoked"')
    expect(library).toContain('the payment is disputed with your bank')

    await t.stripe.disputes.update(dispute.id, { evidence: { uncategorized_text: 'winning_evidence' } })
    await settle(t)
    const won = await findOrderBySessionId(t.deps.db, order.stripe_checkout_session_id)
    expect(won?.status).toBe('paid')
    const restored = await access(order.customer_id, 'file:workshop-notes-pdf')
    expect(restored.allowed).toBe(true)
    // The 30 days run from the purchase, not from the day the dispute was won.
    expect(restored.until?.toISOString()).toBe(
      new Date(Date.parse(order.created_at) + 30 * 86_400_000).toISOString(),
    )
    expect((await disputeRow(dispute.id))?.status).toBe('won')
    expect(await (await buyer.request('/library')).text()).toContain('data-access="live"')
    const download = await buyer.request('/download/workshop-notes-pdf')
    expect(download.status).toBe(200)
    expect(
      Buffer.from(await download.arrayBuffer())
        .subarray(0, 4)
        .toString(),
    ).toBe('%PDF')
    expect(await ownerMailsAbout(order.id)).toHaveLength(1)
  })

  it('a lost chargeback keeps the access revoked', async () => {
    const { order, dispute } = await disputedPurchase(
      'field-guide',
      `chargeback-lost-${dialect}@example.com`,
      CARDS.chargeback,
    )
    await t.stripe.disputes.close(dispute.id)
    await settle(t)
    expect((await findOrderBySessionId(t.deps.db, order.stripe_checkout_session_id))?.status).toBe('disputed')
    expect((await access(order.customer_id, 'file:field-guide-pdf')).allowed).toBe(false)
    expect((await disputeRow(dispute.id))?.status).toBe('lost')
  })

  it('an inquiry keeps access and is recorded; the owner still hears of it', async () => {
    const { order, dispute } = await disputedPurchase(
      'field-guide',
      `inquiry-${dialect}@example.com`,
      CARDS.inquiry,
    )
    expect(order.status).toBe('paid')
    expect((await access(order.customer_id, 'file:field-guide-pdf')).allowed).toBe(true)
    expect((await disputeRow(dispute.id))?.status).toBe('warning_needs_response')
    const mails = await ownerMailsAbout(order.id)
    expect(mails.map((m) => m.subject)).toEqual([`An inquiry was opened on order ${order.id} ($19.00)`])
  })

  it('reaches the same end state with deliveries duplicated and shuffled', async () => {
    t.emulator.faults.set({ duplicate: true, shuffle: true })
    try {
      const { order } = await disputedPurchase(
        'field-guide',
        `chargeback-faults-${dialect}@example.com`,
        CARDS.chargeback,
      )
      expect(order.status).toBe('disputed')
      expect((await access(order.customer_id, 'file:field-guide-pdf')).allowed).toBe(false)
      expect(await ownerMailsAbout(order.id)).toHaveLength(1)
    } finally {
      t.emulator.faults.clear()
    }
  })

  it('a refund the card refuses gives the access back and tells the owner once', async () => {
    const email = `refund-refused-${dialect}@example.com`
    const { sessionId } = await buyAndPay(t.agent(), {
      price: 'field-guide',
      email,
      card: CARDS.refusesRefunds,
    })
    await settle(t)
    const order = await findOrderBySessionId(t.deps.db, sessionId)
    await t.stripe.refunds.create({ payment_intent: order?.stripe_payment_intent_id ?? '' })
    await settle(t)
    expect((await findOrderBySessionId(t.deps.db, sessionId))?.status).toBe('refunded')
    expect((await access(order?.customer_id ?? '', 'file:field-guide-pdf')).allowed).toBe(false)

    await t.emulator.clock.advance(120)
    await settle(t)
    const after = await findOrderBySessionId(t.deps.db, sessionId)
    expect(after).toMatchObject({ status: 'paid', amount_refunded: 0, refunded_at: null })
    const restored = await access(order?.customer_id ?? '', 'file:field-guide-pdf')
    expect(restored).toMatchObject({ allowed: true, until: null })
    const mails = (await t.mail(OWNER)).filter((m) => m.template === 'refund-failed')
    expect(mails.map((m) => m.subject)).toEqual([`A refund of $19.00 on order ${order?.id} failed`])
  })
})
