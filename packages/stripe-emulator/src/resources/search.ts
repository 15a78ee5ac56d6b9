/**
 * The `/search` endpoints of customers, prices, products, subscriptions, invoices, payment
 * intents and charges, with Stripe's query language (search-query.ts) and the search result
 * envelope (`object: 'search_result'`, `next_page` cursor, `has_more`, `total_count` when asked).
 * Results come newest first and are immediately consistent (Stripe's lag up to a minute is not
 * modelled).
 * @module
 */
import { invalidParam } from '../errors.js'
import { allowOnly, optInt, optStringArray, reqString } from '../params.js'
import { route } from '../registry.js'
import { type FieldReader, matchesQuery, parseQuery } from '../search-query.js'
import { listObjects } from '../state.js'

type Obj = Record<string, unknown>

const field =
  (name: string): FieldReader =>
  (o) =>
    o[name]
const metadata: FieldReader = (o, key) => (o.metadata as Record<string, string> | undefined)?.[key ?? '']
const idOf = (v: unknown): unknown => (v && typeof v === 'object' ? (v as Obj).id : v)
/** A dotted path (`payment_method_details.card.last4`) read from nested hashes. */
const path =
  (dotted: string): FieldReader =>
  (o) =>
    dotted.split('.').reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Obj)[k] : undefined), o)

const COMMON = { created: field('created'), metadata }

const RESOURCES: Record<string, { kind: string; fields: Record<string, FieldReader> }> = {
  customers: {
    kind: 'customer',
    fields: { ...COMMON, email: field('email'), name: field('name'), phone: field('phone') },
  },
  prices: {
    kind: 'price',
    fields: {
      ...COMMON,
      active: field('active'),
      currency: field('currency'),
      lookup_key: field('lookup_key'),
      product: (o) => idOf(o.product),
      type: field('type'),
    },
  },
  products: {
    kind: 'product',
    fields: {
      ...COMMON,
      active: field('active'),
      description: field('description'),
      name: field('name'),
      shippable: field('shippable'),
      url: field('url'),
    },
  },
  subscriptions: {
    kind: 'subscription',
    fields: {
      ...COMMON,
      status: field('status'),
      customer: (o) => idOf(o.customer),
      price: (o) => ((o.items as { data: Obj[] }).data[0]?.price as Obj | undefined)?.id,
    },
  },
  invoices: {
    kind: 'invoice',
    fields: {
      ...COMMON,
      customer: (o) => idOf(o.customer),
      currency: field('currency'),
      number: field('number'),
      receipt_number: field('receipt_number'),
      last_finalization_error_code: path('last_finalization_error.code'),
      last_finalization_error_type: path('last_finalization_error.type'),
      status: field('status'),
      total: field('total'),
      subscription: (o) =>
        idOf(
          (o.parent as Obj | null)?.subscription_details &&
            ((o.parent as Obj).subscription_details as Obj).subscription,
        ),
    },
  },
  payment_intents: {
    kind: 'payment_intent',
    fields: {
      ...COMMON,
      amount: field('amount'),
      currency: field('currency'),
      customer: (o) => idOf(o.customer),
      status: field('status'),
    },
  },
  charges: {
    kind: 'charge',
    fields: {
      ...COMMON,
      amount: field('amount'),
      currency: field('currency'),
      customer: (o) => idOf(o.customer),
      'billing_details.address.postal_code': path('billing_details.address.postal_code'),
      'payment_method_details.type': path('payment_method_details.type'),
      'payment_method_details.card.brand': path('payment_method_details.card.brand'),
      'payment_method_details.card.exp_month': path('payment_method_details.card.exp_month'),
      'payment_method_details.card.exp_year': path('payment_method_details.card.exp_year'),
      'payment_method_details.card.fingerprint': path('payment_method_details.card.fingerprint'),
      'payment_method_details.card.last4': path('payment_method_details.card.last4'),
      refunded: field('refunded'),
      status: field('status'),
      disputed: field('disputed'),
    },
  },
}

for (const [path, { kind, fields }] of Object.entries(RESOURCES)) {
  route('get', `/v1/${path}/search`, (ctx, params) => {
    allowOnly(params, ['query', 'limit', 'page'])
    const query = parseQuery(reqString(params, 'query'), fields)
    const limit = optInt(params, 'limit') ?? 10
    if (limit < 1 || limit > 100)
      throw invalidParam('limit', 'Invalid limit: must be between 1 and 100', 'parameter_invalid_integer')
    const page =
      params.page === undefined ? 0 : Number.parseInt(String(params.page).replace(/^page_/, ''), 10)
    if (!Number.isSafeInteger(page) || page < 0) throw invalidParam('page', 'Invalid page cursor.')
    const all = listObjects<Obj & { id: string }>(ctx.state, kind, (o) => matchesQuery(o, query, fields))
    const data = all.slice(page, page + limit)
    const more = page + limit < all.length
    const wantsTotal = (optStringArray(params, 'expand') ?? []).includes('total_count')
    return {
      object: 'search_result',
      data,
      has_more: more,
      next_page: more ? `page_${page + limit}` : null,
      url: `/v1/${path}/search`,
      ...(wantsTotal ? { total_count: all.length } : {}),
    }
  })
}
