import type Stripe from 'stripe'
import { beforeAll, describe, expect, it } from 'vitest'
import { assertStripeShape } from '../shapes.js'
import { useEmulatorSuite } from '../test-suite.js'
import { postPageForm as post } from '../testing.js'
import {
  advanceClock,
  billingTypes,
  customerWithCard,
  DAY,
  eventsFor,
  monthlyPrice,
  T0,
} from './test-helpers.js'

const suite = useEmulatorSuite()
let monthly: Stripe.Price
let yearly: Stripe.Price

beforeAll(async () => {
  monthly = await monthlyPrice(suite.stripe, 900)
  yearly = await monthlyPrice(suite.stripe, 9000, 'year')
})

async function subscribed(clock?: string): Promise<{ customer: Stripe.Customer; sub: Stripe.Subscription }> {
  const { customer } = await customerWithCard(suite.stripe, 'pm_card_visa', clock)
  const sub = await suite.stripe.subscriptions.create({
    customer: customer.id,
    items: [{ price: monthly.id }],
  })
  expect(sub.status).toBe('active')
  // Only what the portal does afterwards is asserted.
  await suite.emulator.idle()
  suite.receiver.received.length = 0
  return { customer, sub }
}

async function switchingConfig(
  mode: 'at_period_end' | 'immediately' = 'at_period_end',
): Promise<Stripe.BillingPortal.Configuration> {
  return suite.stripe.billingPortal.configurations.create({
    features: {
      invoice_history: { enabled: true },
      payment_method_update: { enabled: true },
      subscription_cancel: { enabled: true, mode },
      subscription_update: {
        enabled: true,
        default_allowed_updates: ['price'],
        products: [
          { product: String(monthly.product), prices: [monthly.id] },
          { product: String(yearly.product), prices: [yearly.id] },
        ],
        proration_behavior: 'create_prorations',
      },
    },
  })
}

describe('billing portal configurations', () => {
  it('creates with Stripe defaults, updates with previous attributes, lists the default one', async () => {
    const config = await suite.stripe.billingPortal.configurations.create({
      features: {
        subscription_update: {
          enabled: true,
          default_allowed_updates: ['price'],
          products: [{ product: String(monthly.product), prices: [monthly.id] }],
        },
      },
      business_profile: { headline: 'Tollgate' },
    })
    assertStripeShape(config)
    expect(config.id).toMatch(/^bpc_/)
    expect(config.is_default).toBe(false)
    expect(config.features.subscription_update.proration_behavior).toBe('none')
    expect(config.features.subscription_update.products?.[0]?.prices).toEqual([monthly.id])
    expect(config.features.subscription_cancel.mode).toBe('at_period_end')
    const updated = await suite.stripe.billingPortal.configurations.update(config.id, {
      features: { subscription_cancel: { enabled: true, mode: 'immediately' } },
    })
    expect(updated.features.subscription_cancel).toMatchObject({ enabled: true, mode: 'immediately' })
    expect(
      (await suite.stripe.billingPortal.configurations.retrieve(config.id)).features.subscription_cancel.mode,
    ).toBe('immediately')
    const list = await suite.stripe.billingPortal.configurations.list({ is_default: true })
    expect(list.data).toHaveLength(1)
    await suite.emulator.idle()
    const updatedEvent = suite.receiver.received.find(
      (r) => r.event.type === 'billing_portal.configuration.updated',
    )?.event
    expect(updatedEvent?.data.previous_attributes).toHaveProperty('features')
    expect(suite.receiver.types()).toContain('billing_portal.configuration.created')
  })

  it('refuses unknown feature params and always_invoice for cancellations', async () => {
    await expect(
      suite.stripe.billingPortal.configurations.create({ features: { nope: { enabled: true } } } as never),
    ).rejects.toMatchObject({
      statusCode: 400,
      param: 'features[nope]',
    })
    await expect(
      suite.stripe.billingPortal.configurations.create({
        features: { subscription_cancel: { enabled: true, proration_behavior: 'always_invoice' as never } },
      }),
    ).rejects.toMatchObject({ statusCode: 400 })
  })
})

