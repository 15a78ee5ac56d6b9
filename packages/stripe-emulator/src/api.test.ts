import Stripe from 'stripe'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { decodeParams } from './params.js'
import { startTestEmulator, TEST_KEY, type TestEmulator } from './testing.js'

let t: TestEmulator
let stripe: Stripe

beforeAll(async () => {
  t = await startTestEmulator()
  stripe = t.stripe
})
afterAll(() => t.close())

async function raw(path: string, init: RequestInit & { key?: string | null } = {}): Promise<Response> {
  const headers = new Headers(init.headers)
  if (init.key !== null) headers.set('authorization', `Bearer ${init.key ?? TEST_KEY}`)
  return fetch(`${t.url}${path}`, { ...init, headers })
}

describe('wire format', () => {
  it('decodes indexed, non-indexed and %-encoded brackets alike', () => {
    expect(
      decodeParams(
        new URLSearchParams('line_items[0][price]=p1&line_items[1][price]=p2&line_items[1][quantity]=2'),
      ),
    ).toEqual({
      line_items: [{ price: 'p1' }, { price: 'p2', quantity: '2' }],
    })
    expect(
      decodeParams(new URLSearchParams('items[][price]=a&items[][quantity]=1&items[][price]=b')),
    ).toEqual({
      items: [{ price: 'a', quantity: '1' }, { price: 'b' }],
    })
    expect(decodeParams(new URLSearchParams('metadata%5Ba%5D=1&expand%5B0%5D=x'))).toEqual({
      metadata: { a: '1' },
      expand: ['x'],
    })
  })

  it('treats an empty string as unset (metadata keys, nullable fields)', async () => {
    const c = await stripe.customers.create({
      email: 'a@example.com',
      name: 'Ann',
      metadata: { a: '1', b: '2' },
    })
    const u = await stripe.customers.update(c.id, { name: '', metadata: { a: '' } })
    expect(u.name).toBeNull()
    expect(u.metadata).toEqual({ b: '2' })
    const cleared = await stripe.customers.update(c.id, { metadata: '' as unknown as Stripe.MetadataParam })
    expect(cleared.metadata).toEqual({})
  })

  it('nests hashes inside non-indexed array elements as Rack does', () => {
    const pairs = new URLSearchParams(
      'items[][price_data][currency]=usd&items[][price_data][unit_amount]=5&items[][quantity]=2' +
        '&items[][price_data][currency]=eur&a[b][c][0][d]=1&a[b][c][1][d]=2',
    )
    expect(decodeParams(pairs)).toEqual({
      items: [
        { price_data: { currency: 'usd', unit_amount: '5' }, quantity: '2' },
        { price_data: { currency: 'eur' } },
      ],
      a: { b: { c: [{ d: '1' }, { d: '2' }] } },
    })
  })

  it("reads booleans as Stripe does: True/False (Python's spelling) too, anything else refused", async () => {
    const form = (body: string) =>
      raw('/v1/products', {
        method: 'POST',
        body,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      })
    const off = await form('name=Off&active=False')
    expect(off.status).toBe(200)
    expect(((await off.json()) as Stripe.Product).active).toBe(false)
    const on = await form('name=On&active=True')
    expect(((await on.json()) as Stripe.Product).active).toBe(true)
    const bad = await form('name=Bad&active=yes')
    expect(bad.status).toBe(400)
    expect(await bad.json()).toMatchObject({ error: { param: 'active', type: 'invalid_request_error' } })
  })

  it('answers with Request-Id and never stripe-notice', async () => {
    const res = await raw('/v1/customers?limit=1')
    expect(res.headers.get('request-id')).toMatch(/^req_/)
    expect(res.headers.get('stripe-notice')).toBeNull()
  })

  it('reads GET params from the query', async () => {
    await stripe.customers.create({ email: 'query@example.com' })
    const list = await stripe.customers.list({ email: 'query@example.com' })
    expect(list.data.map((c) => c.email)).toEqual(['query@example.com'])
  })
})

describe('authentication and errors', () => {
  it("401s without a key and with a malformed one, in Stripe's envelope", async () => {
    const none = await raw('/v1/customers', { key: null })
    expect(none.status).toBe(401)
    expect(((await none.json()) as { error: { message: string } }).error.message).toMatch(
      /did not provide an API key/,
    )
    const bad = new Stripe('pk_live_whatever_1234', {
      host: '127.0.0.1',
      port: Number(new URL(t.url).port),
      protocol: 'http',
    })
    await expect(bad.customers.list()).rejects.toBeInstanceOf(Stripe.errors.StripeAuthenticationError)
  })

  it('404s an unknown id with resource_missing and param id', async () => {
    const err = await stripe.customers.retrieve('cus_missing').catch((e: unknown) => e)
    expect(err).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError)
    expect(err).toMatchObject({
      statusCode: 404,
      code: 'resource_missing',
      param: 'id',
      message: "No such customer: 'cus_missing'",
    })
    expect((err as Stripe.errors.StripeError).requestId).toMatch(/^req_/)
  })

  it('answers 400 naming the referring param when a referenced object is missing', async () => {
    const err = await stripe.prices
      .create({ currency: 'usd', unit_amount: 100, product: 'prod_nope' })
      .catch((e: unknown) => e)
    expect(err).toMatchObject({ statusCode: 400, code: 'resource_missing', param: 'product' })
  })

  it('404s an unknown route with Unrecognized request URL', async () => {
    const res = await raw('/v1/nothing_here')
    expect(res.status).toBe(404)
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(
      /^Unrecognized request URL \(GET: \/v1\/nothing_here\)/,
    )
  })

  it("rejects unknown and missing params with Stripe's codes, never a 500", async () => {
    await expect(
      stripe.products.create({ name: 'x', colour: 'red' } as Stripe.ProductCreateParams),
    ).rejects.toMatchObject({
      statusCode: 400,
      code: 'parameter_unknown',
      param: 'colour',
    })
    await expect(stripe.products.create({} as Stripe.ProductCreateParams)).rejects.toMatchObject({
      code: 'parameter_missing',
      param: 'name',
    })
    await expect(
      stripe.prices.create({
        currency: 'usd',
        unit_amount: 'ten' as unknown as number,
        product_data: { name: 'x' },
      }),
    ).rejects.toMatchObject({ statusCode: 400, code: 'parameter_invalid_integer' })
    await expect(stripe.customers.list({ limit: 1000 })).rejects.toMatchObject({ statusCode: 400 })
    const garbage = await raw('/v1/customers', {
      method: 'POST',
      body: 'metadata[[[=1&&&=',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    })
    expect(garbage.status).toBeLessThan(500)
  })
})

