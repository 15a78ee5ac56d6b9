/**
 * PaymentMethods through the API: create (`type=card` with `card[token]` or `card[number]`,
 * `type=sepa_debit`), retrieve, update, attach, detach, list by customer. The cards themselves
 * live in `cards.ts`.
 * @module
 */
import type Stripe from 'stripe'
import type { Ctx } from '../context.js'
import { invalidRequest, missingParam } from '../errors.js'
import { LIST_PARAMS, paginate } from '../list.js'
import { allowOnly, applyMetadata, optObject, optString, type Params, reqString } from '../params.js'
import { route } from '../registry.js'
import { getObject, listObjects } from '../state.js'
import {
  attachPaymentMethod,
  createCardPaymentMethod,
  fromMagic,
  magicCard,
  resolvePaymentMethod,
} from './cards.js'
import { setPaymentMethodAttacher } from './customers.js'
import { createSepaDebitPaymentMethod } from './sepa-debit.js'

function createFromParams(ctx: Ctx, params: Params): Stripe.PaymentMethod {
  allowOnly(params, [
    'type',
    'card',
    'billing_details',
    'metadata',
    'customer',
    'payment_method',
    'allow_redisplay',
    'sepa_debit',
  ])
  const type = optString(params, 'type') ?? 'card'
  if (type === 'sepa_debit') return createSepaFromParams(ctx, params)
  if (type !== 'card')
    throw invalidRequest(
      `The emulator supports card and sepa_debit PaymentMethods, not ${type}.`,
      undefined,
      'type',
    )
  const cardParams = optObject(params, 'card')
  if (!cardParams) throw missingParam('card')
  allowOnly(cardParams, ['token', 'number', 'exp_month', 'exp_year', 'cvc', 'networks'], 'card')
  const token = optString(cardParams, 'token', 'card[token]')
  const pm = token
    ? resolveToken(ctx, token)
    : createCardPaymentMethod(ctx, {
        number: reqString(cardParams, 'number', 'card[number]'),
        expMonth: Number(reqString(cardParams, 'exp_month', 'card[exp_month]')),
        expYear: Number(reqString(cardParams, 'exp_year', 'card[exp_year]')),
      })
  pm.metadata = applyMetadata({}, params)
  const billing = optObject(params, 'billing_details')
  if (billing) {
    pm.billing_details.name = optString(billing, 'name') ?? null
    pm.billing_details.email = optString(billing, 'email') ?? null
  }
  return pm
}

/** `type=sepa_debit`: Stripe requires the account holder's name and email for the mandate. */
function createSepaFromParams(ctx: Ctx, params: Params): Stripe.PaymentMethod {
  const sepa = optObject(params, 'sepa_debit')
  if (!sepa) throw missingParam('sepa_debit')
  allowOnly(sepa, ['iban'], 'sepa_debit')
  const billing = optObject(params, 'billing_details') ?? {}
  const name = optString(billing, 'name')
  const email = optString(billing, 'email')
  if (!name) throw missingParam('billing_details[name]')
  if (!email) throw missingParam('billing_details[email]')
  const pm = createSepaDebitPaymentMethod(ctx, {
    iban: reqString(sepa, 'iban', 'sepa_debit[iban]'),
    name,
    email,
  })
  pm.metadata = applyMetadata({}, params)
  return pm
}

function resolveToken(ctx: Ctx, token: string): Stripe.PaymentMethod {
  const test = magicCard(token)
  if (!test) throw invalidRequest(`No such token: '${token}'`, 'resource_missing', 'card[token]')
  return fromMagic(ctx, test)
}

// Customers' `payment_method` and `invoice_settings[default_payment_method]` resolve through here,
// so magic ids there create and attach a real PaymentMethod.
setPaymentMethodAttacher((ctx, customerId, id, param) => {
  const pm = resolvePaymentMethod(ctx, id, param)
  return attachPaymentMethod(ctx, pm, customerId).id
})

route('post', '/v1/payment_methods', (ctx, params) => createFromParams(ctx, params))
route('get', '/v1/payment_methods/:id', (ctx, _params, path) =>
  getObject(ctx.state, 'payment_method', path.id!, 'id', 'PaymentMethod'),
)
route('post', '/v1/payment_methods/:id', (ctx, params, path) => {
  allowOnly(params, ['metadata', 'billing_details', 'allow_redisplay', 'card'])
  const pm = getObject<Stripe.PaymentMethod>(ctx.state, 'payment_method', path.id!, 'id', 'PaymentMethod')
  pm.metadata = applyMetadata(pm.metadata ?? {}, params)
  ctx.emit('payment_method.updated', pm)
  return pm
})
route('post', '/v1/payment_methods/:id/attach', (ctx, params, path) => {
  allowOnly(params, ['customer'])
  const customer = getObject<Stripe.Customer>(
    ctx.state,
    'customer',
    reqString(params, 'customer'),
    'customer',
  )
  return attachPaymentMethod(ctx, resolvePaymentMethod(ctx, path.id!, 'id'), customer.id)
})
route('post', '/v1/payment_methods/:id/detach', (ctx, params, path) => {
  allowOnly(params, [])
  const pm = getObject<Stripe.PaymentMethod>(ctx.state, 'payment_method', path.id!, 'id', 'PaymentMethod')
  if (!pm.customer) {
    throw invalidRequest(
      'The payment method you provided is not attached to a customer so detachment is impossible.',
      'payment_method_unexpected_state',
    )
  }
  const previous = pm.customer
  pm.customer = null
  ctx.emit('payment_method.detached', pm, { customer: previous })
  return pm
})
function listPaymentMethods(ctx: Ctx, params: Params, customerId: string | undefined, url: string): unknown {
  const type = optString(params, 'type')
  const items = listObjects<Stripe.PaymentMethod>(
    ctx.state,
    'payment_method',
    (pm) =>
      (customerId === undefined || pm.customer === customerId) && (type === undefined || pm.type === type),
  )
  return paginate(items, params, url)
}
route('get', '/v1/payment_methods', (ctx, params) => {
  allowOnly(params, [...LIST_PARAMS, 'customer', 'type', 'allow_redisplay'])
  const customer = optString(params, 'customer')
  if (customer) getObject(ctx.state, 'customer', customer, 'customer')
  return listPaymentMethods(ctx, params, customer, '/v1/payment_methods')
})
route('get', '/v1/customers/:id/payment_methods', (ctx, params, path) => {
  allowOnly(params, [...LIST_PARAMS, 'type', 'allow_redisplay'])
  const customer = getObject<Stripe.Customer>(ctx.state, 'customer', path.id!)
  return listPaymentMethods(ctx, params, customer.id, `/v1/customers/${customer.id}/payment_methods`)
})
