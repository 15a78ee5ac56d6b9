import Stripe from 'stripe'
import { beforeAll, describe, expect, it } from 'vitest'
import { advanceClock, monthlyPrice, T0 } from './billing/test-helpers.js'
import { assertStripeShape } from './shapes.js'
import { useEmulatorSuite } from './test-suite.js'

const suite = useEmulatorSuite()
let price: Stripe.Price

beforeAll(async () => {
  price = await monthlyPrice(suite.stripe, 1500)
})

const strip = <T extends object>(o: T): T => {
  const { lastResponse: _, ...rest } = o as T & { lastResponse?: unknown }
  return rest as T
}

async function types(): Promise<string[]> {
  await suite.emulator.idle()
  return suite.receiver.received.map((r) => r.event.type)
}

describe('legacy card sources on customers (source=tok_…)', () => {
  it('a customer created with source=tok_visa has it as default_source and pays a subscription with it', async () => {
    const customer = await suite.stripe.customers.create({ source: 'tok_visa', expand: ['sources'] })
    expect(customer.default_source).toMatch(/^card_/)
    expect(customer.sources?.data).toHaveLength(1)
    const card = customer.sources!.data[0] as Stripe.Card
    assertStripeShape(strip(card))
    expect(card).toMatchObject({ object: 'card', brand: 'Visa', last4: '4242', customer: customer.id })
    expect(await types()).toEqual(['customer.created', 'customer.source.created'])

    const sub = await suite.stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: price.id }],
      expand: ['latest_invoice'],
    })
    expect(sub.status).toBe('active')
    expect((sub.latest_invoice as Stripe.Invoice).status).toBe('paid')
  })

  it('a declining token is refused on create with a card_error and leaves no customer behind', async () => {
    const before = (await suite.stripe.customers.list({ limit: 100 })).data.length
    const err = await suite.stripe.customers.create({ source: 'tok_chargeDeclined' }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(Stripe.errors.StripeCardError)
    expect((err as Stripe.errors.StripeCardError).code).toBe('card_declined')
    expect((await suite.stripe.customers.list({ limit: 100 })).data.length).toBe(before)
  })

  it('a card source whose charges fail (tok_chargeCustomerFail) leaves the subscription incomplete', async () => {
    const customer = await suite.stripe.customers.create({ source: 'tok_chargeCustomerFail' })
    const sub = await suite.stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: price.id }],
    })
    expect(sub.status).toBe('incomplete')
  })

  it('/sources: create (first becomes default), update with previous_attributes, list, retrieve, delete', async () => {
    const customer = await suite.stripe.customers.create({ email: 'src@example.com' })
    await types()
    suite.receiver.received.length = 0
    const card = (await suite.stripe.customers.createSource(customer.id, {
      source: 'tok_mastercard',
      metadata: { k: 'v' },
    })) as Stripe.Card
    expect(card).toMatchObject({ brand: 'MasterCard', last4: '4444', metadata: { k: 'v' } })
    expect((await suite.stripe.customers.retrieve(customer.id)) as Stripe.Customer).toMatchObject({
      default_source: card.id,
    })
    const second = (await suite.stripe.customers.createSource(customer.id, {
      source: 'tok_amex',
    })) as Stripe.Card
    expect(await types()).toEqual(['customer.source.created', 'customer.updated', 'customer.source.created'])
    suite.receiver.received.length = 0

    const updated = (await suite.stripe.customers.updateSource(customer.id, card.id, {
      name: 'Ada Lovelace',
      exp_month: '4',
    } as Stripe.CustomerUpdateSourceParams)) as Stripe.Card
    expect(updated).toMatchObject({ name: 'Ada Lovelace', exp_month: 4 })
    await suite.emulator.idle()
    const [event] = suite.receiver.received
    expect(event?.event.type).toBe('customer.source.updated')
    expect(event?.event.data.previous_attributes).toEqual({ name: null, exp_month: 12 })

    const list = await suite.stripe.customers.listSources(customer.id, { object: 'card' })
    expect(list.data.map((c) => c.id)).toEqual([second.id, card.id])
    expect((await suite.stripe.customers.retrieveSource(customer.id, second.id)).id).toBe(second.id)

    suite.receiver.received.length = 0
    const deleted = await suite.stripe.customers.deleteSource(customer.id, card.id)
    expect(strip(deleted)).toEqual({ id: card.id, object: 'card', deleted: true })
    expect(await types()).toEqual(['customer.source.deleted', 'customer.updated'])
    expect((await suite.stripe.customers.retrieve(customer.id)) as Stripe.Customer).toMatchObject({
      default_source: second.id,
    })
    const missing = await suite.stripe.customers.retrieveSource(customer.id, card.id).catch((e: unknown) => e)
    expect(missing).toMatchObject({ statusCode: 404, code: 'resource_missing' })
  })

  it('update: source replaces the default (the old one is deleted); default_source must be one of its sources', async () => {
    const customer = await suite.stripe.customers.create({ source: 'tok_visa' })
    const first = String(customer.default_source)
    const other = await suite.stripe.customers.create({ source: 'tok_visa' })
    await types()
    suite.receiver.received.length = 0
    const updated = await suite.stripe.customers.update(customer.id, { source: 'tok_mastercard' })
    expect(updated.default_source).not.toBe(first)
    expect(await types()).toEqual(['customer.source.created', 'customer.source.deleted', 'customer.updated'])
    const wrong = await suite.stripe.customers
      .update(customer.id, { default_source: String(other.default_source) })
      .catch((e: unknown) => e)
    expect(wrong).toMatchObject({ statusCode: 400, code: 'resource_missing', param: 'default_source' })
    const bank = await suite.stripe.customers
      .createSource(customer.id, { source: 'btok_123' })
      .catch((e: unknown) => e)
    expect(bank).toMatchObject({ statusCode: 400, param: 'source' })
  })

  it('customer.source.expiring comes at the start of the month the card expires (customer on a test clock)', async () => {
    const clock = await suite.stripe.testHelpers.testClocks.create({ frozen_time: T0 }) // 2026-01-15
    const customer = await suite.stripe.customers.create({ test_clock: clock.id, source: 'tok_visa' })
    const card = String(customer.default_source)
    await suite.stripe.customers.updateSource(customer.id, card, {
      exp_month: '3',
      exp_year: '2026',
    } as Stripe.CustomerUpdateSourceParams)
    await advanceClock(suite.stripe, clock.id, Date.UTC(2026, 2, 1) / 1000 - 60)
    const expiring = () => suite.receiver.received.filter((r) => r.event.type === 'customer.source.expiring')
    await suite.emulator.idle()
    expect(expiring()).toHaveLength(0)
    await advanceClock(suite.stripe, clock.id, Date.UTC(2026, 2, 1) / 1000 + 60)
    await suite.emulator.idle()
    expect(expiring().map((r) => (r.event.data.object as Stripe.Card).id)).toEqual([card])
  })
})
