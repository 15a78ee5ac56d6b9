/**
 * Building a new Checkout Session object from its create params: the combination and range checks
 * Stripe applies (`customer` vs `customer_email`, `allow_promotion_codes` vs `discounts`,
 * `expires_at` between 30 minutes and 24 hours, mode-only params) and every field of the
 * endive-era `Stripe.Checkout.Session` with its defaults.
 * @module
 */
import type Stripe from 'stripe'
import type { Ctx } from '../context.js'
import { readCurrency } from '../currencies.js'
import { invalidParam, invalidRequest } from '../errors.js'
import { applyMetadata, nullableString, optBool, optEnum, optInt, optString, type Params } from '../params.js'
import { readBranding } from './checkout-branding.js'

const DAY = 86_400

export function readExpiresAt(ctx: Ctx, params: Params): number {
  const now = ctx.now()
  const at = optInt(params, 'expires_at')
  if (at === undefined) return now + DAY
  if (at < now + 1800) {
    throw invalidParam(
      'expires_at',
      'The `expires_at` timestamp must be at least 30 minutes from Checkout Session creation.',
    )
  }
  if (at > now + DAY) {
    throw invalidParam(
      'expires_at',
      'The `expires_at` timestamp must be less than 24 hours from Checkout Session creation.',
    )
  }
  return at
}

export function checkCombinations(params: Params, mode: Stripe.Checkout.Session.Mode): void {
  if (params.customer && params.customer_email) {
    throw invalidRequest(
      'You may only specify one of these parameters: customer, customer_email.',
      undefined,
      'customer_email',
    )
  }
  if (params.allow_promotion_codes !== undefined && params.discounts) {
    throw invalidRequest(
      'You may only specify one of these parameters: allow_promotion_codes, discounts.',
      undefined,
      'discounts',
    )
  }
  if (params.customer_creation && mode === 'subscription') {
    throw invalidParam(
      'customer_creation',
      '`customer_creation` can only be used in `payment` and `setup` mode.',
    )
  }
  if (params.payment_intent_data && mode !== 'payment') {
    throw invalidParam('payment_intent_data', '`payment_intent_data` can only be used in `payment` mode.')
  }
  if (params.payment_method_collection && mode !== 'subscription') {
    throw invalidParam(
      'payment_method_collection',
      '`payment_method_collection` can only be used in `subscription` mode.',
    )
  }
  if (params.setup_intent_data && mode !== 'setup') {
    throw invalidParam('setup_intent_data', '`setup_intent_data` can only be used in `setup` mode.')
  }
  if (params.subscription_data && mode !== 'subscription') {
    throw invalidParam('subscription_data', '`subscription_data` can only be used in `subscription` mode.')
  }
}

function uiMode(params: Params): Stripe.Checkout.Session.UiMode {
  const raw = optString(params, 'ui_mode') ?? 'hosted_page'
  if (raw === 'hosted' || raw === 'hosted_page') return 'hosted_page'
  throw invalidParam('ui_mode', `The emulator serves only hosted Checkout pages, not \`${raw}\`.`)
}

export type BuildInput = {
  id: string
  mode: Stripe.Checkout.Session.Mode
  customer: Stripe.Customer | undefined
  expiresAt: number
  discounts: Stripe.Checkout.Session.Discount[]
  lineItems: Stripe.LineItem[]
}

/**
 * Without `payment_method_types`, Stripe offers what the account enables that suits the session;
 * the emulator's account has cards everywhere and SEPA Direct Debit for one-time EUR payments.
 */
function defaultMethodTypes(input: BuildInput): string[] {
  const eur = input.lineItems.length > 0 && input.lineItems.every((li) => li.currency === 'eur')
  return input.mode === 'payment' && eur ? ['card', 'sepa_debit'] : ['card']
}

