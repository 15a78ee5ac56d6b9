/**
 * Customer tax IDs (`txi_…`) under `/v1/customers/:id/tax_ids`: create, retrieve, list, delete,
 * and `tax_id_data[]` on customer create. The type must be one Stripe knows and the value is
 * checked for the common EU VAT / GB VAT / US EIN forms; `verification` is `unavailable` (the
 * emulator asks no tax authority). Events: `customer.tax_id.created`, `customer.tax_id.deleted`.
 * A customer's `tax_ids` list is left out unless expanded, as on Stripe since 2020-08-27.
 * @module
 */
import type Stripe from 'stripe'
import type { Ctx } from '../context.js'
import { invalidParam, invalidRequest } from '../errors.js'
import { newId } from '../ids.js'
import { LIST_PARAMS, paginate } from '../list.js'
import { allowOnly, type Params, reqString } from '../params.js'
import { includable, route } from '../registry.js'
import { deleteObject, getObject, insertObject, listObjects } from '../state.js'

export type TaxIdInput = { type: Stripe.TaxId.Type; value: string }

/** Types with a format the emulator checks; any other type Stripe lists is accepted as given. */
const FORMATS: Partial<Record<string, RegExp>> = {
  eu_vat:
    /^(AT|BE|BG|CY|CZ|DE|DK|EE|EL|ES|FI|FR|HR|HU|IE|IT|LT|LU|LV|MT|NL|PL|PT|RO|SE|SI|SK|XI)[0-9A-Z+*]{2,12}$/,
  gb_vat: /^GB\d{9}(\d{3})?$/,
  us_ein: /^\d{2}-?\d{7}$/,
  ch_vat: /^CHE-?\d{3}\.?\d{3}\.?\d{3} ?(MWST|TVA|IVA)$/,
  au_abn: /^\d{11}$/,
}
const KNOWN = new Set([
  ...Object.keys(FORMATS),
  'ad_nrt',
  'ae_trn',
  'ar_cuit',
  'au_arn',
  'bg_uic',
  'bo_tin',
  'br_cnpj',
  'br_cpf',
  'ca_bn',
  'ca_gst_hst',
  'ca_pst_bc',
  'ca_pst_mb',
  'ca_pst_sk',
  'ca_qst',
  'ch_uid',
  'cl_tin',
  'cn_tin',
  'co_nit',
  'cr_tin',
  'do_rcn',
  'ec_ruc',
  'eg_tin',
  'es_cif',
  'eu_oss_vat',
  'ge_vat',
  'hk_br',
  'hr_oib',
  'hu_tin',
  'id_npwp',
  'il_vat',
  'in_gst',
  'is_vat',
  'jp_cn',
  'jp_rn',
  'jp_trn',
  'ke_pin',
  'kr_brn',
  'kz_bin',
  'li_uid',
  'mx_rfc',
  'my_frp',
  'my_itn',
  'my_sst',
  'no_vat',
  'no_voec',
  'nz_gst',
  'pe_ruc',
  'ph_tin',
  'ro_tin',
  'rs_pib',
  'ru_inn',
  'ru_kpp',
  'sa_vat',
  'sg_gst',
  'sg_uen',
  'si_tin',
  'sv_nit',
  'th_vat',
  'tr_tin',
  'tw_vat',
  'ua_vat',
  'uy_ruc',
  've_rif',
  'vn_tin',
  'za_vat',
])

/** Reads and checks one tax ID (`type`, `value`); `name` prefixes the param names in errors. */
export function readTaxId(params: Params, name = ''): TaxIdInput {
  const p = (k: string) => (name ? `${name}[${k}]` : k)
  allowOnly(params, ['type', 'value'], name)
  const type = reqString(params, 'type', p('type'))
  if (!KNOWN.has(type))
    throw invalidParam(p('type'), `Invalid value for type: ${type} is not a supported tax ID type.`)
  const value = reqString(params, 'value', p('value')).replaceAll(' ', '').toUpperCase()
  const format = FORMATS[type]
  if (format && !format.test(value))
    throw invalidRequest(`Invalid value for ${type}.`, 'tax_id_invalid', p('value'))
  return { type: type as Stripe.TaxId.Type, value }
}

export function insertTaxId(ctx: Ctx, customerId: string, input: TaxIdInput): Stripe.TaxId {
  const taxId: Stripe.TaxId = {
    id: newId('txi', 24),
    object: 'tax_id',
    country: input.type === 'eu_vat' ? input.value.slice(0, 2).replace('EL', 'GR') : null,
    created: ctx.now(),
    customer: customerId,
    customer_account: null,
    livemode: false,
    owner: { type: 'customer', customer: customerId } as Stripe.TaxId.Owner,
    type: input.type,
    value: input.value,
    verification: { status: 'unavailable', verified_address: null, verified_name: null },
  }
  insertObject(ctx.state, taxId)
  ctx.emit('customer.tax_id.created', taxId)
  return taxId
}

function taxIdOf(ctx: Ctx, customerId: string, id: string): Stripe.TaxId {
  const taxId = getObject<Stripe.TaxId>(ctx.state, 'tax_id', id, 'id', 'tax id')
  if (taxId.customer !== customerId)
    throw invalidRequest(`No such tax id: '${id}'`, 'resource_missing', 'id', 404)
  return taxId
}

route('post', '/v1/customers/:id/tax_ids', (ctx, params, path) => {
  allowOnly(params, ['type', 'value'])
  const customer = getObject<Stripe.Customer>(ctx.state, 'customer', path.id!)
  return insertTaxId(ctx, customer.id, readTaxId(params))
})
route('get', '/v1/customers/:id/tax_ids/:tax', (ctx, _p, path) => {
  getObject(ctx.state, 'customer', path.id!)
  return taxIdOf(ctx, path.id!, path.tax!)
})
route('get', '/v1/customers/:id/tax_ids', (ctx, params, path) => {
  allowOnly(params, [...LIST_PARAMS])
  const customer = getObject<Stripe.Customer>(ctx.state, 'customer', path.id!)
  const items = listObjects<Stripe.TaxId>(ctx.state, 'tax_id', (t) => t.customer === customer.id)
  return paginate(items, params, `/v1/customers/${customer.id}/tax_ids`)
})
route('delete', '/v1/customers/:id/tax_ids/:tax', (ctx, params, path) => {
  allowOnly(params, [])
  getObject(ctx.state, 'customer', path.id!)
  const taxId = taxIdOf(ctx, path.id!, path.tax!)
  deleteObject(ctx.state, taxId.id)
  ctx.emit('customer.tax_id.deleted', taxId)
  return { id: taxId.id, object: 'tax_id', deleted: true }
})

includable('customer', 'tax_ids', (ctx, customer) => ({
  object: 'list',
  url: `/v1/customers/${String(customer.id)}/tax_ids`,
  has_more: false,
  data: listObjects<Stripe.TaxId>(ctx.state, 'tax_id', (t) => t.customer === customer.id),
}))