describe('billing portal sessions', () => {
  it('creates a session with the default configuration, a portal url and billing_portal.session.created', async () => {
    const { customer } = await customerWithCard(suite.stripe)
    const session = await suite.stripe.billingPortal.sessions.create({
      customer: customer.id,
      return_url: 'http://shop.test/account',
    })
    assertStripeShape(session)
    expect(session.url).toBe(`${suite.t.url}/p/session/${session.id}`)
    expect(session.configuration).toMatch(/^bpc_/)
    await suite.emulator.idle()
    const event = eventsFor(suite.receiver, 'billing_portal.session.created', session.id)
    expect(event).toHaveLength(1)
    const page = await fetch(session.url)
    const html = await page.text()
    expect(page.status).toBe(200)
    expect(html).toContain('Test mode — local Stripe emulator')
    expect(html).toContain('http://shop.test/account')
  })

  it('refuses an unknown customer (400) and 404s an unknown session page', async () => {
    await expect(
      suite.stripe.billingPortal.sessions.create({ customer: 'cus_missing' }),
    ).rejects.toMatchObject({
      statusCode: 400,
      param: 'customer',
    })
    expect((await fetch(`${suite.t.url}/p/session/bps_missing`)).status).toBe(404)
  })
})

describe('the hosted portal page', () => {
  it('cancels at period end, renews, and cancels again: the subscription ends at the period end', async () => {
    const clock = await suite.stripe.testHelpers.testClocks.create({ frozen_time: T0 })
    const { customer, sub } = await subscribed(clock.id)
    const config = await switchingConfig()
    const session = await suite.stripe.billingPortal.sessions.create({
      customer: customer.id,
      configuration: config.id,
    })
    const html = await (await fetch(session.url)).text()
    expect(html).toContain(`Switch to ${'Plan 9000/year'}`)
    // "Cancel plan" only opens a confirmation step; nothing on the first page cancels.
    expect(html).toContain(`href="/p/session/${session.id}?cancel=${sub.id}"`)
    expect(html).not.toContain('value="cancel"')
    const confirm = await (await fetch(`${session.url}?cancel=${sub.id}`)).text()
    expect(confirm).toContain('Cancel Plan 900/month?')
    expect(confirm).toMatch(/stays active until \d{4}-\d{2}-\d{2}, then it ends/)
    expect(confirm).toContain('name="action" value="cancel"')
    expect(confirm).toContain('Confirm cancellation')
    expect(confirm).toContain(`href="/p/session/${session.id}">Keep my plan`)
    expect((await suite.stripe.subscriptions.retrieve(sub.id)).cancel_at_period_end).toBe(false)

    const cancel = await post(session.url, { action: 'cancel', subscription: sub.id })
    expect(cancel.status).toBe(303)
    let now = await suite.stripe.subscriptions.retrieve(sub.id)
    expect(now).toMatchObject({
      status: 'active',
      cancel_at_period_end: true,
      cancellation_details: { reason: 'cancellation_requested' },
    })
    expect(now.cancel_at).toBe(now.items.data[0]!.current_period_end)
    expect(await (await fetch(`${suite.t.url}${cancel.location}`)).text()).toContain('Renew plan')

    expect((await post(session.url, { action: 'renew', subscription: sub.id })).status).toBe(303)
    now = await suite.stripe.subscriptions.retrieve(sub.id)
    expect(now).toMatchObject({ cancel_at_period_end: false, cancel_at: null, canceled_at: null })

    await post(session.url, { action: 'cancel', subscription: sub.id })
    await suite.emulator.idle()
    const updates = eventsFor(suite.receiver, 'customer.subscription.updated', sub.id)
    expect(updates.map((e) => (e.data.object as Stripe.Subscription).cancel_at_period_end)).toEqual([
      true,
      false,
      true,
    ])
    expect(updates[0]!.data.previous_attributes).toMatchObject({ cancel_at_period_end: false })
    expect(eventsFor(suite.receiver, 'customer.subscription.deleted', sub.id)).toHaveLength(0)

    suite.receiver.received.length = 0
    await advanceClock(suite.stripe, clock.id, now.items.data[0]!.current_period_end + 2 * DAY)
    await suite.emulator.idle()
    const ended = await suite.stripe.subscriptions.retrieve(sub.id)
    expect(ended.status).toBe('canceled')
    expect(billingTypes(suite.receiver).filter((x) => x.startsWith('customer.subscription.'))).toEqual([
      'customer.subscription.deleted',
    ])
    expect(billingTypes(suite.receiver)).not.toContain('invoice.created')
  })

  it('cancels at once when the configuration says immediately', async () => {
    const { customer, sub } = await subscribed()
    const config = await switchingConfig('immediately')
    const session = await suite.stripe.billingPortal.sessions.create({
      customer: customer.id,
      configuration: config.id,
    })
    expect((await post(session.url, { action: 'cancel', subscription: sub.id })).status).toBe(303)
    expect((await suite.stripe.subscriptions.retrieve(sub.id)).status).toBe('canceled')
    await suite.emulator.idle()
    expect(eventsFor(suite.receiver, 'customer.subscription.deleted', sub.id)).toHaveLength(1)
  })

  it('switches to a configured price with the configuration proration behaviour', async () => {
    const { customer, sub } = await subscribed()
    const config = await switchingConfig()
    const session = await suite.stripe.billingPortal.sessions.create({
      customer: customer.id,
      configuration: config.id,
    })
    expect(
      (await post(session.url, { action: 'switch', subscription: sub.id, price: 'price_not_offered' }))
        .status,
    ).toBe(400)
    const res = await post(session.url, { action: 'switch', subscription: sub.id, price: yearly.id })
    expect(res.status).toBe(303)
    const after = await suite.stripe.subscriptions.retrieve(sub.id)
    expect(after.items.data[0]!.price.id).toBe(yearly.id)
    await suite.emulator.idle()
    const update = eventsFor(suite.receiver, 'customer.subscription.updated', sub.id)[0]
    expect(update?.data.previous_attributes).toHaveProperty('items')
    // Month → year resets the cycle: the year is invoiced at once, less the unused month.
    const invoice = eventsFor(suite.receiver, 'invoice.paid', sub.id).at(-1)?.data.object as
      | Stripe.Invoice
      | undefined
    expect(invoice?.billing_reason).toBe('subscription_update')
    expect(invoice?.lines.data.some((l) => l.amount === 9000)).toBe(true)
  })

  it("shows the subscription's own card when the customer has no default (as after Checkout)", async () => {
    const customer = await suite.stripe.customers.create({ email: 'checkout-member@example.com' })
    const pm = await suite.stripe.paymentMethods.attach('pm_card_mastercard', { customer: customer.id })
    await suite.stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: monthly.id }],
      default_payment_method: pm.id,
    })
    const session = await suite.stripe.billingPortal.sessions.create({ customer: customer.id })
    const page = await (await fetch(session.url)).text()
    expect(page).toContain(`mastercard •••• ${pm.card?.last4}`)
    expect(page).not.toContain('No card on file.')
  })

  it('replaces the card with one typed on the page and lists paid invoices', async () => {
    const { customer, sub } = await subscribed()
    const session = await suite.stripe.billingPortal.sessions.create({ customer: customer.id })
    const page = await (await fetch(session.url)).text()
    expect(page).toContain('visa •••• 4242')
    expect(page).toMatch(/data-invoice="in_/)
    const bad = await post(session.url, {
      action: 'card',
      cardNumber: '4242424242424241',
      cardExpiry: '12/34',
      cardCvc: '123',
      cardName: 'A B',
    })
    expect(bad.status).toBe(400)
    expect(bad.html).toContain('Your card number is invalid.')
    const ok = await post(session.url, {
      action: 'card',
      cardNumber: '4000000000000341',
      cardExpiry: '12/34',
      cardCvc: '123',
      cardName: 'A B',
    })
    expect(ok.status).toBe(303)
    const updated = (await suite.stripe.customers.retrieve(customer.id)) as Stripe.Customer
    const pm = await suite.stripe.paymentMethods.retrieve(
      String(updated.invoice_settings.default_payment_method),
    )
    expect(pm.card?.last4).toBe('0341')
    expect(pm.customer).toBe(customer.id)
    expect(await (await fetch(session.url)).text()).toContain('•••• 0341')
    expect((await suite.stripe.subscriptions.retrieve(sub.id)).status).toBe('active')
  })
})
