/**
 * Prices: create (with `product_data`, `recurring`, `lookup_key`, `transfer_lookup_key`),
 * retrieve, update, list (including the `lookup_keys[]` filter).
 * @module
 */
import type Stripe from 'stripe'
import type { Ctx } from '../context.js'
import { readCurrency } from '../currencies.js'
import { updateWithEvent } from '../diff.js'
import { invalidParam, invalidRequest, missingParam } from '../errors.js'
import { newId } from '../ids.js'
import { LIST_PARAMS, paginate } from '../list.js'
import {
  allowOnly,
  applyMetadata,
  inRange,
  nullableString,
  optBool,
  optEnum,
  optInt,
  optObject,
  optRange,
  optString,
  optStringArray,
  type Params,
  reqString,
} from '../params.js'
import { route } from '../registry.js'
import { getObject, insertObject, listObjects } from '../state.js'
import { createProduct } from './products.js'

const CREATE = [
  'currency',
  'active',
  'billing_scheme',
  'currency_options',
  'custom_unit_amount',
  'lookup_key',
  'metadata',
  'nickname',
  'product',
  'product_data',
  'recurring',
  'tax_behavior',
  'tiers',
  'tiers_mode',
  'transfer_lookup_key',
  'transform_quantity',
  'unit_amount',
  'unit_amount_decimal',
] as const
const UPDATE = [
  'active',
  'currency_options',
  'lookup_key',
  'metadata',
  'nickname',
  'tax_behavior',
  'transfer_lookup_key',
] as const
const INTERVALS = ['day', 'week', 'month', 'year'] as const

/**
 * `recurring`: a licensed price, or a metered one (`usage_type=metered`) that needs the active
 * `meter` it bills from, as on Stripe since meters replaced usage records (`aggregate_usage` is gone).
 */
function readRecurring(ctx: Ctx, params: Params, param: string): Stripe.Price.Recurring | null {
  const r = optObject(params, 'recurring', param)
  if (!r) return null
  allowOnly(r, ['interval', 'interval_count', 'meter', 'usage_type', 'trial_period_days'], param)
  const interval = optEnum(r, 'interval', INTERVALS, `${param}[interval]`)
  if (!interval) throw missingParam(`${param}[interval]`)
  const count = optInt(r, 'interval_count', `${param}[interval_count]`) ?? 1
  if (count < 1) throw invalidParam(`${param}[interval_count]`, 'Invalid interval_count')
  const usage =
    optEnum(r, 'usage_type', ['licensed', 'metered'] as const, `${param}[usage_type]`) ?? 'licensed'
  const meterId = optString(r, 'meter', `${param}[meter]`)
  if (usage === 'metered' && !meterId) throw missingParam(`${param}[meter]`)
  if (usage === 'licensed' && meterId)
    throw invalidParam(`${param}[meter]`, 'A meter can only be set on a price with `usage_type=metered`.')
  if (meterId) {
    const meter = getObject<Stripe.Billing.Meter>(
      ctx.state,
      'billing.meter',
      meterId,
      `${param}[meter]`,
      'billing meter',
    )
    if (meter.status !== 'active') throw invalidParam(`${param}[meter]`, `The meter ${meter.id} is inactive.`)
  }
  return {
    interval,
    interval_count: count,
    meter: meterId ?? null,
    trial_period_days: optInt(r, 'trial_period_days') ?? null,
    usage_type: usage,
  }
}

/** Moves a lookup key to a new price, as Stripe does with `transfer_lookup_key=true`. */
function claimLookupKey(ctx: Ctx, key: string, transfer: boolean, selfId?: string): void {
  const holder = listObjects<Stripe.Price>(
    ctx.state,
    'price',
    (p) => p.lookup_key === key && p.id !== selfId,
  )[0]
  if (!holder) return
  if (!transfer) {
    throw invalidRequest(`A price (\`${holder.id}\`) already uses that lookup key.`, undefined, 'lookup_key')
  }
  updateWithEvent(ctx, holder, 'price.updated', (p) => {
    p.lookup_key = null
  })
}

/** Stripe accepts these, but the emulator does not model them: refuse plainly rather than ignore. */
const UNSUPPORTED = [
  'currency_options',
  'custom_unit_amount',
  'tiers',
  'tiers_mode',
  'transform_quantity',
] as const

function refuseUnsupported(params: Params, name: (k: string) => string): void {
  for (const key of UNSUPPORTED) {
    if (params[key] !== undefined && params[key] !== '') {
      throw invalidRequest(
        `The Tollgate emulator does not support ${name(key)}.`,
        'parameter_unsupported',
        name(key),
      )
    }
  }
  optEnum(params, 'billing_scheme', ['per_unit'] as const, name('billing_scheme'))
}

