// Writes src/stripe-params.json: for each endpoint the emulator serves, the top-level parameter
// names the pinned stripe SDK's type declarations accept. The emulator answers a parameter in
// this list that a handler does not model with 400 `parameter_unsupported` (never "unknown"), and
// a name not in it as Stripe does (400 `parameter_unknown`). Rerun after upgrading `stripe`:
//   npm run params -w @tollgate/stripe-emulator          (--check: exit 1 when the file is stale)
import { readFileSync, writeFileSync } from 'node:fs'
import ts from 'typescript'
import { probeStripeTypes } from './sdk-type-probe.mjs'

const S = 'Stripe.'
const ENDPOINTS = {
  'post /v1/customers': 'CustomerCreateParams',
  'get /v1/customers/:id': 'CustomerRetrieveParams',
  'post /v1/customers/:id': 'CustomerUpdateParams',
  'delete /v1/customers/:id': 'CustomerDeleteParams',
  'get /v1/customers': 'CustomerListParams',
  'get /v1/customers/search': 'CustomerSearchParams',
  'get /v1/prices/search': 'PriceSearchParams',
  'get /v1/products/search': 'ProductSearchParams',
  'get /v1/subscriptions/search': 'SubscriptionSearchParams',
  'get /v1/invoices/search': 'InvoiceSearchParams',
  'get /v1/payment_intents/search': 'PaymentIntentSearchParams',
  'get /v1/charges/search': 'ChargeSearchParams',
  'get /v1/customers/:id/payment_methods': 'CustomerListPaymentMethodsParams',
  'delete /v1/customers/:id/discount': 'CustomerDeleteDiscountParams',
  'get /v1/customers/:id/cash_balance': 'CustomerRetrieveCashBalanceParams',
  'get /v1/customers/:id/cash_balance_transactions': 'CustomerListCashBalanceTransactionsParams',
  'get /v1/customers/:id/cash_balance_transactions/:transaction':
    'CustomerRetrieveCashBalanceTransactionParams',
  // Not exported on the Stripe namespace: read from the method's signature instead.
  'post /v1/test_helpers/customers/:id/fund_cash_balance':
    "=Parameters<Stripe['testHelpers']['customers']['fundCashBalance']>[1]",
  'post /v1/customers/:id/sources': 'CustomerCreateSourceParams',
  'get /v1/customers/:id/sources': 'CustomerListSourcesParams',
  'get /v1/customers/:id/sources/:source': 'CustomerRetrieveSourceParams',
  'post /v1/customers/:id/sources/:source': 'CustomerUpdateSourceParams',
  'delete /v1/customers/:id/sources/:source': 'CustomerDeleteSourceParams',
  'post /v1/products': 'ProductCreateParams',
  'get /v1/products/:id': 'ProductRetrieveParams',
  'post /v1/products/:id': 'ProductUpdateParams',
  'delete /v1/products/:id': 'ProductDeleteParams',
  'get /v1/products': 'ProductListParams',
  'post /v1/products/:id/features': 'ProductCreateFeatureParams',
  'get /v1/products/:id/features': 'ProductListFeaturesParams',
  'post /v1/prices': 'PriceCreateParams',
  'get /v1/prices/:id': 'PriceRetrieveParams',
  'post /v1/prices/:id': 'PriceUpdateParams',
  'get /v1/prices': 'PriceListParams',
  'post /v1/coupons': 'CouponCreateParams',
  'post /v1/coupons/:id': 'CouponUpdateParams',
  'get /v1/coupons': 'CouponListParams',
  'post /v1/promotion_codes': 'PromotionCodeCreateParams',
  'post /v1/promotion_codes/:id': 'PromotionCodeUpdateParams',
  'get /v1/promotion_codes': 'PromotionCodeListParams',
  'post /v1/payment_methods': 'PaymentMethodCreateParams',
  'post /v1/payment_methods/:id': 'PaymentMethodUpdateParams',
  'get /v1/payment_methods': 'PaymentMethodListParams',
  'post /v1/payment_methods/:id/attach': 'PaymentMethodAttachParams',
  'post /v1/payment_methods/:id/detach': 'PaymentMethodDetachParams',
  'post /v1/payment_intents': 'PaymentIntentCreateParams',
  'post /v1/payment_intents/:id': 'PaymentIntentUpdateParams',
  'get /v1/payment_intents': 'PaymentIntentListParams',
  'post /v1/payment_intents/:id/confirm': 'PaymentIntentConfirmParams',
  'post /v1/payment_intents/:id/cancel': 'PaymentIntentCancelParams',
  'post /v1/payment_intents/:id/capture': 'PaymentIntentCaptureParams',
  'get /v1/charges': 'ChargeListParams',
  'post /v1/refunds': 'RefundCreateParams',
  'post /v1/refunds/:id': 'RefundUpdateParams',
  'post /v1/refunds/:id/cancel': 'RefundCancelParams',
  'post /v1/charges/:id': 'ChargeUpdateParams',
  'get /v1/refunds': 'RefundListParams',
  'post /v1/disputes/:id': 'DisputeUpdateParams',
  'post /v1/disputes/:id/close': 'DisputeCloseParams',
  'get /v1/disputes': 'DisputeListParams',
  'post /v1/checkout/sessions': 'Checkout.SessionCreateParams',
  'post /v1/checkout/sessions/:id': 'Checkout.SessionUpdateParams',
  'get /v1/checkout/sessions': 'Checkout.SessionListParams',
  'post /v1/checkout/sessions/:id/expire': 'Checkout.SessionExpireParams',
  'get /v1/checkout/sessions/:id/line_items': 'Checkout.SessionListLineItemsParams',
  'post /v1/subscriptions': 'SubscriptionCreateParams',
  'post /v1/subscriptions/:id': 'SubscriptionUpdateParams',
  'delete /v1/subscriptions/:id': 'SubscriptionCancelParams',
  'get /v1/subscriptions': 'SubscriptionListParams',
  'post /v1/subscriptions/:id/resume': 'SubscriptionResumeParams',
  'get /v1/subscription_items': 'SubscriptionItemListParams',
  'post /v1/subscription_items': 'SubscriptionItemCreateParams',
  'post /v1/subscription_items/:id': 'SubscriptionItemUpdateParams',
  'delete /v1/subscription_items/:id': 'SubscriptionItemDeleteParams',
  'post /v1/invoices': 'InvoiceCreateParams',
  'get /v1/invoices': 'InvoiceListParams',
  'get /v1/invoice_payments': 'InvoicePaymentListParams',
  'get /v1/invoices/:id/lines': 'InvoiceListLineItemsParams',
  'post /v1/invoices/:id/finalize': 'InvoiceFinalizeInvoiceParams',
  'post /v1/invoices/:id/pay': 'InvoicePayParams',
  'post /v1/invoices/:id/void': 'InvoiceVoidInvoiceParams',
  'post /v1/invoices/:id/mark_uncollectible': 'InvoiceMarkUncollectibleParams',
  'post /v1/invoiceitems': 'InvoiceItemCreateParams',
  'get /v1/invoiceitems': 'InvoiceItemListParams',
  'get /v1/events': 'EventListParams',
  'post /v1/webhook_endpoints': 'WebhookEndpointCreateParams',
  'post /v1/webhook_endpoints/:id': 'WebhookEndpointUpdateParams',
  'get /v1/webhook_endpoints': 'WebhookEndpointListParams',
  'post /v1/test_helpers/test_clocks': 'TestHelpers.TestClockCreateParams',
  'get /v1/test_helpers/test_clocks': 'TestHelpers.TestClockListParams',
  'post /v1/test_helpers/test_clocks/:id/advance': 'TestHelpers.TestClockAdvanceParams',
  'post /v1/billing_portal/configurations': 'BillingPortal.ConfigurationCreateParams',
  'post /v1/billing_portal/configurations/:id': 'BillingPortal.ConfigurationUpdateParams',
  'get /v1/billing_portal/configurations': 'BillingPortal.ConfigurationListParams',
  'post /v1/billing_portal/sessions': 'BillingPortal.SessionCreateParams',
  'post /v1/entitlements/features': 'Entitlements.FeatureCreateParams',
  'post /v1/entitlements/features/:id': 'Entitlements.FeatureUpdateParams',
  'get /v1/entitlements/features': 'Entitlements.FeatureListParams',
  'get /v1/entitlements/active_entitlements': 'Entitlements.ActiveEntitlementListParams',
  'post /v1/invoices/create_preview': 'InvoiceCreatePreviewParams',
  'post /v1/invoices/:id': 'InvoiceUpdateParams',
  'post /v1/invoices/:id/send': 'InvoiceSendInvoiceParams',
  'delete /v1/invoices/:id': 'InvoiceDeleteParams',
  'post /v1/invoiceitems/:id': 'InvoiceItemUpdateParams',
  'delete /v1/invoiceitems/:id': 'InvoiceItemDeleteParams',
  'post /v1/subscription_schedules': 'SubscriptionScheduleCreateParams',
  'post /v1/subscription_schedules/:id': 'SubscriptionScheduleUpdateParams',
  'get /v1/subscription_schedules': 'SubscriptionScheduleListParams',
  'post /v1/subscription_schedules/:id/release': 'SubscriptionScheduleReleaseParams',
  'post /v1/subscription_schedules/:id/cancel': 'SubscriptionScheduleCancelParams',
  'post /v1/tax_rates': 'TaxRateCreateParams',
  'post /v1/tax_rates/:id': 'TaxRateUpdateParams',
  'get /v1/tax_rates': 'TaxRateListParams',
  'post /v1/customers/:id/tax_ids': 'CustomerCreateTaxIdParams',
  'get /v1/customers/:id/tax_ids': 'CustomerListTaxIdsParams',
  'post /v1/credit_notes': 'CreditNoteCreateParams',
  'get /v1/credit_notes/preview': 'CreditNotePreviewParams',
  'get /v1/credit_notes/preview/lines': 'CreditNoteListPreviewLineItemsParams',
  'get /v1/credit_notes': 'CreditNoteListParams',
  'post /v1/credit_notes/:id/void': 'CreditNoteVoidCreditNoteParams',
  'post /v1/credit_notes/:id': 'CreditNoteUpdateParams',
  'get /v1/credit_notes/:id/lines': 'CreditNoteListLineItemsParams',
  'post /v1/customers/:id/balance_transactions': 'CustomerCreateBalanceTransactionParams',
  'post /v1/customers/:id/balance_transactions/:txn': 'CustomerUpdateBalanceTransactionParams',
  'get /v1/customers/:id/balance_transactions': 'CustomerListBalanceTransactionsParams',
  'post /v1/payment_links': 'PaymentLinkCreateParams',
  'post /v1/payment_links/:id': 'PaymentLinkUpdateParams',
  'get /v1/payment_links': 'PaymentLinkListParams',
  'get /v1/payment_links/:id/line_items': 'PaymentLinkListLineItemsParams',
  'post /v1/setup_intents': 'SetupIntentCreateParams',
  'post /v1/setup_intents/:id': 'SetupIntentUpdateParams',
  'get /v1/setup_intents': 'SetupIntentListParams',
  'post /v1/setup_intents/:id/confirm': 'SetupIntentConfirmParams',
  'post /v1/setup_intents/:id/cancel': 'SetupIntentCancelParams',
  'post /v1/billing/meters': 'Billing.MeterCreateParams',
  'get /v1/billing/meters/:id': 'Billing.MeterRetrieveParams',
  'post /v1/billing/meters/:id': 'Billing.MeterUpdateParams',
  'get /v1/billing/meters': 'Billing.MeterListParams',
  'post /v1/billing/meters/:id/deactivate': 'Billing.MeterDeactivateParams',
  'post /v1/billing/meters/:id/reactivate': 'Billing.MeterReactivateParams',
  'get /v1/billing/meters/:id/event_summaries': 'Billing.MeterListEventSummariesParams',
  'post /v1/billing/meter_events': 'Billing.MeterEventCreateParams',
}

const keys = Object.keys(ENDPOINTS)
const { checker, types } = probeStripeTypes(
  'stripe_params',
  keys.map((k) => (ENDPOINTS[k].startsWith('=') ? ENDPOINTS[k].slice(1) : `${S}${ENDPOINTS[k]}`)),
)
const params = {}
for (const [i, type] of types) {
  const key = keys[i]
  if (type.flags & ts.TypeFlags.Any)
    throw new Error(`Could not resolve ${ENDPOINTS[key]}: check the type name`)
  params[key] = checker
    .getPropertiesOfType(type)
    .map((p) => p.name)
    .sort()
}
const out = `${JSON.stringify(params, null, 2)}\n`
const file = new URL('../src/stripe-params.json', import.meta.url)
if (process.argv.includes('--check')) {
  // Compared as data: the formatter may lay the checked-in file out differently.
  if (JSON.stringify(JSON.parse(readFileSync(file, 'utf8'))) !== JSON.stringify(params)) {
    console.error('src/stripe-params.json is stale: run `npm run params -w @tollgate/stripe-emulator`')
    process.exit(1)
  }
  console.log('src/stripe-params.json is current')
} else {
  writeFileSync(file, out)
  console.log(`${keys.length} endpoints written to src/stripe-params.json`)
}
