import type Stripe from 'stripe'
import { describe, expect, it } from 'vitest'
import { assertStripeShape } from './shapes.js'
import { useEmulatorSuite } from './test-suite.js'
import { postPageForm } from './testing.js'

const suite = useEmulatorSuite()

const CARD = {
  email: 'buyer@example.com',
  cardNumber: '4242 4242 4242 4242',
  cardExpiry: '12 / 34',
  cardCvc: '123',
  cardName: 'Bo Buyer',
}

describe('payment links', () => {
  it('the link URL opens a Checkout Session naming the link; paying completes it', async () => {
    const price = await suite.stripe.prices.create({
      currency: 'usd',
      unit_amount: 2500,
      product_data: { name: 'Poster' },
    })
    const link = await suite.stripe.paymentLinks.create({
      line_items: [{ price: price.id, quantity: 2 }],
      after_completion: { type: 'redirect', redirect: { url: 'http://shop.test/thanks' } },
      metadata: { campaign: 'winter' },
    })
    const { lastResponse: _, ...shape } = link as Stripe.PaymentLink & { lastResponse?: unknown }
    assertStripeShape(shape)
    expect(link.url).toBe(`${suite.t.url}/b/${link.id}`)
    const items = await suite.stripe.paymentLinks.listLineItems(link.id)
    expect(items.data.map((li) => [li.price?.id, li.quantity, li.amount_total])).toEqual([
      [price.id, 2, 5000],
    ])
    // A line item keeps its id from one listing to the next, as on Stripe.
    expect((await suite.stripe.paymentLinks.listLineItems(link.id)).data).toEqual(items.data)
    // Not on the link unless expanded, then the same list.
    expect(await suite.stripe.paymentLinks.retrieve(link.id)).not.toHaveProperty('line_items')
    const expanded = await suite.stripe.paymentLinks.retrieve(link.id, { expand: ['line_items'] })
    expect(expanded.line_items).toMatchObject({
      object: 'list',
      url: `/v1/payment_links/${link.id}/line_items`,
    })
    expect(expanded.line_items?.data).toEqual(items.data)

    const open = await fetch(link.url, { redirect: 'manual' })
    expect(open.status).toBe(303)
    const sessionUrl = String(open.headers.get('location'))
    const sessionId = sessionUrl.split('/').at(-1)!
    const session = await suite.stripe.checkout.sessions.retrieve(sessionId)
    expect(session).toMatchObject({ payment_link: link.id, amount_total: 5000, mode: 'payment' })
    const paid = await postPageForm(sessionUrl, CARD)
    expect(paid.location).toBe('http://shop.test/thanks')
    await suite.emulator.idle()
    const completed = suite.receiver.received.find((r) => r.event.type === 'checkout.session.completed')
    expect((completed?.event.data.object as Stripe.Checkout.Session | undefined)?.payment_link).toBe(link.id)
    const listed = await suite.stripe.checkout.sessions.list({ payment_link: link.id })
    expect(listed.data.map((s) => s.id)).toEqual([sessionId])
  })

  it('a recurring price makes a subscription link; deactivating shows the inactive message', async () => {
    const price = await suite.stripe.prices.create({
      currency: 'usd',
      unit_amount: 900,
      recurring: { interval: 'month' },
      product_data: { name: 'Club' },
    })
    const link = await suite.stripe.paymentLinks.create({ line_items: [{ price: price.id, quantity: 1 }] })
    const open = await fetch(link.url, { redirect: 'manual' })
    const session = await suite.stripe.checkout.sessions.retrieve(
      String(open.headers.get('location')).split('/').at(-1)!,
    )
    expect(session.mode).toBe('subscription')
    await suite.emulator.idle()
    const start = suite.receiver.received.length
    const off = await suite.stripe.paymentLinks.update(link.id, {
      active: false,
      inactive_message: 'Sold out',
    })
    expect(off.active).toBe(false)
    const closed = await fetch(link.url, { redirect: 'manual' })
    expect(closed.status).toBe(410)
    expect(await closed.text()).toContain('Sold out')
    expect((await suite.stripe.paymentLinks.list({ active: false })).data.map((l) => l.id)).toContain(link.id)
    await suite.emulator.idle()
    const updated = suite.receiver.received.slice(start).find((r) => r.event.type === 'payment_link.updated')
    expect(updated?.event.data.previous_attributes).toMatchObject({ active: true })
    await expect(
      suite.stripe.paymentLinks.create({ line_items: [{ price: 'price_nope', quantity: 1 }] }),
    ).rejects.toMatchObject({
      statusCode: 400,
      code: 'resource_missing',
      param: 'line_items[0][price]',
    })
    await expect(suite.stripe.paymentLinks.retrieve('plink_nope')).rejects.toMatchObject({ statusCode: 404 })
  })
})
