/**
 * Customers: create, retrieve, update, list (with the `email` filter), delete. `test_clock` ties a
 * customer (and everything billed to it) to a test clock.
 * @module
 */
import type Stripe from 'stripe'
import type { Ctx } from '../context.js'
import { updateWithEvent } from '../diff.js'
import { invalidParam, missingParam } from '../errors.js'
import { newId } from '../ids.js'
import { LIST_PARAMS, paginate } from '../list.js'
import {
  allowOnly,
  applyMetadata,
  inRange,
  nullableString,
  optArray,
  optEnum,
  optInt,
  optObject,
  optRange,
  optString,
  optStringArray,
  type Params,
  reqString,
} from '../params.js'
import { includable, route } from '../registry.js'
import { deleteObject, getObject, hiddenOf, insertObject, listObjects } from '../state.js'
import { customerDiscountChange } from './customer-discounts.js'
import { insertTaxId, readTaxId } from './tax-ids.js'

// The SDK's CustomerCreateParams / CustomerUpdateParams (coupon and promotion_code are gone since basil).
// Modelled parameters. Stripe's others (`cash_balance`, `tax`, `validate`, business/individual
// names) are refused as unsupported by the app layer (sdk-params.ts), never accepted and dropped.
// `source` / `default_source` are legacy card sources (customer-sources.ts).
const COMMON = [
  'address',
  'balance',
  'description',
  'email',
  'invoice_prefix',
  'invoice_settings',
  'metadata',
  'name',
  'next_invoice_sequence',
  'phone',
  'preferred_locales',
  'shipping',
  'tax_exempt',
] as const
// `coupon` / `promotion_code`: legacy (removed from the SDK's types in basil), still sent by older
// clients and the Stripe CLI's customer.discount.* fixtures; see customer-discounts.ts.
const LEGACY = ['coupon', 'promotion_code'] as const
const CREATE = [...COMMON, ...LEGACY, 'payment_method', 'test_clock', 'tax_id_data', 'source'] as const
const UPDATE = [...COMMON, ...LEGACY, 'source', 'default_source'] as const
const ADDRESS_KEYS = ['city', 'country', 'line1', 'line2', 'postal_code', 'state'] as const
const TAX_EXEMPT = ['none', 'exempt', 'reverse'] as const

function readAddress(params: Params, name: string): Stripe.Address {
  allowOnly(params, ADDRESS_KEYS, name)
  const address: Stripe.Address = {
    city: null,
    country: null,
    line1: null,
    line2: null,
    postal_code: null,
    state: null,
  }
  for (const key of ADDRESS_KEYS) address[key] = nullableString(params, key, `${name}[${key}]`) ?? null
  return address
}

function readShipping(params: Params): Stripe.Customer.Shipping {
  allowOnly(params, ['address', 'name', 'phone'], 'shipping')
  const address = optObject(params, 'address', 'shipping[address]')
  if (!address) throw missingParam('shipping[address]')
  return {
    address: readAddress(address, 'shipping[address]'),
    name: reqString(params, 'name', 'shipping[name]'),
    phone: nullableString(params, 'phone', 'shipping[phone]') ?? null,
  }
}

/** Fields create and update set alike; `''` unsets the nullable ones, as Stripe does. */
function applyContactFields(c: Stripe.Customer, params: Params): void {
  if (params.address !== undefined) {
    const address = optObject(params, 'address')
    c.address = address ? readAddress(address, 'address') : null
  }
  if (params.shipping !== undefined) {
    const shipping = optObject(params, 'shipping')
    c.shipping = shipping ? readShipping(shipping) : null
  }
  const balance = optInt(params, 'balance')
  if (balance !== undefined) c.balance = balance
  const locales = optStringArray(params, 'preferred_locales')
  if (params.preferred_locales !== undefined) c.preferred_locales = locales ?? []
  const exempt = optEnum(params, 'tax_exempt', TAX_EXEMPT)
  if (exempt !== undefined) c.tax_exempt = exempt
  const prefix = optString(params, 'invoice_prefix')
  if (prefix !== undefined) {
    // Stripe: 3–12 uppercase letters or numbers.
    if (!/^[A-Z0-9]{3,12}$/.test(prefix))
      throw invalidParam('invoice_prefix', 'Invalid invoice_prefix: use 3-12 uppercase letters or numbers.')
    c.invoice_prefix = prefix
  }
  const sequence = optInt(params, 'next_invoice_sequence')
  if (sequence !== undefined) {
    if (sequence < 1)
      throw invalidParam('next_invoice_sequence', 'Invalid next_invoice_sequence: must be 1 or more.')
    c.next_invoice_sequence = sequence
  }
}