export function buildSession(ctx: Ctx, params: Params, input: BuildInput): Stripe.Checkout.Session {
  const { id, mode, customer } = input
  const automaticTax = optBool((params.automatic_tax as Params | undefined) ?? {}, 'enabled') ?? false
  const methodTypes = (params.payment_method_types as string[] | undefined) ?? defaultMethodTypes(input)
  const branding = readBranding(params)
  return {
    id,
    object: 'checkout.session',
    adaptive_pricing: { enabled: false },
    after_expiration: null,
    allow_promotion_codes: optBool(params, 'allow_promotion_codes') ?? null,
    ...(branding ? { branding_settings: branding } : {}),
    allowed_payment_method_types: null,
    amount_subtotal: mode === 'setup' ? null : 0,
    amount_total: mode === 'setup' ? null : 0,
    automatic_tax: {
      enabled: automaticTax,
      liability: null,
      provider: null,
      status: automaticTax ? 'complete' : null,
    },
    billing_address_collection:
      optEnum(params, 'billing_address_collection', ['auto', 'required'] as const) ?? null,
    cancel_url: nullableString(params, 'cancel_url') ?? null,
    client_reference_id: nullableString(params, 'client_reference_id') ?? null,
    client_secret: null,
    collected_information: null,
    consent: null,
    consent_collection: null,
    created: ctx.now(),
    currency: mode === 'setup' ? setupCurrency(params) : (input.lineItems[0]?.currency ?? 'usd'),
    currency_conversion: null,
    custom_fields: [],
    custom_text: {
      after_submit: null,
      shipping_address: null,
      submit: null,
      terms_of_service_acceptance: null,
    },
    customer: customer?.id ?? null,
    customer_account: null,
    customer_creation:
      mode !== 'subscription'
        ? (optEnum(params, 'customer_creation', ['always', 'if_required'] as const) ?? 'if_required')
        : null,
    customer_details: customer ? customerDetails(customer.email, customer.name ?? null) : null,
    customer_email: nullableString(params, 'customer_email') ?? null,
    discounts: input.discounts,
    expires_at: input.expiresAt,
    integration_identifier: null,
    invoice: null,
    invoice_creation: mode === 'payment' ? { enabled: false, invoice_data: emptyInvoiceData() } : null,
    livemode: false,
    locale: null,
    managed_payments: null,
    metadata: applyMetadata({}, params),
    mode,
    origin_context: null,
    payment_intent: null,
    payment_link: null,
    payment_method_collection:
      optEnum(params, 'payment_method_collection', ['always', 'if_required'] as const) ?? 'always',
    payment_method_configuration_details: null,
    payment_method_options: {},
    payment_method_types: methodTypes,
    payment_status: mode === 'setup' ? 'no_payment_required' : 'unpaid',
    permissions: null,
    recovered_from: null,
    saved_payment_method_options: null,
    setup_intent: null,
    shipping_address_collection: null,
    shipping_cost: null,
    shipping_options: [],
    status: 'open',
    submit_type: null,
    subscription: null,
    success_url: nullableString(params, 'success_url') ?? null,
    total_details: mode === 'setup' ? null : { amount_discount: 0, amount_shipping: 0, amount_tax: 0 },
    ui_mode: uiMode(params),
    url: `${ctx.baseUrl}/c/pay/${id}`,
    wallet_options: null,
  } as Stripe.Checkout.Session
}

/** A setup-mode session's optional `currency` (it charges nothing, so has no line items). */
function setupCurrency(params: Params): string | null {
  const given = optString(params, 'currency')
  return given ? readCurrency(given, 'currency') : null
}

function emptyInvoiceData(): Stripe.Checkout.Session.InvoiceCreation.InvoiceData {
  return {
    account_tax_ids: null,
    custom_fields: null,
    description: null,
    footer: null,
    issuer: null,
    metadata: null,
    rendering_options: null,
  }
}

export function customerDetails(
  email: string | null,
  name: string | null,
  address: Stripe.Address | null = null,
): Stripe.Checkout.Session.CustomerDetails {
  return {
    address,
    business_name: null,
    email,
    individual_name: null,
    name,
    phone: null,
    tax_exempt: 'none',
    tax_ids: [],
  }
}