describe('idempotency', () => {
  it('replays the same request with Idempotent-Replayed and the same object', async () => {
    const a = await stripe.customers.create({ email: 'idem@example.com' }, { idempotencyKey: 'idem-1' })
    const b = await stripe.customers.create({ email: 'idem@example.com' }, { idempotencyKey: 'idem-1' })
    expect(b.id).toBe(a.id)
    expect(b.lastResponse.headers['idempotent-replayed']).toBe('true')
    expect((await stripe.customers.list({ email: 'idem@example.com' })).data).toHaveLength(1)
  })

  it('refuses the same key on another endpoint as an idempotency_error', async () => {
    await stripe.customers.create({ email: 'ep@example.com' }, { idempotencyKey: 'endpoint-key' })
    await expect(
      stripe.products.create({ name: 'x' }, { idempotencyKey: 'endpoint-key' }),
    ).rejects.toMatchObject({
      type: 'StripeIdempotencyError',
      statusCode: 400,
    })
  })

  it('refuses the same key with other params as an idempotency_error', async () => {
    await stripe.customers.create({ email: 'one@example.com' }, { idempotencyKey: 'idem-2' })
    const err = await stripe.customers
      .create({ email: 'two@example.com' }, { idempotencyKey: 'idem-2' })
      .catch((e: unknown) => e)
    expect(err).toBeInstanceOf(Stripe.errors.StripeIdempotencyError)
    expect((err as Error).message).toMatch(
      /Keys for idempotent requests can only be used with the same parameters/,
    )
  })

  it('replays failures too, but not parameter validation errors', async () => {
    const first = await stripe.customers.retrieve('cus_x').catch((e: unknown) => e)
    expect(first).toMatchObject({ statusCode: 404 })
    await expect(
      stripe.products.create({} as Stripe.ProductCreateParams, { idempotencyKey: 'idem-3' }),
    ).rejects.toMatchObject({ code: 'parameter_missing' })
    const ok = await stripe.products
      .create({ name: 'Now valid' }, { idempotencyKey: 'idem-3' })
      .catch((e: unknown) => e)
    // Different params from the failed validation attempt: still accepted, because that failure was not saved.
    expect(ok).toMatchObject({ object: 'product', name: 'Now valid' })
  })
})

describe('lists and expand', () => {
  it('paginates newest first with has_more, cursors both ways, and SDK auto-pagination', async () => {
    const ids: string[] = []
    for (let i = 0; i < 7; i++)
      ids.push((await stripe.products.create({ name: `P${i}`, metadata: { batch: 'page' } })).id)
    const newestFirst = [...ids].reverse()
    const page1 = await stripe.products.list({ limit: 3, ids })
    expect(page1.data.map((p) => p.id)).toEqual(newestFirst.slice(0, 3))
    expect(page1.has_more).toBe(true)
    expect(page1.url).toBe('/v1/products')
    const page2 = await stripe.products.list({ limit: 3, ids, starting_after: page1.data[2]!.id })
    expect(page2.data.map((p) => p.id)).toEqual(newestFirst.slice(3, 6))
    const back = await stripe.products.list({ limit: 2, ids, ending_before: page2.data[0]!.id })
    expect(back.data.map((p) => p.id)).toEqual(newestFirst.slice(1, 3))
    expect(back.has_more).toBe(true)
    const all: string[] = []
    for await (const p of stripe.products.list({ limit: 2, ids })) all.push(p.id)
    expect(all).toEqual(newestFirst)
  })

  it('expands ids, list data and nested paths', async () => {
    const product = await stripe.products.create({
      name: 'Expandable',
      default_price_data: { currency: 'eur', unit_amount: 500 },
    })
    const withPrice = await stripe.products.retrieve(product.id, { expand: ['default_price.product'] })
    const price = withPrice.default_price as Stripe.Price
    expect(price.unit_amount).toBe(500)
    expect((price.product as Stripe.Product).name).toBe('Expandable')
    const list = await stripe.prices.list({ product: product.id, expand: ['data.product'] })
    expect((list.data[0]!.product as Stripe.Product).id).toBe(product.id)
    await expect(stripe.products.retrieve(product.id, { expand: ['nothing'] })).rejects.toMatchObject({
      statusCode: 400,
    })
  })
})
