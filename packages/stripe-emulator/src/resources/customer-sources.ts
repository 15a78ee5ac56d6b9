/**
 * Legacy card sources on customers (`card_…`): `source=tok_…` on customer create/update and
 * `/v1/customers/:id/sources` (create, retrieve, update, list, delete). As on Stripe, the first
 * source becomes the customer's `default_source`, and invoices charge it when neither the
 * subscription nor `invoice_settings` names a PaymentMethod. A card source is charged through a
 * hidden card PaymentMethod carrying the test card's behaviour, so declines and 3DS apply as for
 * PaymentMethods; charges name that PaymentMethod (`pm_…`), not the `card_…` id.
 *
 * Events: `customer.source.created`, `.updated` (with `previous_attributes`), `.deleted`,
 * `.expiring` (at the start of the month the card expires, on the customer's clock), and
 * `customer.updated` when `default_source` changes on an existing customer.
 * Only card tokens (`tok_visa`, `tok_chargeDeclined`, …) are modelled: bank accounts and `src_…`
 * Sources are refused.
 * @module
 */
import type Stripe from 'stripe'
import type { Ctx } from '../context.js'
import { updateWithEvent } from '../diff.js'
import { invalidParam, invalidRequest, noSuch } from '../errors.js'
import { newId } from '../ids.js'
import { LIST_PARAMS, paginate } from '../list.js'
import {
  allowOnly,
  applyMetadata,
  nullableString,
  onlyDefault,
  optInt,
  optString,
  reqString,
} from '../params.js'
import { includable, registerAction, route } from '../registry.js'
import { deleteObject, getObject, hiddenOf, insertObject, listObjects } from '../state.js'
import { refuseDecliningCard } from './card-declines.js'
import { fromMagic, magicCard, sourcePaymentMethod } from './cards.js'
import { clockOfCustomer, setSourceHooks } from './customers.js'

type SourceHidden = { paymentMethod?: string }

const BRANDS: Record<string, string> = {
  visa: 'Visa',
  mastercard: 'MasterCard',
  amex: 'American Express',
}

function sourcesOf(ctx: Ctx, customerId: string): Stripe.Card[] {
  return listObjects<Stripe.Card>(ctx.state, 'card', (c) => c.customer === customerId)
}

/** Creates a card source from a `tok_…` test token and stores it on the customer. */
function createCard(ctx: Ctx, customerId: string, token: string, param: string): Stripe.Card {
  const test = magicCard(token)
  if (!test || !token.startsWith('tok_')) {
    if (/^(src|ba|btok)_/.test(token))
      throw invalidParam(param, 'The Tollgate emulator models card sources from tok_… test tokens only.')
    throw invalidRequest(`No such token: '${token}'`, 'resource_missing', param)
  }
  const pm = fromMagic(ctx, test)
  refuseDecliningCard(ctx, pm)
  const details = pm.card!
  const card: Stripe.Card = {
    id: newId('card', 24),
    object: 'card',
    address_city: null,
    address_country: null,
    address_line1: null,
    address_line1_check: null,
    address_line2: null,
    address_state: null,
    address_zip: null,
    address_zip_check: null,
    allow_redisplay: 'unspecified',
    brand: BRANDS[details.brand] ?? 'Unknown',
    country: details.country,
    customer: customerId,
    cvc_check: 'pass',
    dynamic_last4: null,
    exp_month: details.exp_month,
    exp_year: details.exp_year,
    fingerprint: details.fingerprint,
    funding: details.funding,
    last4: details.last4,
    metadata: {},
    name: null,
    regulated_status: 'unregulated',
    tokenization_method: null,
  } as Stripe.Card
  insertObject(ctx.state, card)
  // The backing PaymentMethod is private to the source: not attached, never listed as the customer's.
  hiddenOf<SourceHidden>(ctx.state, card.id).paymentMethod = pm.id
  scheduleExpiring(ctx, card)
  return card
}

/** `customer.source.expiring` at 00:00 UTC on the first day of the card's expiry month. */
function scheduleExpiring(ctx: Ctx, card: Stripe.Card): void {
  ctx.unschedule((j) => j.action === 'source.expiring' && j.data.card === card.id)
  const at = Date.UTC(card.exp_year, card.exp_month - 1, 1) / 1000
  const clock = clockOfCustomer(ctx, String(card.customer))
  if (at > ctx.now(clock)) ctx.schedule(at, clock, 'source.expiring', { card: card.id, at })
}

registerAction('source.expiring', (ctx, data) => {
  const card = ctx.state.objects[String(data.card)] as unknown as Stripe.Card | undefined
  if (card?.object !== 'card') return
  if (Date.UTC(card.exp_year, card.exp_month - 1, 1) / 1000 !== data.at) return
  ctx.emit('customer.source.expiring', card)
})

