/**
 * Funding a customer's cash balance by bank transfer (test helper), and reading it:
 * `POST /v1/test_helpers/customers/:id/fund_cash_balance` records a `funded` transaction
 * (`customer_cash_balance_transaction.created`, `cash_balance.funds_available`), then applies the
 * balance to the customer's waiting bank-transfer PaymentIntents in that currency, oldest first
 * (see payments.ts `applyCashBalance`). `GET /v1/customers/:id/cash_balance` and
 * `/cash_balance_transactions` read it.
 * @module
 */
import type Stripe from 'stripe'
import { invalidParam } from '../errors.js'
import { LIST_PARAMS, paginate } from '../list.js'
import { allowOnly, optString, reqInt, reqString } from '../params.js'
import { applyCashBalance } from '../payments.js'
import { includable, route } from '../registry.js'
import { getObject, listObjects } from '../state.js'
import {
  amountRemaining,
  BANK_TRANSFER_CURRENCY,
  cashBalanceOf,
  recordCashTransaction,
} from './cash-balance.js'

const FUNDED_TYPE: Record<string, string> = {
  jpy: 'jp_bank_transfer',
  usd: 'us_bank_transfer',
  eur: 'eu_bank_transfer',
  gbp: 'gb_bank_transfer',
  mxn: 'mx_bank_transfer',
}

route('post', '/v1/test_helpers/customers/:id/fund_cash_balance', (ctx, params, path) => {
  allowOnly(params, ['amount', 'currency', 'reference'])
  const customer = getObject<Stripe.Customer>(ctx.state, 'customer', path.id!)
  const amount = reqInt(params, 'amount')
  if (amount < 1)
    throw invalidParam('amount', 'Amount must be at least 1 in minor units.', 'amount_too_small')
  const currency = reqString(params, 'currency').toLowerCase()
  if (!Object.values(BANK_TRANSFER_CURRENCY).includes(currency))
    throw invalidParam('currency', `Cash balances are not available in ${currency}.`)
  const funded = recordCashTransaction(ctx, customer.id, currency, amount, {
    type: 'funded',
    reference: optString(params, 'reference') ?? `REF-${String(ctx.state.seq).padStart(6, '0')}`,
    bankTransferType: FUNDED_TYPE[currency]!,
  })
  ctx.emit('cash_balance.funds_available', cashBalanceOf(ctx, customer.id))
  const waiting = listObjects<Stripe.PaymentIntent>(
    ctx.state,
    'payment_intent',
    (pi) => pi.customer === customer.id && pi.currency === currency && amountRemaining(pi) !== undefined,
  ).reverse()
  for (const pi of waiting) {
    if ((cashBalanceOf(ctx, customer.id).available?.[currency] ?? 0) <= 0) break
    const pm = getObject<Stripe.PaymentMethod>(ctx.state, 'payment_method', String(pi.payment_method))
    applyCashBalance(ctx, pi, pm)
  }
  return funded
})

route('get', '/v1/customers/:id/cash_balance', (ctx, params, path) => {
  allowOnly(params, [])
  return cashBalanceOf(ctx, getObject<Stripe.Customer>(ctx.state, 'customer', path.id!).id)
})
// Left out of the customer unless expanded (`expand[]=cash_balance`), as on Stripe.
includable('customer', 'cash_balance', (ctx, customer) => cashBalanceOf(ctx, String(customer.id)))
route('get', '/v1/customers/:id/cash_balance_transactions', (ctx, params, path) => {
  allowOnly(params, [...LIST_PARAMS])
  const customer = getObject<Stripe.Customer>(ctx.state, 'customer', path.id!)
  const items = listObjects<Stripe.CustomerCashBalanceTransaction>(
    ctx.state,
    'customer_cash_balance_transaction',
    (t) => t.customer === customer.id,
  )
  return paginate(items, params, `/v1/customers/${customer.id}/cash_balance_transactions`)
})
route('get', '/v1/customers/:id/cash_balance_transactions/:transaction', (ctx, params, path) => {
  allowOnly(params, [])
  const customer = getObject<Stripe.Customer>(ctx.state, 'customer', path.id!)
  const t = getObject<Stripe.CustomerCashBalanceTransaction>(
    ctx.state,
    'customer_cash_balance_transaction',
    path.transaction!,
    'transaction',
  )
  if (t.customer !== customer.id) throw invalidParam('transaction', `No such transaction: '${t.id}'`)
  return t
})
