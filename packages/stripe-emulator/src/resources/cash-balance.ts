/**
 * Customer cash balance and bank-transfer payments (`customer_balance` PaymentMethods): a
 * PaymentIntent confirmed with `payment_method_data[type]=customer_balance` and
 * `payment_method_options[customer_balance][funding_type]=bank_transfer` first takes what the
 * customer's cash balance holds, then waits in `requires_action` with
 * `next_action.display_bank_transfer_instructions` for the rest. Funds arrive through
 * `POST /v1/test_helpers/customers/:id/fund_cash_balance` (cash-balance-funding.ts), which applies
 * them to waiting PaymentIntents oldest first (`reconciliation_mode: automatic`).
 *
 * The bank-transfer type must match the currency: `jp_bank_account` (jpy), `us_bank_transfer`
 * (usd), `eu_bank_transfer` (eur, with `eu_bank_transfer[country]`), `gb_bank_transfer` (gbp),
 * `mx_bank_transfer` (mxn). Manual reconciliation, refunds to the cash balance and returns are not
 * modelled.
 * @module
 */
import type Stripe from 'stripe'
import type { Ctx } from '../context.js'
import { invalidParam, invalidRequest, missingParam } from '../errors.js'
import { newId, randomString } from '../ids.js'
import { allowOnly, optEnum, optObject, optString, type Params } from '../params.js'
import { hiddenOf, insertObject } from '../state.js'

export const BANK_TRANSFER_CURRENCY: Record<string, string> = {
  jp_bank_account: 'jpy',
  us_bank_transfer: 'usd',
  eu_bank_transfer: 'eur',
  gb_bank_transfer: 'gbp',
  mx_bank_transfer: 'mxn',
}

type BalanceHidden = { cashBalance?: Record<string, number> }

/** What the customer's cash balance holds, per currency (minor units). */
export function cashAvailable(ctx: Ctx, customerId: string): Record<string, number> {
  const hidden = hiddenOf<BalanceHidden>(ctx.state, customerId)
  hidden.cashBalance ??= {}
  return hidden.cashBalance
}

/** Stores a `customer_balance` PaymentMethod (`payment_method_data[type]=customer_balance`). */
export function createCustomerBalancePaymentMethod(ctx: Ctx): Stripe.PaymentMethod {
  const pm = {
    id: newId('pm', 24),
    object: 'payment_method',
    allow_redisplay: 'unspecified',
    billing_details: { address: null, email: null, name: null, phone: null, tax_id: null },
    created: ctx.now(),
    customer: null,
    customer_account: null,
    customer_balance: {},
    livemode: false,
    metadata: {},
    type: 'customer_balance',
  } as unknown as Stripe.PaymentMethod
  insertObject(ctx.state, pm)
  return pm
}

/** `payment_method_options[customer_balance]`, checked against the currency. */
export function readCustomerBalanceOptions(
  options: Params,
  currency: string,
): Stripe.PaymentIntent.PaymentMethodOptions.CustomerBalance {
  const name = 'payment_method_options[customer_balance]'
  allowOnly(options, ['funding_type', 'bank_transfer', 'setup_future_usage'], name)
  if (options.setup_future_usage !== undefined)
    throw invalidParam(`${name}[setup_future_usage]`, 'Not modelled.')
  const funding = optEnum(options, 'funding_type', ['bank_transfer'] as const, `${name}[funding_type]`)
  if (!funding) throw missingParam(`${name}[funding_type]`)
  const transfer = optObject(options, 'bank_transfer', `${name}[bank_transfer]`)
  if (!transfer) throw missingParam(`${name}[bank_transfer]`)
  allowOnly(transfer, ['type', 'eu_bank_transfer', 'requested_address_types'], `${name}[bank_transfer]`)
  const type = optEnum(
    transfer,
    'type',
    Object.keys(BANK_TRANSFER_CURRENCY) as (keyof typeof BANK_TRANSFER_CURRENCY)[],
    `${name}[bank_transfer][type]`,
  )
  if (!type) throw missingParam(`${name}[bank_transfer][type]`)
  if (BANK_TRANSFER_CURRENCY[type] !== currency)
    throw invalidParam(
      `${name}[bank_transfer][type]`,
      `The bank transfer type ${type} does not support the currency ${currency}; it takes ${BANK_TRANSFER_CURRENCY[type]}.`,
    )
  const eu = optObject(transfer, 'eu_bank_transfer', `${name}[bank_transfer][eu_bank_transfer]`)
  if (type === 'eu_bank_transfer' && !optString(eu ?? {}, 'country'))
    throw missingParam(`${name}[bank_transfer][eu_bank_transfer][country]`)
  if (transfer.requested_address_types !== undefined)
    throw invalidParam(`${name}[bank_transfer][requested_address_types]`, 'Not modelled.')
  return {
    bank_transfer: {
      ...(eu ? { eu_bank_transfer: { country: optString(eu, 'country') } } : {}),
      requested_address_types: [],
      type,
    },
    funding_type: 'bank_transfer',
  } as unknown as Stripe.PaymentIntent.PaymentMethodOptions.CustomerBalance
}