/** Hook for payment-method resources: validates and attaches a PaymentMethod id to a customer. */
export type AttachPaymentMethod = (
  ctx: Ctx,
  customerId: string,
  paymentMethodId: string,
  param: string,
) => string
let attachPaymentMethod: AttachPaymentMethod = (_ctx, _customer, pm) => pm

export function setPaymentMethodAttacher(fn: AttachPaymentMethod): void {
  attachPaymentMethod = fn
}

/** Hooks for legacy card sources (customer-sources.ts), which imports this module. */
export type SourceHooks = {
  /** Stores a card source for `source=tok_…` on a new customer; answers its id. No event yet. */
  create(ctx: Ctx, customerId: string, token: string): string
  /** `source` on update: a new default source, the old default deleted (with their events). */
  replaceDefault(ctx: Ctx, customer: Stripe.Customer, token: string): string
  /** `default_source` on update: throws unless the id is one of the customer's sources. */
  check(ctx: Ctx, customer: Stripe.Customer, id: string): void
}
let sourceHooks: SourceHooks | undefined

export function setSourceHooks(hooks: SourceHooks): void {
  sourceHooks = hooks
}

function hooks(): SourceHooks {
  if (!sourceHooks) throw new Error('customer-sources.ts is not loaded')
  return sourceHooks
}

function invoiceSettings(
  ctx: Ctx,
  customerId: string,
  current: Stripe.Customer.InvoiceSettings,
  params: Params,
): Stripe.Customer.InvoiceSettings {
  const s = optObject(params, 'invoice_settings')
  if (!s) return current
  allowOnly(s, ['default_payment_method', 'footer'], 'invoice_settings')
  const next = { ...current }
  const pm = nullableString(s, 'default_payment_method', 'invoice_settings[default_payment_method]')
  if (pm !== undefined) {
    next.default_payment_method =
      pm === null
        ? null
        : attachPaymentMethod(ctx, customerId, pm, 'invoice_settings[default_payment_method]')
  }
  const footer = nullableString(s, 'footer', 'invoice_settings[footer]')
  if (footer !== undefined) next.footer = footer
  return next
}

export function createCustomer(ctx: Ctx, params: Params): Stripe.Customer {
  allowOnly(params, CREATE)
  const clockId = optString(params, 'test_clock')
  if (clockId) getObject(ctx.state, 'test_helpers.test_clock', clockId, 'test_clock', 'test clock')
  // Checked before anything is stored, so a bad tax ID leaves no customer behind.
  const taxIds = (optArray(params, 'tax_id_data') ?? []).map((entry, i) => {
    if (typeof entry !== 'object' || Array.isArray(entry))
      throw invalidParam(`tax_id_data[${i}]`, 'Invalid tax ID')
    return readTaxId(entry, `tax_id_data[${i}]`)
  })
  const id = newId('cus', 14)
  const customer: Stripe.Customer = {
    id,
    object: 'customer',
    address: null,
    balance: 0,
    created: ctx.now(clockId ?? null),
    default_source: null,
    delinquent: false,
    description: nullableString(params, 'description') ?? null,
    discount: null,
    email: nullableString(params, 'email') ?? null,
    invoice_prefix: id.slice(4, 12).toUpperCase(),
    invoice_settings: {
      custom_fields: null,
      default_payment_method: null,
      footer: null,
      rendering_options: null,
    },
    livemode: false,
    metadata: applyMetadata({}, params),
    name: nullableString(params, 'name') ?? null,
    next_invoice_sequence: 1,
    phone: nullableString(params, 'phone') ?? null,
    preferred_locales: [],
    shipping: null,
    tax_exempt: 'none',
    test_clock: clockId ?? null,
  }
  applyContactFields(customer, params)
  // The card is checked (a declining token is refused) before the customer is stored.
  const source = optString(params, 'source')
  const discount = customerDiscountChange(ctx, params)
  if (source) customer.default_source = hooks().create(ctx, id, source)
  insertObject(ctx.state, customer)
  const announceDiscount = discount?.(customer, customer.created)
  const pm = optString(params, 'payment_method')
  if (pm) attachPaymentMethod(ctx, id, pm, 'payment_method')
  customer.invoice_settings = invoiceSettings(ctx, id, customer.invoice_settings, params)
  ctx.emit('customer.created', customer)
  if (customer.default_source)
    ctx.emit('customer.source.created', ctx.state.objects[String(customer.default_source)]!)
  announceDiscount?.()
  for (const taxId of taxIds) insertTaxId(ctx, id, taxId)
  return customer
}