function removeCard(ctx: Ctx, customer: Stripe.Customer, id: string): Stripe.Card {
  const card = getCard(ctx, customer, id)
  const pm = sourcePaymentMethod(ctx, id)
  deleteObject(ctx.state, id)
  if (pm) deleteObject(ctx.state, pm)
  ctx.unschedule((j) => j.action === 'source.expiring' && j.data.card === id)
  ctx.emit('customer.source.deleted', card)
  return card
}

setSourceHooks({
  create: (ctx, customerId, token) => createCard(ctx, customerId, token, 'source').id,
  replaceDefault: (ctx, customer, token) => {
    // As on Stripe: the new source becomes the default and the old default is deleted.
    const card = createCard(ctx, customer.id, token, 'source')
    ctx.emit('customer.source.created', card)
    const old = typeof customer.default_source === 'string' ? customer.default_source : null
    if (old && ctx.state.objects[old]) removeCard(ctx, customer, old)
    return card.id
  },
  check: (ctx, customer, id) => {
    if (!findCard(ctx, customer, id))
      throw invalidRequest(`No such source: '${id}'`, 'resource_missing', 'default_source')
  },
})

function getCustomer(ctx: Ctx, id: string): Stripe.Customer {
  return getObject<Stripe.Customer>(ctx.state, 'customer', id)
}

function findCard(ctx: Ctx, customer: Stripe.Customer, id: string): Stripe.Card | undefined {
  const card = ctx.state.objects[id] as unknown as Stripe.Card | undefined
  return card?.object === 'card' && card.customer === customer.id ? card : undefined
}

function getCard(ctx: Ctx, customer: Stripe.Customer, id: string): Stripe.Card {
  const card = findCard(ctx, customer, id)
  if (!card) throw noSuch('source', id)
  return card
}

route('post', '/v1/customers/:id/sources', (ctx, params, path) => {
  allowOnly(params, ['source', 'metadata', 'validate'])
  onlyDefault(params, 'validate', (v) => String(v).toLowerCase() === 'true')
  const customer = getCustomer(ctx, path.id!)
  const card = createCard(ctx, customer.id, reqString(params, 'source'), 'source')
  card.metadata = applyMetadata({}, params)
  ctx.emit('customer.source.created', card)
  if (!customer.default_source)
    updateWithEvent(ctx, customer, 'customer.updated', (c) => {
      c.default_source = card.id
    })
  return card
})
route('get', '/v1/customers/:id/sources', (ctx, params, path) => {
  allowOnly(params, [...LIST_PARAMS, 'object'])
  const customer = getCustomer(ctx, path.id!)
  const kind = optString(params, 'object')
  const items = kind === undefined || kind === 'card' ? sourcesOf(ctx, customer.id) : []
  return paginate(items, params, `/v1/customers/${customer.id}/sources`)
})
route('get', '/v1/customers/:id/sources/:source', (ctx, params, path) => {
  allowOnly(params, [])
  return getCard(ctx, getCustomer(ctx, path.id!), path.source!)
})

const ADDRESS = [
  'address_city',
  'address_country',
  'address_line1',
  'address_line2',
  'address_state',
  'address_zip',
] as const

route('post', '/v1/customers/:id/sources/:source', (ctx, params, path) => {
  allowOnly(params, [...ADDRESS, 'exp_month', 'exp_year', 'metadata', 'name'])
  const card = getCard(ctx, getCustomer(ctx, path.id!), path.source!)
  const month = optInt(params, 'exp_month')
  if (month !== undefined && (month < 1 || month > 12))
    throw invalidParam('exp_month', "Your card's expiration month is invalid.", 'invalid_expiry_month')
  const year = optInt(params, 'exp_year')
  if (year !== undefined && year < 2000)
    throw invalidParam('exp_year', "Your card's expiration year is invalid.", 'invalid_expiry_year')
  const updated = updateWithEvent(ctx, card, 'customer.source.updated', (c) => {
    for (const key of ADDRESS) {
      const value = nullableString(params, key)
      if (value !== undefined) c[key] = value
    }
    const name = nullableString(params, 'name')
    if (name !== undefined) c.name = name
    if (month !== undefined) c.exp_month = month
    if (year !== undefined) c.exp_year = year
    c.metadata = applyMetadata(c.metadata ?? {}, params)
  })
  if (month !== undefined || year !== undefined) scheduleExpiring(ctx, updated)
  return updated
})
route('delete', '/v1/customers/:id/sources/:source', (ctx, params, path) => {
  allowOnly(params, [])
  const customer = getCustomer(ctx, path.id!)
  const card = removeCard(ctx, customer, path.source!)
  if (customer.default_source === card.id)
    updateWithEvent(ctx, customer, 'customer.updated', (c) => {
      c.default_source = sourcesOf(ctx, customer.id)[0]?.id ?? null
    })
  return { id: card.id, object: 'card', deleted: true }
})

includable('customer', 'sources', (ctx, customer) => ({
  object: 'list',
  url: `/v1/customers/${String(customer.id)}/sources`,
  has_more: false,
  data: sourcesOf(ctx, String(customer.id)),
}))
