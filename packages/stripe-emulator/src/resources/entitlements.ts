/**
 * Entitlements: features (`feat_`), the features attached to products (`prodft_`), and each
 * customer's active entitlements (`ent_`), derived from the products of their subscriptions that
 * still grant access (active, trialing or past_due). Whenever a unit of work touched a customer's
 * subscriptions and their set changed, `entitlements.active_entitlement_summary.updated` is emitted.
 * @module
 */
import type Stripe from 'stripe'
import type { Ctx } from '../context.js'
import { invalidRequest } from '../errors.js'
import { newId } from '../ids.js'
import { LIST_PARAMS, paginate } from '../list.js'
import { allowOnly, applyMetadata, optBool, optString, type Params, reqString } from '../params.js'
import { afterWork, route } from '../registry.js'
import { deleteObject, getObject, hiddenOf, insertObject, listObjects } from '../state.js'

const GRANTING = new Set(['active', 'trialing', 'past_due'])

function createFeature(ctx: Ctx, params: Params): Stripe.Entitlements.Feature {
  allowOnly(params, ['name', 'lookup_key', 'metadata'])
  const lookupKey = reqString(params, 'lookup_key')
  if (
    listObjects<Stripe.Entitlements.Feature>(
      ctx.state,
      'entitlements.feature',
      (f) => f.lookup_key === lookupKey,
    ).length > 0
  ) {
    throw invalidRequest(
      `A feature with lookup_key ${lookupKey} already exists.`,
      'resource_already_exists',
      'lookup_key',
    )
  }
  const feature: Stripe.Entitlements.Feature = {
    id: newId('feat_test', 24),
    object: 'entitlements.feature',
    active: true,
    livemode: false,
    lookup_key: lookupKey,
    metadata: applyMetadata({}, params),
    name: reqString(params, 'name'),
  }
  return insertObject(ctx.state, feature)
}

function attachFeature(ctx: Ctx, productId: string, params: Params): Stripe.ProductFeature {
  allowOnly(params, ['entitlement_feature'])
  getObject(ctx.state, 'product', productId)
  const featureId = reqString(params, 'entitlement_feature')
  const feature = getObject<Stripe.Entitlements.Feature>(
    ctx.state,
    'entitlements.feature',
    featureId,
    'entitlement_feature',
    'feature',
  )
  const existing = productFeatures(ctx, productId).find((pf) => pf.entitlement_feature.id === feature.id)
  if (existing) return existing
  const pf: Stripe.ProductFeature = {
    id: newId('prodft', 24),
    object: 'product_feature',
    entitlement_feature: feature,
    livemode: false,
  }
  insertObject(ctx.state, pf)
  hiddenOf(ctx.state, pf.id).product = productId
  return pf
}

function productFeatures(ctx: Ctx, productId: string): Stripe.ProductFeature[] {
  return listObjects<Stripe.ProductFeature>(
    ctx.state,
    'product_feature',
    (pf) => ctx.state.hidden[pf.id]?.product === productId,
  )
}

type Sub = {
  customer: string
  status: string
  items: { data: Array<{ price: { product: string } | string }> }
}

/** Features the customer holds now, keyed by feature id, with stable `ent_` ids per customer and feature. */
export function activeEntitlements(ctx: Ctx, customerId: string): Stripe.Entitlements.ActiveEntitlement[] {
  const featureIds = new Set<string>()
  for (const sub of listObjects<Sub>(
    ctx.state,
    'subscription',
    (s) => s.customer === customerId && GRANTING.has(s.status),
  )) {
    for (const item of sub.items?.data ?? []) {
      const priceId =
        typeof item.price === 'string' ? item.price : (item.price as unknown as { id: string }).id
      const price = ctx.state.objects[priceId] as Stripe.Price | undefined
      const productId = typeof item.price === 'object' ? item.price.product : price?.product
      if (typeof productId !== 'string') continue
      for (const pf of productFeatures(ctx, productId))
        if (pf.entitlement_feature.active) featureIds.add(pf.entitlement_feature.id)
    }
  }
  const ids = hiddenOf<{ entitlementIds?: Record<string, string> }>(ctx.state, customerId)
  ids.entitlementIds ??= {}
  return [...featureIds].sort().map((featureId) => {
    const feature = ctx.state.objects[featureId] as unknown as Stripe.Entitlements.Feature
    ids.entitlementIds![featureId] ??= newId('ent_test', 24)
    return {
      id: ids.entitlementIds![featureId]!,
      object: 'entitlements.active_entitlement',
      feature: featureId,
      livemode: false,
      lookup_key: feature.lookup_key,
    }
  })
}