function updateCustomer(ctx: Ctx, id: string, params: Params): Stripe.Customer {
  allowOnly(params, UPDATE)
  const customer = getObject<Stripe.Customer>(ctx.state, 'customer', id)
  const settings = invoiceSettings(ctx, id, customer.invoice_settings, params)
  const defaultSource = optString(params, 'default_source')
  if (defaultSource) hooks().check(ctx, customer, defaultSource)
  const discount = customerDiscountChange(ctx, params)
  const token = optString(params, 'source')
  const newSource = token ? hooks().replaceDefault(ctx, customer, token) : undefined
  return updateWithEvent(ctx, customer, 'customer.updated', (c) => {
    if (newSource ?? defaultSource) c.default_source = (newSource ?? defaultSource)!
    discount?.(c, ctx.now(clockOfCustomer(ctx, c.id)))()
    const email = nullableString(params, 'email')
    if (email !== undefined) c.email = email
    const name = nullableString(params, 'name')
    if (name !== undefined) c.name = name
    const description = nullableString(params, 'description')
    if (description !== undefined) c.description = description
    const phone = nullableString(params, 'phone')
    if (phone !== undefined) c.phone = phone
    c.metadata = applyMetadata(c.metadata, params)
    c.invoice_settings = settings
    applyContactFields(c, params)
  })
}

/** The customer's test clock id, if any: everything billed to the customer runs on it. */
export function clockOfCustomer(ctx: Ctx, customerId: string | null | undefined): string | null {
  if (!customerId) return null
  const customer = ctx.state.objects[customerId] as Stripe.Customer | undefined
  const clock = customer?.test_clock
  return typeof clock === 'string' ? clock : null
}

route('post', '/v1/customers', (ctx, params) => createCustomer(ctx, params))
route('get', '/v1/customers/:id', (ctx, params, path) => {
  allowOnly(params, [])
  // As on Stripe, a deleted customer is still retrievable, as `{ id, object, deleted: true }`.
  if (ctx.state.hidden[path.id!]?.deletedCustomer === true)
    return { id: path.id!, object: 'customer', deleted: true }
  return getObject(ctx.state, 'customer', path.id!)
})
route('post', '/v1/customers/:id', (ctx, params, path) => updateCustomer(ctx, path.id!, params))
/** Runs as a customer is deleted, before `customer.deleted` (its subscriptions end with it). */
export type CustomerDeletion = (ctx: Ctx, customer: Stripe.Customer) => void
const deletions: CustomerDeletion[] = []
export function onCustomerDeleted(hook: CustomerDeletion): void {
  deletions.push(hook)
}

/** Deletes a customer as Stripe does: retrievable afterwards only as `{ id, object, deleted }`. */
export function deleteCustomer(ctx: Ctx, customer: Stripe.Customer): Stripe.DeletedCustomer {
  for (const hook of deletions) hook(ctx, customer)
  deleteObject(ctx.state, customer.id)
  hiddenOf<{ deletedCustomer?: boolean }>(ctx.state, customer.id).deletedCustomer = true
  ctx.emit('customer.deleted', customer)
  return { id: customer.id, object: 'customer', deleted: true }
}

route('delete', '/v1/customers/:id', (ctx, params, path) => {
  allowOnly(params, [])
  return deleteCustomer(ctx, getObject<Stripe.Customer>(ctx.state, 'customer', path.id!))
})
route('get', '/v1/customers', (ctx, params) => {
  allowOnly(params, [...LIST_PARAMS, 'created', 'email', 'test_clock'])
  const email = optString(params, 'email')
  const clock = optString(params, 'test_clock')
  const created = optRange(params, 'created')
  const items = listObjects<Stripe.Customer>(
    ctx.state,
    'customer',
    (c) =>
      (email === undefined || c.email === email) &&
      // As on Stripe: customers on a test clock are listed only when that clock is asked for.
      (clock === undefined ? !c.test_clock : c.test_clock === clock) &&
      inRange(c.created, created),
  )
  return paginate(items, params, '/v1/customers')
})
/** The customer's subscriptions that have not ended, newest first. */
function liveSubscriptionsOf(ctx: Ctx, customerId: string): Array<{ id: string }> {
  return listObjects<{ id: string; customer: string; status: string }>(
    ctx.state,
    'subscription',
    (s) => s.customer === customerId && s.status !== 'canceled' && s.status !== 'incomplete_expired',
  )
}

includable('customer', 'subscriptions', (ctx, customer) => ({
  object: 'list',
  url: `/v1/customers/${String(customer.id)}/subscriptions`,
  has_more: false,
  data: liveSubscriptionsOf(ctx, String(customer.id)),
}))
// The URL of a customer's `subscriptions` list (Stripe's legacy endpoint; the SDK has no method).
route('get', '/v1/customers/:id/subscriptions', (ctx, params, path) => {
  allowOnly(params, [...LIST_PARAMS])
  const customer = getObject<Stripe.Customer>(ctx.state, 'customer', path.id!)
  return paginate(liveSubscriptionsOf(ctx, customer.id), params, `/v1/customers/${customer.id}/subscriptions`)
})
