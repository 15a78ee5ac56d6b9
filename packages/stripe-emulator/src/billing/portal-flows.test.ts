import type Stripe from 'stripe'
import { beforeAll, describe, expect, it } from 'vitest'
import { useEmulatorSuite } from '../test-suite.js'
import { postPageForm as post } from '../testing.js'
import { customerWithCard, eventsFor, monthlyPrice } from './test-helpers.js'

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

describe('the hosted portal page: flows and cancellation reasons', () => {
  it('a payment_method_update flow shows only the card form and redirects when the card is saved', async () => {
    const { customer, sub } = await subscribed()
    const session = await suite.stripe.billingPortal.sessions.create({
      customer: customer.id,
      flow_data: {
        type: 'payment_method_update',
        after_completion: { type: 'redirect', redirect: { return_url: 'http://shop.test/account' } },
      },
    })
    const html = await (await fetch(session.url)).text()
    expect(html).toContain('Update your payment method')
    expect(html).toContain('name="cardNumber"')
    expect(html).not.toContain(`data-subscription="${sub.id}"`)
    expect(html).not.toMatch(/data-invoice="in_/)
    // Only the card action: the subscription cannot be canceled through this session.
    expect((await post(session.url, { action: 'cancel', subscription: sub.id })).status).toBe(400)
    const res = await post(session.url, {
      action: 'card',
      cardNumber: '5555555555554444',
      cardExpiry: '12/34',
      cardCvc: '123',
      cardName: 'A B',
    })
    expect(res).toMatchObject({ status: 303, location: 'http://shop.test/account' })
    expect((await suite.stripe.subscriptions.retrieve(sub.id)).cancel_at_period_end).toBe(false)
    const after = (await suite.stripe.customers.retrieve(customer.id)) as Stripe.Customer
    const pm = await suite.stripe.paymentMethods.retrieve(
      String(after.invoice_settings.default_payment_method),
    )
    expect(pm.card?.last4).toBe('4444')
  })

  it('a subscription_cancel flow names one of the customer subscriptions and shows only that one', async () => {
    const { customer, sub } = await subscribed()
    const other = await subscribed()
    await expect(
      suite.stripe.billingPortal.sessions.create({
        customer: customer.id,
        flow_data: { type: 'subscription_cancel', subscription_cancel: { subscription: other.sub.id } },
      }),
    ).rejects.toMatchObject({ statusCode: 400, param: 'flow_data[subscription_cancel][subscription]' })
    const second = await suite.stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: yearly.id }],
    })
    const session = await suite.stripe.billingPortal.sessions.create({
      customer: customer.id,
      flow_data: {
        type: 'subscription_cancel',
        subscription_cancel: { subscription: sub.id },
        after_completion: { type: 'redirect', redirect: { return_url: 'http://shop.test/done' } },
      },
    })
    expect(session.flow).toMatchObject({
      type: 'subscription_cancel',
      after_completion: { type: 'redirect' },
    })
    const html = await (await fetch(session.url)).text()
    expect(html).toContain(`data-subscription="${sub.id}"`)
    expect(html).not.toContain(`data-subscription="${second.id}"`)
    expect((await post(session.url, { action: 'cancel', subscription: second.id })).status).toBe(400)
    const res = await post(session.url, { action: 'cancel', subscription: sub.id })
    expect(res).toMatchObject({ status: 303, location: 'http://shop.test/done' })
    expect((await suite.stripe.subscriptions.retrieve(sub.id)).cancel_at_period_end).toBe(true)
  })
  it('records the cancellation reason the configuration collects', async () => {
    const { customer, sub } = await subscribed()
    const config = await suite.stripe.billingPortal.configurations.create({
      features: {
        subscription_cancel: {
          enabled: true,
          mode: 'at_period_end',
          cancellation_reason: { enabled: true, options: ['too_expensive', 'unused'] },
        },
      },
    })
    const session = await suite.stripe.billingPortal.sessions.create({
      customer: customer.id,
      configuration: config.id,
    })
    // The reasons are asked on the confirmation step that "Cancel plan" opens.
    const portal = await (await fetch(session.url)).text()
    expect(portal).not.toContain('value="too_expensive"')
    expect(portal).toContain(`?cancel=${sub.id}`)
    expect(await (await fetch(`${session.url}?cancel=${sub.id}`)).text()).toContain('value="too_expensive"')
    await post(session.url, {
      action: 'cancel',
      subscription: sub.id,
      feedback: 'too_expensive',
      comment: 'Pricey',
    })
    const after = await suite.stripe.subscriptions.retrieve(sub.id)
    expect(after.cancellation_details).toMatchObject({
      reason: 'cancellation_requested',
      feedback: 'too_expensive',
      comment: 'Pricey',
    })
    await suite.emulator.idle()
    const [event] = eventsFor(suite.receiver, 'customer.subscription.updated', sub.id)
    expect(event).toBeDefined()
    expect((event!.data.object as Stripe.Subscription).cancellation_details?.feedback).toBe('too_expensive')
  })
})
