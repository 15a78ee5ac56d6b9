/**
 * Receipts and the buyer's billing emails, end to end on every dialect: real SDK, the emulator's
 * hosted Checkout, hosted invoice page and PDF, signed webhooks into the inbox, and the outbox.
 *
 * Given a buyer of a one-time product and a member on a monthly plan, When they open their account,
 * get refunded, renew and fail to pay, Then each sees only their own receipts, the links to
 * Stripe's invoice and PDF open, and each email says what happened and where to act.
 * @see issue 13 (receipts and invoices)
 */
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildMetricsReport, parseRange } from '../../src/modules/admin/index.js'
import { listInvoicesOfCustomer } from '../../src/modules/billing/repo.js'
import { listOrdersOfCustomer } from '../../src/modules/orders/repo.js'
import { DIALECTS } from '../dialects.js'
import { createTestApp, type TestApp } from '../harness.js'
import {
  advanceDays,
  createMember,
  DAY,
  LIFECYCLE_CATALOG,
  type Member,
  makeCardFail,
  onlySubscription,
  settle,
  subscribe,
} from '../lifecycle.js'
import { buyAndPay } from '../purchase.js'

const CATALOG = LIFECYCLE_CATALOG.replace(
  'prices:\n',
  `  - { id: guide, name: The Guide, access: forever }
prices:
  - { lookupKey: guide, product: guide, currency: usd, amount: 1900 }
`,
)

function writeCatalog(): string {
  const path = join(mkdtempSync(join(tmpdir(), 'tollgate-receipts-')), 'catalog.yaml')
  writeFileSync(path, CATALOG)
  return path
}

let counter = 0
const email = (label: string): string => `${label}-${++counter}-${Date.now()}@example.com`

async function mailOf(t: TestApp, to: string, template: string) {
  return (await t.mail(to)).filter((m) => m.template === template)
}

async function buyGuide(t: TestApp, member: Member): Promise<string> {
  await buyAndPay(await member.agent(), { price: 'guide', email: member.email })
  await settle(t)
  const [order] = await listOrdersOfCustomer(t.deps.db, member.id)
  if (!order?.stripe_payment_intent_id) throw new Error('no paid order')
  return order.id
}