function summaryOf(ctx: Ctx, customerId: string): Stripe.Entitlements.ActiveEntitlementSummary {
  const data = activeEntitlements(ctx, customerId)
  return {
    object: 'entitlements.active_entitlement_summary',
    customer: customerId,
    entitlements: { object: 'list', url: '/v1/customer/entitlements', has_more: false, data },
    livemode: false,
  }
}

afterWork((ctx, events) => {
  const customers = new Set<string>()
  for (const e of events) {
    if (!e.type.startsWith('customer.subscription.')) continue
    const customer = (e.data.object as { customer?: unknown }).customer
    if (typeof customer === 'string') customers.add(customer)
  }
  for (const customerId of customers) {
    if (!ctx.state.objects[customerId]) continue
    const summary = summaryOf(ctx, customerId)
    const key = summary.entitlements.data.map((e) => e.lookup_key).join(',')
    const hidden = hiddenOf<{ entitlementSummary?: string }>(ctx.state, customerId)
    if ((hidden.entitlementSummary ?? '') === key) continue
    hidden.entitlementSummary = key
    ctx.emit('entitlements.active_entitlement_summary.updated', summary)
  }
})

route('post', '/v1/entitlements/features', (ctx, params) => createFeature(ctx, params))
route('get', '/v1/entitlements/features/:id', (ctx, _p, path) =>
  getObject(ctx.state, 'entitlements.feature', path.id!, 'id', 'feature'),
)
route('post', '/v1/entitlements/features/:id', (ctx, params, path) => {
  allowOnly(params, ['active', 'metadata', 'name'])
  const feature = getObject<Stripe.Entitlements.Feature>(
    ctx.state,
    'entitlements.feature',
    path.id!,
    'id',
    'feature',
  )
  // Stripe sends no event for a feature's update.
  const active = optBool(params, 'active')
  if (active !== undefined) feature.active = active
  const name = optString(params, 'name')
  if (name) feature.name = name
  feature.metadata = applyMetadata(feature.metadata, params)
  return feature
})
route('get', '/v1/entitlements/features', (ctx, params) => {
  allowOnly(params, [...LIST_PARAMS, 'archived', 'lookup_key'])
  const archived = optBool(params, 'archived')
  const lookupKey = optString(params, 'lookup_key')
  const items = listObjects<Stripe.Entitlements.Feature>(
    ctx.state,
    'entitlements.feature',
    (f) => (archived === undefined || f.active === !archived) && (!lookupKey || f.lookup_key === lookupKey),
  )
  return paginate(items, params, '/v1/entitlements/features')
})
route('post', '/v1/products/:id/features', (ctx, params, path) => attachFeature(ctx, path.id!, params))
route('get', '/v1/products/:id/features', (ctx, params, path) => {
  allowOnly(params, [...LIST_PARAMS])
  getObject(ctx.state, 'product', path.id!)
  return paginate(productFeatures(ctx, path.id!), params, `/v1/products/${path.id}/features`)
})
route('get', '/v1/products/:id/features/:feature', (ctx, _p, path) => {
  const pf = productFeatures(ctx, path.id!).find((f) => f.id === path.feature)
  if (!pf) return getObject(ctx.state, 'product_feature', path.feature!, 'id', 'product feature')
  return pf
})
route('delete', '/v1/products/:id/features/:feature', (ctx, _p, path) => {
  const pf = productFeatures(ctx, path.id!).find((f) => f.id === path.feature)
  if (!pf) return getObject(ctx.state, 'product_feature', path.feature!, 'id', 'product feature')
  deleteObject(ctx.state, pf.id)
  return { id: pf.id, object: 'product_feature', deleted: true }
})
route('get', '/v1/entitlements/active_entitlements', (ctx, params) => {
  allowOnly(params, [...LIST_PARAMS, 'customer'])
  const customer = reqString(params, 'customer')
  getObject(ctx.state, 'customer', customer, 'customer')
  return paginate(activeEntitlements(ctx, customer), params, '/v1/entitlements/active_entitlements')
})
route('get', '/v1/entitlements/active_entitlements/:id', (ctx, _p, path) => {
  for (const customer of listObjects<Stripe.Customer>(ctx.state, 'customer')) {
    const found = activeEntitlements(ctx, customer.id).find((e) => e.id === path.id)
    if (found) return found
  }
  return getObject(ctx.state, 'entitlements.active_entitlement', path.id!, 'id', 'active entitlement')
})
