/**
 * Tax rates (`txr_…`): create, retrieve, update, list. Fixed percentages, inclusive or exclusive,
 * stored as Stripe stores them (`percentage` and `effective_percentage`). billing/tax.ts applies
 * them to invoice, subscription and Checkout amounts; automatic tax is refused everywhere.
 * @module
 */
import type Stripe from 'stripe'
import { invalidParam, missingParam } from '../errors.js'
import { newId } from '../ids.js'
import { LIST_PARAMS, paginate } from '../list.js'
import {
  allowOnly,
  applyMetadata,
  inRange,
  nullableString,
  optBool,
  optEnum,
  optRange,
  optString,
  type Params,
  reqString,
} from '../params.js'
import { route } from '../registry.js'
import { getObject, insertObject, listObjects } from '../state.js'

const TAX_TYPES = [
  'amusement_tax',
  'communications_tax',
  'gst',
  'hst',
  'igst',
  'jct',
  'lease_tax',
  'pst',
  'qst',
  'retail_delivery_fee',
  'rst',
  'sales_tax',
  'service_tax',
  'vat',
] as const
const EDITABLE = [
  'active',
  'country',
  'description',
  'display_name',
  'jurisdiction',
  'metadata',
  'state',
  'tax_type',
] as const

function readPercentage(params: Params): number {
  const raw = reqString(params, 'percentage')
  const value = Number(raw)
  if (!/^\d+(\.\d{1,4})?$/.test(raw) || value > 100)
    throw invalidParam(
      'percentage',
      'Invalid decimal: percentage must be between 0 and 100 with at most 4 decimals.',
    )
  return value
}

function applyEditable(rate: Stripe.TaxRate, params: Params): void {
  const active = optBool(params, 'active')
  if (active !== undefined) rate.active = active
  const name = optString(params, 'display_name')
  if (name !== undefined) {
    if (name === '') throw missingParam('display_name')
    rate.display_name = name
  }
  for (const key of ['country', 'description', 'jurisdiction', 'state'] as const) {
    const v = nullableString(params, key)
    if (v !== undefined) rate[key] = v
  }
  const type = optEnum(params, 'tax_type', TAX_TYPES)
  if (type) rate.tax_type = type
  rate.metadata = applyMetadata(rate.metadata ?? {}, params)
}

route('post', '/v1/tax_rates', (ctx, params) => {
  allowOnly(params, [...EDITABLE, 'inclusive', 'percentage'])
  const percentage = readPercentage(params)
  const inclusive = optBool(params, 'inclusive')
  if (inclusive === undefined) throw missingParam('inclusive')
  const rate = {
    id: newId('txr', 24),
    object: 'tax_rate',
    active: true,
    country: null,
    created: ctx.now(),
    description: null,
    display_name: reqString(params, 'display_name'),
    effective_percentage: percentage,
    flat_amount: null,
    inclusive,
    jurisdiction: null,
    jurisdiction_level: null,
    livemode: false,
    metadata: {},
    percentage,
    rate_type: 'percentage',
    state: null,
    tax_type: null,
  } as Stripe.TaxRate
  applyEditable(rate, params)
  insertObject(ctx.state, rate)
  ctx.emit('tax_rate.created', rate)
  return rate
})
route('get', '/v1/tax_rates/:id', (ctx, _p, path) =>
  getObject(ctx.state, 'tax_rate', path.id!, 'id', 'tax rate'),
)
route('post', '/v1/tax_rates/:id', (ctx, params, path) => {
  allowOnly(params, EDITABLE)
  const rate = getObject<Stripe.TaxRate>(ctx.state, 'tax_rate', path.id!, 'id', 'tax rate')
  const before = JSON.stringify(rate)
  applyEditable(rate, params)
  if (JSON.stringify(rate) !== before) ctx.emit('tax_rate.updated', rate)
  return rate
})
route('get', '/v1/tax_rates', (ctx, params) => {
  allowOnly(params, [...LIST_PARAMS, 'active', 'inclusive', 'created'])
  const active = optBool(params, 'active')
  const inclusive = optBool(params, 'inclusive')
  const created = optRange(params, 'created')
  const items = listObjects<Stripe.TaxRate>(
    ctx.state,
    'tax_rate',
    (r) =>
      (active === undefined || r.active === active) &&
      (inclusive === undefined || r.inclusive === inclusive) &&
      inRange(r.created, created),
  )
  return paginate(items, params, '/v1/tax_rates')
})