describe.each(DIALECTS)('receipts and billing emails on %s', (dialect) => {
  let t: TestApp

  beforeAll(async () => {
    t = await createTestApp({ dialect, config: { catalogPath: writeCatalog() } })
  }, 120_000)
  afterAll(async () => {
    await t?.close()
  })

  it('an order has a receipt only its buyer can open; a full refund is mailed with the access it ends', async () => {
    const buyer = await createMember(t, email('buyer'))
    const orderId = await buyGuide(t, buyer)
    const agent = await buyer.agent()

    const account = await (await agent.request('/account')).text()
    expect(account).toContain(`data-order="${orderId}"`)
    expect(account).toContain(`href="/account/orders/${orderId}"`)
    const receipt = await agent.request(`/account/orders/${orderId}`)
    expect(receipt.status).toBe(200)
    const html = await receipt.text()
    expect(html).toContain(orderId)
    expect(html).toContain('$19.00')
    expect(html).toContain('data-print')

    const other = await createMember(t, email('other'))
    expect((await (await other.agent()).request(`/account/orders/${orderId}`)).status).toBe(404)
    expect((await (await other.agent()).request('/account/orders/ord_nothing')).status).toBe(404)
    const stranger = await t.agent().request(`/account/orders/${orderId}`)
    expect(stranger.status).toBe(303)
    expect(stranger.headers.get('location')).toContain('/signin?next=')

    const [order] = await listOrdersOfCustomer(t.deps.db, buyer.id)
    await t.stripe.refunds.create({ payment_intent: order?.stripe_payment_intent_id as string })
    await settle(t)
    const [refunded] = await mailOf(t, buyer.email, 'refund-issued')
    expect(refunded?.subject).toBe('Refund: The Guide')
    expect(refunded?.text).toContain('Your access to The Guide has ended')
    expect(refunded?.text).toContain(`${t.url}/account/orders/${orderId}`)
    expect(await (await agent.request(`/account/orders/${orderId}`)).text()).toContain('Refunded')
    await settle(t)
    expect(await mailOf(t, buyer.email, 'refund-issued')).toHaveLength(1)
  })

  it('a partial refund is mailed once and keeps access', async () => {
    const buyer = await createMember(t, email('partial'))
    await buyGuide(t, buyer)
    const [order] = await listOrdersOfCustomer(t.deps.db, buyer.id)
    await t.stripe.refunds.create({ payment_intent: order?.stripe_payment_intent_id as string, amount: 500 })
    await settle(t)
    const mails = await mailOf(t, buyer.email, 'refund-issued')
    expect(mails).toHaveLength(1)
    expect(mails[0]?.subject).toBe('Partial refund: The Guide')
    expect(mails[0]?.text).toContain('We refunded $5.00 of your payment of $19.00')
    expect(mails[0]?.text).toContain('You keep your access')
  })

  it('a refunded subscription payment is mailed with what happens to the membership', async () => {
    const member = await createMember(t, email('sub-refund'))
    await subscribe(member, 'basic-monthly')
    await settle(t)
    const sub = await onlySubscription(t, member)
    const [invoice] = (
      await t.stripe.invoices.list({ subscription: sub.stripe_subscription_id, expand: ['data.payments'] })
    ).data
    const paymentIntent = invoice?.payments?.data[0]?.payment.payment_intent
    if (typeof paymentIntent !== 'string') throw new Error('the first invoice has no payment')
    // The owner's refunds (admin metrics, the last 30 days) count subscription refunds too.
    const refunded = async () =>
      (await buildMetricsReport(t.deps.db, parseRange({}, t.deps.clock.now()))).revenue.refunds.usd ?? 0
    const refundedBefore = await refunded()

    await t.stripe.refunds.create({ payment_intent: paymentIntent, amount: 300 })
    await settle(t)
    expect(await refunded()).toBe(refundedBefore + 300)
    const [partial] = await mailOf(t, member.email, 'subscription-refund')
    expect(partial?.subject).toBe('Partial refund: Basic (Monthly)')
    expect(partial?.text).toContain('We refunded $3.00 of your payment of $9.00 for Basic (Monthly).')
    expect(partial?.text).toContain('membership continues and your access is unchanged')
    expect(partial?.text).toMatch(new RegExp(`Your receipt: ${t.url}/account/invoices/bin_`))

    await t.stripe.subscriptions.cancel(sub.stripe_subscription_id)
    await t.stripe.refunds.create({ payment_intent: paymentIntent })
    await settle(t)
    const mails = await mailOf(t, member.email, 'subscription-refund')
    expect(mails).toHaveLength(2)
    expect(await refunded()).toBe(refundedBefore + 900)
    const full = mails.find((m) => m.subject === 'Refund: Basic (Monthly)')
    expect(full?.text).toContain('We refunded $6.00 of your payment of $9.00')
    expect(full?.text).toContain('membership has ended, and with it your access')
    // A one-time order's refund is the orders module's email alone.
    expect(await mailOf(t, member.email, 'refund-issued')).toHaveLength(0)
  })

  it('an invoice has a receipt page whose Stripe links open; renewals and failures are mailed', async () => {
    const member = await createMember(t, email('invoiced'))
    await subscribe(member, 'basic-monthly')
    await settle(t)
    const [invoice] = await listInvoicesOfCustomer(t.deps.db, member.id)
    expect(invoice?.hosted_invoice_url).toBeTruthy()
    expect(invoice?.invoice_pdf).toBeTruthy()
    const agent = await member.agent()
    expect(await (await agent.request('/account')).text()).toContain(
      `href="/account/invoices/${invoice?.id}"`,
    )
    const page = await (await agent.request(`/account/invoices/${invoice?.id}`)).text()
    expect(page).toContain(`href="${invoice?.hosted_invoice_url}"`)
    expect(page).toContain(`href="${invoice?.invoice_pdf}"`)
    expect((await fetch(invoice?.hosted_invoice_url as string)).status).toBe(200)
    const pdf = await fetch(invoice?.invoice_pdf as string)
    expect(pdf.headers.get('content-type')).toContain('application/pdf')
    expect(
      Buffer.from(await pdf.arrayBuffer())
        .subarray(0, 5)
        .toString(),
    ).toBe('%PDF-')
    const other = await createMember(t, email('nosy'))
    expect((await (await other.agent()).request(`/account/invoices/${invoice?.id}`)).status).toBe(404)

    let sub = await onlySubscription(t, member)
    await advanceDays(
      t,
      (Date.parse(sub.current_period_end ?? '') / 1000 - t.emulator.clock.now()) / DAY + 0.1,
    )
    const renewed = (await mailOf(t, member.email, 'subscription-receipt')).find((m) =>
      m.subject.includes('renewed'),
    )
    expect(renewed?.text).toContain(
      'Your Basic (Monthly) membership renewed. We received your payment of $9.00.',
    )
    expect(renewed?.text).toMatch(new RegExp(`Your receipt: ${t.url}/account/invoices/bin_`))
    expect(renewed?.text).toContain('The invoice as PDF: ')

    sub = await onlySubscription(t, member)
    await makeCardFail(t.stripe, sub.stripe_subscription_id)
    await advanceDays(
      t,
      (Date.parse(sub.current_period_end ?? '') / 1000 - t.emulator.clock.now()) / DAY + 0.1,
    )
    const [failed] = await mailOf(t, member.email, 'subscription-payment-failed')
    expect(failed?.text).toContain(`Update your card: ${t.url}/billing/update-card`)
    const update = await (await member.agent()).request('/billing/update-card')
    expect(update.status).toBe(303)
    const portal = await (await fetch(update.headers.get('location') ?? '')).text()
    expect(portal).toContain('Update your payment method')
    const signedOut = await t.agent().request('/billing/update-card')
    expect(signedOut.headers.get('location')).toBe('/signin?next=%2Fbilling%2Fupdate-card')
  })
})