export function createPrice(ctx: Ctx, params: Params, prefix = ''): Stripe.Price {
  allowOnly(params, CREATE, prefix)
  const name = (k: string): string => (prefix ? `${prefix}[${k}]` : k)
  refuseUnsupported(params, name)
  const currency = readCurrency(reqString(params, 'currency', name('currency')), name('currency'))
  const unitAmount = optInt(params, 'unit_amount', name('unit_amount'))
  const decimal = optString(params, 'unit_amount_decimal', name('unit_amount_decimal'))
  if (unitAmount === undefined && decimal === undefined) {
    throw missingParam(name('unit_amount'))
  }
  if (unitAmount !== undefined && unitAmount < 0)
    throw invalidParam(name('unit_amount'), 'Invalid unit_amount')
  const recurring = readRecurring(ctx, params, name('recurring'))
  const productId = resolveProduct(ctx, params, name)
  const lookupKey = nullableString(params, 'lookup_key', name('lookup_key')) ?? null
  if (lookupKey) claimLookupKey(ctx, lookupKey, optBool(params, 'transfer_lookup_key') ?? false)
  const amount = unitAmount ?? (decimal !== undefined && /^\d+$/.test(decimal) ? Number(decimal) : null)
  const price: Stripe.Price = {
    id: newId('price', 24),
    object: 'price',
    active: optBool(params, 'active') ?? true,
    billing_scheme: 'per_unit',
    created: ctx.now(),
    currency,
    custom_unit_amount: null,
    livemode: false,
    lookup_key: lookupKey,
    metadata: applyMetadata({}, params),
    nickname: nullableString(params, 'nickname') ?? null,
    product: productId,
    recurring,
    tax_behavior:
      optEnum(params, 'tax_behavior', ['exclusive', 'inclusive', 'unspecified'] as const) ?? 'unspecified',
    tiers_mode: null,
    transform_quantity: null,
    type: recurring ? 'recurring' : 'one_time',
    unit_amount: amount,
    // A decimal string on the wire; the SDK's type is its parsed form.
    unit_amount_decimal: (amount !== null
      ? String(amount)
      : (decimal ?? null)) as Stripe.Price['unit_amount_decimal'],
  }
  insertObject(ctx.state, price)
  ctx.emit('price.created', price)
  return price
}

function resolveProduct(ctx: Ctx, params: Params, name: (k: string) => string): string {
  const productId = optString(params, 'product', name('product'))
  const productData = optObject(params, 'product_data', name('product_data'))
  if (productId) return getObject<Stripe.Product>(ctx.state, 'product', productId, name('product')).id
  if (productData) return createProduct(ctx, productData).id
  throw missingParam(name('product'))
}

function updatePrice(ctx: Ctx, id: string, params: Params): Stripe.Price {
  allowOnly(params, UPDATE)
  refuseUnsupported(params, (k) => k)
  const price = getObject<Stripe.Price>(ctx.state, 'price', id)
  const lookupKey = nullableString(params, 'lookup_key')
  if (lookupKey) claimLookupKey(ctx, lookupKey, optBool(params, 'transfer_lookup_key') ?? false, price.id)
  return updateWithEvent(ctx, price, 'price.updated', (p) => {
    const active = optBool(params, 'active')
    if (active !== undefined) p.active = active
    if (lookupKey !== undefined) p.lookup_key = lookupKey
    const nickname = nullableString(params, 'nickname')
    if (nickname !== undefined) p.nickname = nickname
    p.metadata = applyMetadata(p.metadata, params)
  })
}

route('post', '/v1/prices', (ctx, params) => createPrice(ctx, params))
route('get', '/v1/prices/:id', (ctx, params, path) => {
  allowOnly(params, [])
  return getObject(ctx.state, 'price', path.id!)
})
route('post', '/v1/prices/:id', (ctx, params, path) => updatePrice(ctx, path.id!, params))
route('get', '/v1/prices', (ctx, params) => {
  allowOnly(params, [
    ...LIST_PARAMS,
    'active',
    'created',
    'currency',
    'lookup_keys',
    'product',
    'recurring',
    'type',
  ])
  const active = optBool(params, 'active')
  const currency = optString(params, 'currency')?.toLowerCase()
  const lookupKeys = optStringArray(params, 'lookup_keys')
  // Stripe takes at most 10 lookup keys per list call; integrations must chunk.
  if (lookupKeys && lookupKeys.length > 10) {
    throw invalidParam('lookup_keys', 'You may only specify up to 10 lookup_keys.')
  }
  const product = optString(params, 'product')
  const type = optEnum(params, 'type', ['one_time', 'recurring'] as const)
  const created = optRange(params, 'created')
  const recurring = optObject(params, 'recurring')
  if (recurring) allowOnly(recurring, ['interval', 'meter', 'usage_type'], 'recurring')
  const interval = recurring && optEnum(recurring, 'interval', INTERVALS, 'recurring[interval]')
  const usage =
    recurring && optEnum(recurring, 'usage_type', ['licensed', 'metered'] as const, 'recurring[usage_type]')
  const meter = recurring && optString(recurring, 'meter', 'recurring[meter]')
  const items = listObjects<Stripe.Price>(
    ctx.state,
    'price',
    (p) =>
      (!interval || p.recurring?.interval === interval) &&
      (!usage || p.recurring?.usage_type === usage) &&
      (!meter || p.recurring?.meter === meter) &&
      (active === undefined || p.active === active) &&
      (!currency || p.currency === currency) &&
      (!lookupKeys || (p.lookup_key !== null && lookupKeys.includes(p.lookup_key))) &&
      (!product || p.product === product) &&
      (!type || p.type === type) &&
      inRange(p.created, created),
  )
  return paginate(items, params, '/v1/prices')
})
