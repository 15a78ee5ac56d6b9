import type Stripe from 'stripe'
import { describe, expect, it } from 'vitest'
import { assertStripeShape } from './shapes.js'
import { useEmulatorSuite } from './test-suite.js'

const suite = useEmulatorSuite()

const strip = <T extends object>(o: T): T => {
  const { lastResponse: _, ...rest } = o as T & { lastResponse?: unknown }
  return rest as T
}

function bankTransferIntent(customer: string, amount: number): Promise<Stripe.PaymentIntent> {
  return suite.stripe.paymentIntents.create({
    amount,
    currency: 'jpy',
    customer,
    payment_method_data: { type: 'customer_balance' },
    payment_method_options: {
      customer_balance: { funding_type: 'bank_transfer', bank_transfer: { type: 'jp_bank_account' } },
    },
    confirm: true,
  })
}

async function types(): Promise<string[]> {
  await suite.emulator.idle()
  return suite.receiver.received.map((r) => r.event.type)
}

describe('bank transfers into the customer cash balance (customer_balance)', () => {
  it('waits for the transfer, is partially funded, then paid; the surplus stays on the balance and pays the next one', async () => {
    const customer = await suite.stripe.customers.create({ email: 'jp@example.com' })
    const pi = await bankTransferIntent(customer.id, 20000)
    assertStripeShape(strip(pi))
    expect(pi.status).toBe('requires_action')
    expect(pi.next_action).toMatchObject({
      type: 'display_bank_transfer_instructions',
      display_bank_transfer_instructions: {
        amount_remaining: 20000,
        currency: 'jpy',
        type: 'jp_bank_account',
      },
    })
    expect(pi.next_action?.display_bank_transfer_instructions?.financial_addresses?.[0]?.type).toBe('zengin')
    await types()
    suite.receiver.received.length = 0

    const funded = await suite.stripe.testHelpers.customers.fundCashBalance(customer.id, {
      amount: 10000,
      currency: 'jpy',
    })
    assertStripeShape(strip(funded))
    expect(funded).toMatchObject({ type: 'funded', net_amount: 10000, ending_balance: 10000 })
    expect(await types()).toEqual([
      'customer_cash_balance_transaction.created',
      'cash_balance.funds_available',
      'customer_cash_balance_transaction.created',
      'payment_intent.partially_funded',
    ])
    const partial = await suite.stripe.paymentIntents.retrieve(pi.id)
    expect(partial.next_action?.display_bank_transfer_instructions?.amount_remaining).toBe(10000)
    expect(partial.status).toBe('requires_action')

    suite.receiver.received.length = 0
    await suite.stripe.testHelpers.customers.fundCashBalance(customer.id, { amount: 15000, currency: 'jpy' })
    const paid = await suite.stripe.paymentIntents.retrieve(pi.id, { expand: ['latest_charge'] })
    expect(paid).toMatchObject({ status: 'succeeded', amount_received: 20000, next_action: null })
    expect((paid.latest_charge as Stripe.Charge).payment_method_details?.type).toBe('customer_balance')
    expect(await types()).toContain('payment_intent.succeeded')
    const balance = await suite.stripe.customers.retrieveCashBalance(customer.id)
    expect(balance.available).toEqual({ jpy: 5000 })
    // The same object on the customer, only when expanded (as on Stripe).
    expect(await suite.stripe.customers.retrieve(customer.id)).not.toHaveProperty('cash_balance')
    const expanded = (await suite.stripe.customers.retrieve(customer.id, {
      expand: ['cash_balance'],
    })) as Stripe.Customer
    expect(expanded.cash_balance).toEqual(strip(balance))

    const next = await bankTransferIntent(customer.id, 3000)
    expect(next.status).toBe('succeeded')
    expect((await suite.stripe.customers.retrieveCashBalance(customer.id)).available).toEqual({ jpy: 2000 })
    const history = await suite.stripe.customers.listCashBalanceTransactions(customer.id, { limit: 10 })
    expect(history.data.map((t) => [t.type, t.net_amount])).toEqual([
      ['applied_to_payment', -3000],
      ['applied_to_payment', -10000],
      ['funded', 15000],
      ['applied_to_payment', -10000],
      ['funded', 10000],
    ])
  })

  it('refuses what it cannot model, by name: a bank transfer type for another currency, no customer, other methods’ options', async () => {
    const customer = await suite.stripe.customers.create({})
    await expect(
      suite.stripe.paymentIntents.create({
        amount: 1000,
        currency: 'usd',
        customer: customer.id,
        payment_method_data: { type: 'customer_balance' },
        payment_method_options: {
          customer_balance: { funding_type: 'bank_transfer', bank_transfer: { type: 'jp_bank_account' } },
        },
      }),
    ).rejects.toMatchObject({
      statusCode: 400,
      param: 'payment_method_options[customer_balance][bank_transfer][type]',
    })
    await expect(
      suite.stripe.paymentIntents.create({
        amount: 1000,
        currency: 'jpy',
        payment_method_data: { type: 'customer_balance' },
        payment_method_options: {
          customer_balance: { funding_type: 'bank_transfer', bank_transfer: { type: 'jp_bank_account' } },
        },
        confirm: true,
      }),
    ).rejects.toMatchObject({ statusCode: 400, param: 'customer' })
    await expect(
      suite.stripe.paymentIntents.create({
        amount: 1000,
        currency: 'usd',
        payment_method_options: { card: { request_three_d_secure: 'any' } },
      }),
    ).rejects.toMatchObject({
      statusCode: 400,
      code: 'parameter_unsupported',
      param: 'payment_method_options[card]',
    })
    await expect(
      suite.stripe.paymentIntents.create({
        amount: 1000,
        currency: 'usd',
        payment_method_data: { type: 'us_bank_account' },
      }),
    ).rejects.toMatchObject({
      statusCode: 400,
      code: 'parameter_unsupported',
      param: 'payment_method_data[type]',
    })
    // The Node SDK's own p24 example: the method's hash is a name Stripe knows, so it is the
    // unmodelled type that is refused, not an "unknown" p24.
    await expect(
      suite.stripe.paymentIntents.create({
        amount: 200,
        currency: 'usd',
        payment_method_data: { type: 'p24', p24: { bank: 'blik' } },
      }),
    ).rejects.toMatchObject({
      statusCode: 400,
      code: 'parameter_unsupported',
      param: 'payment_method_data[type]',
    })
  })
})
