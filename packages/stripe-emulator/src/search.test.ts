import { describe, expect, it } from 'vitest'
import { useEmulatorSuite } from './test-suite.js'

const suite = useEmulatorSuite()

describe("search endpoints with Stripe's query language", () => {
  it('finds customers by exact email, substring name and metadata, with AND / OR / negation', async () => {
    const s = suite.stripe
    const ada = await s.customers.create({
      email: 'ada@search.test',
      name: 'Ada Lovelace',
      metadata: { tier: 'gold' },
    })
    const bob = await s.customers.create({
      email: 'bob@search.test',
      name: 'Bob Byron',
      metadata: { tier: 'free' },
    })
    const ids = async (query: string) => (await s.customers.search({ query })).data.map((c) => c.id)
    expect(await ids("email:'ADA@search.test'")).toEqual([ada.id])
    expect(await ids("name~'love'")).toEqual([ada.id])
    expect(await ids("metadata['tier']:'gold'")).toEqual([ada.id])
    expect(await ids("email~'search.test' AND -metadata['tier']:'gold'")).toEqual([bob.id])
    expect(await ids("email:'ada@search.test' OR email:'bob@search.test'")).toEqual([bob.id, ada.id])
    expect(await ids(`created>=${ada.created} AND email~'search.test'`)).toEqual([bob.id, ada.id])
  })

  it('pages with next_page, counts with expand total_count, and searches the other resources', async () => {
    const s = suite.stripe
    const product = await s.products.create({ name: 'Searchable widget', metadata: { line: 'w' } })
    for (const amount of [100, 200, 300]) {
      await s.prices.create({
        product: product.id,
        currency: 'usd',
        unit_amount: amount,
        lookup_key: `w_${amount}`,
      })
    }
    const first = await s.prices.search({
      query: `product:'${product.id}'`,
      limit: 2,
      expand: ['total_count'],
    })
    expect(first).toMatchObject({ object: 'search_result', has_more: true, total_count: 3 })
    expect(first.data).toHaveLength(2)
    const second = await s.prices.search({
      query: `product:'${product.id}'`,
      limit: 2,
      page: first.next_page!,
    })
    expect(second).toMatchObject({ has_more: false, next_page: null })
    expect(second.data.map((p) => p.unit_amount)).toEqual([100])
    expect((await s.products.search({ query: "name~'widget' AND active:'true'" })).data[0]?.id).toBe(
      product.id,
    )
    const pi = await s.paymentIntents.create({
      amount: 4321,
      currency: 'usd',
      payment_method: 'pm_card_visa',
      confirm: true,
    })
    expect((await s.paymentIntents.search({ query: 'amount:4321' })).data.map((p) => p.id)).toEqual([pi.id])
    expect(
      (await s.charges.search({ query: "amount>4320 AND status:'succeeded'" })).data[0]?.payment_intent,
    ).toBe(pi.id)
    await expect(s.subscriptions.search({ query: "status:'active'" })).resolves.toMatchObject({
      object: 'search_result',
    })
    await expect(s.invoices.search({ query: "status:'paid'" })).resolves.toMatchObject({
      object: 'search_result',
    })
  })

  it('refuses malformed queries, unknown fields and mixed AND / OR with 400 naming query', async () => {
    for (const query of ["email:'a' AND name:'b' OR name:'c'", "colour:'red'", 'email', "name~'ab'"]) {
      await expect(suite.stripe.customers.search({ query })).rejects.toMatchObject({
        statusCode: 400,
        param: 'query',
      })
    }
    await expect(suite.stripe.customers.search({ query: '' })).rejects.toMatchObject({ statusCode: 400 })
  })

  it("searches Stripe's other documented fields: nested charge card fields, invoice numbers, shippable products", async () => {
    const s = suite.stripe
    const pi = await s.paymentIntents.create({
      amount: 2718,
      currency: 'usd',
      payment_method: 'pm_card_mastercard',
      confirm: true,
    })
    const charges = async (query: string) =>
      (await s.charges.search({ query })).data.map((c) => c.payment_intent)
    expect(await charges("payment_method_details.card.brand:'mastercard' AND amount:2718")).toEqual([pi.id])
    expect(await charges("payment_method_details.card.last4:'4444' AND amount:2718")).toEqual([pi.id])
    expect(await charges("payment_method_details.type:'card' AND amount:2718")).toEqual([pi.id])
    expect(await charges("payment_method_details.card.last4:'4242' AND amount:2718")).toEqual([])
    const shipped = await s.products.create({ name: 'Boxed set', shippable: true })
    expect(
      (await s.products.search({ query: "shippable:'true' AND name~'boxed'" })).data.map((p) => p.id),
    ).toEqual([shipped.id])
    const customer = await s.customers.create({ email: 'receipts@search.test' })
    await s.invoiceItems.create({ customer: customer.id, amount: 900, currency: 'usd' })
    const invoice = await s.invoices.create({
      customer: customer.id,
      pending_invoice_items_behavior: 'include',
    })
    const open = await s.invoices.finalizeInvoice(invoice.id)
    const invoices = async (query: string) => (await s.invoices.search({ query })).data.map((i) => i.id)
    expect(await invoices(`number:'${open.number}'`)).toEqual([invoice.id])
    expect(await invoices(`customer:'${customer.id}' AND receipt_number:null`)).toEqual([invoice.id])
    expect(await invoices(`customer:'${customer.id}' AND -last_finalization_error_code:null`)).toEqual([])
    await expect(s.charges.search({ query: "payment_method_details:'card'" })).rejects.toMatchObject({
      statusCode: 400,
      param: 'query',
    })
  })
})
