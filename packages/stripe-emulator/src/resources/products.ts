/**
 * Products: create (with `default_price_data`), retrieve, update, list, delete.
 * @module
 */
import type Stripe from 'stripe'
import type { Ctx } from '../context.js'
import { updateWithEvent } from '../diff.js'
import { invalidParam, invalidRequest } from '../errors.js'
import { newId } from '../ids.js'
import { LIST_PARAMS, paginate } from '../list.js'
import {
  allowOnly,
  applyMetadata,
  inRange,
  nullableString,
  optArray,
  optBool,
  optObject,
  optRange,
  optString,
  optStringArray,
  type Params,
  reqString,
} from '../params.js'
import { route } from '../registry.js'
import { deleteObject, getObject, insertObject, listObjects } from '../state.js'
import { createPrice } from './prices.js'

const CREATE = [
  'name',
  'active',
  'default_price_data',
  'description',
  'id',
  'images',
  'marketing_features',
  'metadata',
  'package_dimensions',
  'shippable',
  'statement_descriptor',
  'tax_code',
  'tax_details',
  'type',
  'unit_label',
  'url',
] as const
const UPDATE = [
  'active',
  'default_price',
  'description',
  'images',
  'marketing_features',
  'metadata',
  'name',
  'package_dimensions',
  'shippable',
  'statement_descriptor',
  'tax_code',
  'unit_label',
  'url',
] as const

/** `marketing_features[][name]`: display-only bullet points (entitlement features are separate). */
function readMarketingFeatures(params: Params): Stripe.Product.MarketingFeature[] | undefined {
  const list = optArray(params, 'marketing_features')
  if (list === undefined) return params.marketing_features === '' ? [] : undefined
  return list.map((entry, i) => {
    const name = `marketing_features[${i}]`
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry))
      throw invalidParam(name, `Invalid object: ${name}`)
    allowOnly(entry, ['name'], name)
    return { name: reqString(entry, 'name', `${name}[name]`) }
  })
}

/** Fields create and update set alike; `''` unsets the nullable ones. */
function applyOptionalFields(p: Stripe.Product, params: Params): void {
  const features = readMarketingFeatures(params)
  if (features !== undefined) p.marketing_features = features
  const shippable = optBool(params, 'shippable')
  if (shippable !== undefined) p.shippable = shippable
  for (const key of ['statement_descriptor', 'tax_code', 'unit_label', 'url', 'description'] as const) {
    const value = nullableString(params, key)
    if (value !== undefined) p[key] = value
  }
  if (params.package_dimensions !== undefined) {
    throw invalidRequest(
      'The Tollgate emulator does not support package_dimensions.',
      'parameter_unsupported',
      'package_dimensions',
    )
  }
}

export function createProduct(ctx: Ctx, params: Params): Stripe.Product {
  allowOnly(params, CREATE)
  const now = ctx.now()
  const id = optString(params, 'id') ?? newId('prod', 14)
  if (ctx.state.objects[id]) throw invalidRequest(`Product already exists.`, 'resource_already_exists', 'id')
  const product: Stripe.Product = {
    id,
    object: 'product',
    active: optBool(params, 'active') ?? true,
    created: now,
    default_price: null,
    description: nullableString(params, 'description') ?? null,
    images: optStringArray(params, 'images') ?? [],
    livemode: false,
    marketing_features: [],
    metadata: applyMetadata({}, params),
    name: reqString(params, 'name'),
    package_dimensions: null,
    shippable: optBool(params, 'shippable') ?? null,
    statement_descriptor: nullableString(params, 'statement_descriptor') ?? null,
    tax_code: nullableString(params, 'tax_code') ?? null,
    tax_details: null,
    type: 'service',
    unit_label: nullableString(params, 'unit_label') ?? null,
    updated: now,
    url: nullableString(params, 'url') ?? null,
  }
  applyOptionalFields(product, params)
  insertObject(ctx.state, product)
  ctx.emit('product.created', product)
  const priceData = optObject(params, 'default_price_data')
  if (priceData) {
    const price = createPrice(ctx, { ...priceData, product: product.id }, 'default_price_data')
    product.default_price = price.id
  }
  return product
}

function updateProduct(ctx: Ctx, id: string, params: Params): Stripe.Product {
  allowOnly(params, UPDATE)
  const product = getObject<Stripe.Product>(ctx.state, 'product', id)
  const defaultPrice = nullableString(params, 'default_price')
  if (defaultPrice) {
    const price = getObject<Stripe.Price>(ctx.state, 'price', defaultPrice, 'default_price')
    if (price.product !== product.id) {
      throw invalidParam(
        'default_price',
        `The price \`${price.id}\` does not belong to product \`${product.id}\`.`,
      )
    }
  }
  const name = optString(params, 'name')
  if (name === '') throw invalidParam('name', 'You cannot unset the product name.')
  return updateWithEvent(ctx, product, 'product.updated', (p) => {
    if (name !== undefined) p.name = name
    const active = optBool(params, 'active')
    if (active !== undefined) p.active = active
    if (defaultPrice !== undefined) p.default_price = defaultPrice
    const images = optStringArray(params, 'images')
    if (images !== undefined) p.images = images
    applyOptionalFields(p, params)
    p.metadata = applyMetadata(p.metadata, params)
    p.updated = ctx.now()
  })
}

route('post', '/v1/products', (ctx, params) => createProduct(ctx, params))
route('get', '/v1/products/:id', (ctx, params, path) => {
  allowOnly(params, [])
  return getObject(ctx.state, 'product', path.id!)
})
route('post', '/v1/products/:id', (ctx, params, path) => updateProduct(ctx, path.id!, params))
route('delete', '/v1/products/:id', (ctx, params, path) => {
  allowOnly(params, [])
  const product = getObject<Stripe.Product>(ctx.state, 'product', path.id!)
  if (listObjects(ctx.state, 'price', (p: Stripe.Price) => p.product === product.id).length > 0) {
    throw invalidRequest('This product cannot be deleted because it has one or more user-created prices.')
  }
  deleteObject(ctx.state, product.id)
  ctx.emit('product.deleted', product)
  return { id: product.id, object: 'product', deleted: true }
})
route('get', '/v1/products', (ctx, params) => {
  allowOnly(params, [...LIST_PARAMS, 'active', 'created', 'ids', 'shippable', 'url'])
  const active = optBool(params, 'active')
  const ids = optStringArray(params, 'ids')
  const created = optRange(params, 'created')
  const shippable = optBool(params, 'shippable')
  const url = optString(params, 'url')
  const items = listObjects<Stripe.Product>(
    ctx.state,
    'product',
    (p) =>
      (active === undefined || p.active === active) &&
      (!ids || ids.includes(p.id)) &&
      (shippable === undefined || p.shippable === shippable) &&
      (url === undefined || p.url === url) &&
      inRange(p.created, created),
  )
  return paginate(items, params, '/v1/products')
})
