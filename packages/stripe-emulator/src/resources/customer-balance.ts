/**
 * Customer balance transactions (`cbtxn_…`) under `/v1/customers/:id/balance_transactions`:
 * create (a manual `adjustment`), retrieve, update (description, metadata), list. Each moves the
 * customer's `balance` (negative = credit the customer can spend, positive = owed) and emits
 * `customer.updated`; credit notes credit the balance through `insertBalanceTransaction`.
 * @module
 */
import type Stripe from 'stripe'
import type { Ctx } from '../context.js'
import { readCurrency } from '../currencies.js'
import { invalidParam, invalidRequest } from '../errors.js'
import { newId } from '../ids.js'
import { LIST_PARAMS, paginate } from '../list.js'
import {
  allowOnly,
  applyMetadata,
  inRange,
  nullableString,
  optRange,
  type Params,
  reqInt,
  reqString,
} from '../params.js'
import { route } from '../registry.js'
import { getObject, insertObject, listObjects } from '../state.js'

export type BalanceInput = {
  amount: number
  currency: string
  type: Stripe.CustomerBalanceTransaction.Type
  description?: string | null
  metadata?: Record<string, string>
  creditNote?: string | null
  invoice?: string | null
}

/** Records the transaction and moves the customer's balance (`customer.updated`). */
export function insertBalanceTransaction(
  ctx: Ctx,
  customer: Stripe.Customer,
  input: BalanceInput,
): Stripe.CustomerBalanceTransaction {
  const currency = input.currency.toLowerCase()
  const others = listObjects<Stripe.CustomerBalanceTransaction>(
    ctx.state,
    'customer_balance_transaction',
    (t) => t.customer === customer.id,
  )
  if (others.some((t) => t.currency !== currency))
    throw invalidParam(
      'currency',
      `The customer's balance is in ${others[0]?.currency}; balances never mix currencies.`,
    )
  const previous = customer.balance
  const txn = {
    id: newId('cbtxn', 24),
    object: 'customer_balance_transaction',
    amount: input.amount,
    checkout_session: null,
    created: ctx.now(),
    credit_note: input.creditNote ?? null,
    currency,
    customer: customer.id,
    customer_account: null,
    description: input.description ?? null,
    ending_balance: previous + input.amount,
    invoice: input.invoice ?? null,
    livemode: false,
    metadata: input.metadata ?? {},
    type: input.type,
  } as Stripe.CustomerBalanceTransaction
  insertObject(ctx.state, txn)
  customer.balance = txn.ending_balance
  ctx.emit('customer.updated', customer, { balance: previous })
  return txn
}

function txnOf(ctx: Ctx, customerId: string, id: string): Stripe.CustomerBalanceTransaction {
  const txn = getObject<Stripe.CustomerBalanceTransaction>(
    ctx.state,
    'customer_balance_transaction',
    id,
    'id',
    'customer balance transaction',
  )
  if (txn.customer !== customerId)
    throw invalidRequest(`No such customer balance transaction: '${id}'`, 'resource_missing', 'id', 404)
  return txn
}

route('post', '/v1/customers/:id/balance_transactions', (ctx, params: Params, path) => {
  allowOnly(params, ['amount', 'currency', 'description', 'metadata'])
  const customer = getObject<Stripe.Customer>(ctx.state, 'customer', path.id!)
  const amount = reqInt(params, 'amount')
  if (amount === 0) throw invalidParam('amount', 'The amount must be a non-zero integer.')
  return insertBalanceTransaction(ctx, customer, {
    amount,
    currency: readCurrency(reqString(params, 'currency'), 'currency'),
    type: 'adjustment',
    description: nullableString(params, 'description') ?? null,
    metadata: applyMetadata({}, params),
  })
})
route('get', '/v1/customers/:id/balance_transactions/:txn', (ctx, _p, path) => {
  getObject(ctx.state, 'customer', path.id!)
  return txnOf(ctx, path.id!, path.txn!)
})
route('post', '/v1/customers/:id/balance_transactions/:txn', (ctx, params, path) => {
  allowOnly(params, ['description', 'metadata'])
  getObject(ctx.state, 'customer', path.id!)
  const txn = txnOf(ctx, path.id!, path.txn!)
  const description = nullableString(params, 'description')
  if (description !== undefined) txn.description = description
  txn.metadata = applyMetadata(txn.metadata ?? {}, params)
  return txn
})
route('get', '/v1/customers/:id/balance_transactions', (ctx, params, path) => {
  allowOnly(params, [...LIST_PARAMS, 'created', 'invoice'])
  const customer = getObject<Stripe.Customer>(ctx.state, 'customer', path.id!)
  const invoice = params.invoice
  const created = optRange(params, 'created')
  const items = listObjects<Stripe.CustomerBalanceTransaction>(
    ctx.state,
    'customer_balance_transaction',
    (t) =>
      t.customer === customer.id &&
      (invoice === undefined || t.invoice === invoice) &&
      inRange(t.created, created),
  )
  return paginate(items, params, `/v1/customers/${customer.id}/balance_transactions`)
})