function financialAddress(type: string): Record<string, unknown> {
  const address = { city: null, country: null, line1: null, line2: null, postal_code: null, state: null }
  switch (type) {
    case 'jp_bank_account':
      return {
        type: 'zengin',
        supported_networks: ['zengin'],
        zengin: {
          account_holder_address: address,
          account_holder_name: 'ストライプジャパン（カ',
          account_number: '0000000',
          account_type: 'futsu',
          bank_address: address,
          bank_code: '0000',
          bank_name: 'Emulated Bank',
          branch_code: '000',
          branch_name: 'Emulated Branch',
        },
      }
    case 'us_bank_transfer':
      return {
        type: 'aba',
        supported_networks: ['ach', 'domestic_wire_us'],
        aba: { account_number: '000000000', bank_name: 'Emulated Bank', routing_number: '110000000' },
      }
    case 'gb_bank_transfer':
      return {
        type: 'sort_code',
        supported_networks: ['bacs', 'fps'],
        sort_code: { account_holder_name: 'Emulated', account_number: '00000000', sort_code: '000000' },
      }
    case 'mx_bank_transfer':
      return {
        type: 'spei',
        supported_networks: ['spei'],
        spei: { bank_code: '000', bank_name: 'Emulated Bank', clabe: '000000000000000000' },
      }
    default:
      return {
        type: 'iban',
        supported_networks: ['sepa'],
        iban: {
          account_holder_name: 'Emulated',
          bic: 'EMULATED',
          country: 'DE',
          iban: 'DE00000000000000000000',
        },
      }
  }
}

/** Shows the customer how to pay what is left: `requires_action` with the transfer instructions. */
export function setTransferInstructions(ctx: Ctx, pi: Stripe.PaymentIntent, remaining: number): void {
  const type = pi.payment_method_options?.customer_balance?.bank_transfer?.type ?? 'jp_bank_account'
  const hidden = hiddenOf<{ transferReference?: string }>(ctx.state, pi.id)
  hidden.transferReference ??= randomString(8).toUpperCase()
  pi.status = 'requires_action'
  pi.next_action = {
    type: 'display_bank_transfer_instructions',
    display_bank_transfer_instructions: {
      amount_remaining: remaining,
      currency: pi.currency,
      financial_addresses: [financialAddress(type)],
      hosted_instructions_url: null, // no hosted instructions page is served
      reference: hidden.transferReference,
      type,
    },
  } as unknown as Stripe.PaymentIntent.NextAction
}

/** What a bank-transfer PaymentIntent still waits for, or undefined when it does not wait. */
export function amountRemaining(pi: Stripe.PaymentIntent): number | undefined {
  if (pi.status !== 'requires_action') return undefined
  const instructions = pi.next_action?.display_bank_transfer_instructions
  return instructions?.amount_remaining ?? undefined
}

/** Checks a `customer_balance` confirmation can wait for a transfer (customer, options, currency). */
export function checkBankTransfer(pi: Stripe.PaymentIntent): void {
  if (!pi.customer)
    throw invalidRequest(
      'A customer is required to use the customer_balance payment method.',
      'parameter_missing',
      'customer',
    )
  if (!pi.payment_method_options?.customer_balance)
    throw missingParam('payment_method_options[customer_balance][funding_type]')
}

/** Records a cash balance movement (`funded` +, `applied_to_payment` −) and emits it. */
export function recordCashTransaction(
  ctx: Ctx,
  customerId: string,
  currency: string,
  netAmount: number,
  detail:
    | { type: 'funded'; reference: string; bankTransferType: string }
    | { type: 'applied_to_payment'; paymentIntent: string },
): Stripe.CustomerCashBalanceTransaction {
  const balance = cashAvailable(ctx, customerId)
  balance[currency] = (balance[currency] ?? 0) + netAmount
  const transaction = {
    id: newId('ccsbtxn', 24),
    object: 'customer_cash_balance_transaction',
    created: ctx.now(),
    currency,
    customer: customerId,
    customer_account: null,
    ending_balance: balance[currency],
    livemode: false,
    net_amount: netAmount,
    type: detail.type,
    ...(detail.type === 'funded'
      ? {
          funded: {
            bank_transfer: {
              reference: detail.reference,
              type: detail.bankTransferType,
              ...(detail.bankTransferType === 'jp_bank_transfer'
                ? { jp_bank_transfer: { sender_bank: null, sender_branch: null, sender_name: null } }
                : {}),
            },
          },
        }
      : { applied_to_payment: { payment_intent: detail.paymentIntent } }),
  } as unknown as Stripe.CustomerCashBalanceTransaction
  insertObject(ctx.state, transaction)
  ctx.emit('customer_cash_balance_transaction.created', transaction)
  return transaction
}

/** The customer's `cash_balance` object. */
export function cashBalanceOf(ctx: Ctx, customerId: string): Stripe.CashBalance {
  return {
    object: 'cash_balance',
    available: { ...cashAvailable(ctx, customerId) },
    customer: customerId,
    customer_account: null,
    livemode: false,
    settings: { reconciliation_mode: 'automatic', using_merchant_default: true },
  } as Stripe.CashBalance
}
