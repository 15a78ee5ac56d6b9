/**
 * The PaymentIntent object: building a new one (`requires_payment_method`,
 * `payment_intent.created`) and cancelling one. The routes live in `payment-intents.ts`, the
 * charging in `payments.ts`.
 * @module
 */
import type Stripe from 'stripe'
import type { Ctx } from '../context.js'
import { newId, randomString } from '../ids.js'
import { insertObject } from '../state.js'

export type PaymentIntentInput = {
  amount: number
  currency: string
  customer: string | null
  description?: string | null
  metadata?: Record<string, string>
  receiptEmail?: string | null
  paymentMethodTypes?: string[]
  setupFutureUsage?: Stripe.PaymentIntent.SetupFutureUsage | null
  /** `manual` holds the funds (`requires_capture`) until POST …/capture. */
  captureMethod?: 'automatic' | 'manual'
}

/** Stores a new PaymentIntent in `requires_payment_method` and emits `payment_intent.created`. */
export function insertPaymentIntent(ctx: Ctx, input: PaymentIntentInput): Stripe.PaymentIntent {
  const id = newId('pi', 24)
  const pi: Stripe.PaymentIntent = {
    id,
    object: 'payment_intent',
    allowed_payment_method_types: null,
    amount: input.amount,
    amount_capturable: 0,
    amount_received: 0,
    application: null,
    application_fee_amount: null,
    automatic_payment_methods: input.paymentMethodTypes ? null : { allow_redirects: 'always', enabled: true },
    canceled_at: null,
    cancellation_reason: null,
    capture_method: input.captureMethod ?? 'automatic',
    client_secret: `${id}_secret_${randomString(24)}`,
    confirmation_method: 'automatic',
    created: ctx.now(),
    currency: input.currency,
    customer: input.customer,
    customer_account: null,
    description: input.description ?? null,
    excluded_payment_method_types: null,
    last_payment_error: null,
    latest_charge: null,
    livemode: false,
    managed_payments: null,
    metadata: input.metadata ?? {},
    next_action: null,
    on_behalf_of: null,
    payment_method: null,
    payment_method_configuration_details: null,
    payment_method_options: {
      card: { installments: null, mandate_options: null, network: null, request_three_d_secure: 'automatic' },
    } as Stripe.PaymentIntent.PaymentMethodOptions,
    payment_method_types: input.paymentMethodTypes ?? ['card'],
    payment_record: null,
    processing: null,
    receipt_email: input.receiptEmail ?? null,
    review: null,
    setup_future_usage: input.setupFutureUsage ?? null,
    shipping: null,
    source: null,
    statement_descriptor: null,
    statement_descriptor_suffix: null,
    status: 'requires_payment_method',
    transfer_data: null,
    transfer_group: null,
  }
  insertObject(ctx.state, pi)
  ctx.emit('payment_intent.created', pi)
  return pi
}

export function cancelPaymentIntent(
  ctx: Ctx,
  pi: Stripe.PaymentIntent,
  reason: Stripe.PaymentIntent.CancellationReason | null,
): void {
  pi.status = 'canceled'
  pi.canceled_at = ctx.now()
  pi.cancellation_reason = reason
  pi.next_action = null
  ctx.emit('payment_intent.canceled', pi)
}
