// Writes src/stripe-shapes.json: for each Stripe resource the emulator serves, the
// top-level keys the stripe SDK's own type declarations mark required and optional, and those that
// hold an expandable id (`string | Stripe.Customer`). The emulator's tests compare every object it
// returns against the first two; `expand[]` refuses a top-level field outside the third. Rerun after upgrading `stripe`:
//   npm run shapes -w @tollgate/stripe-emulator          (--check: exit 1 when the file is stale)
import { readFileSync, writeFileSync } from 'node:fs'
import ts from 'typescript'
import { probeStripeTypes } from './sdk-type-probe.mjs'

const TYPES = {
  'checkout.session': 'Stripe.Checkout.Session',
  subscription: 'Stripe.Subscription',
  subscription_item: 'Stripe.SubscriptionItem',
  invoice: 'Stripe.Invoice',
  invoice_payment: 'Stripe.InvoicePayment',
  line_item: 'Stripe.InvoiceLineItem',
  item: 'Stripe.LineItem',
  price: 'Stripe.Price',
  product: 'Stripe.Product',
  customer: 'Stripe.Customer',
  card: 'Stripe.Card',
  discount: 'Stripe.Discount',
  cash_balance: 'Stripe.CashBalance',
  customer_cash_balance_transaction: 'Stripe.CustomerCashBalanceTransaction',
  event: 'Stripe.Event',
  payment_intent: 'Stripe.PaymentIntent',
  payment_method: 'Stripe.PaymentMethod',
  charge: 'Stripe.Charge',
  refund: 'Stripe.Refund',
  coupon: 'Stripe.Coupon',
  promotion_code: 'Stripe.PromotionCode',
  webhook_endpoint: 'Stripe.WebhookEndpoint',
  'billing_portal.session': 'Stripe.BillingPortal.Session',
  'billing_portal.configuration': 'Stripe.BillingPortal.Configuration',
  'test_helpers.test_clock': 'Stripe.TestHelpers.TestClock',
  'entitlements.feature': 'Stripe.Entitlements.Feature',
  'entitlements.active_entitlement': 'Stripe.Entitlements.ActiveEntitlement',
  'entitlements.active_entitlement_summary': 'Stripe.Entitlements.ActiveEntitlementSummary',
  product_feature: 'Stripe.ProductFeature',
  invoiceitem: 'Stripe.InvoiceItem',
  dispute: 'Stripe.Dispute',
  setup_intent: 'Stripe.SetupIntent',
  tax_rate: 'Stripe.TaxRate',
  tax_id: 'Stripe.TaxId',
  credit_note: 'Stripe.CreditNote',
  credit_note_line_item: 'Stripe.CreditNoteLineItem',
  subscription_schedule: 'Stripe.SubscriptionSchedule',
  payment_link: 'Stripe.PaymentLink',
  'billing.meter': 'Stripe.Billing.Meter',
  'billing.meter_event': 'Stripe.Billing.MeterEvent',
  'billing.meter_event_summary': 'Stripe.Billing.MeterEventSummary',
  customer_balance_transaction: 'Stripe.CustomerBalanceTransaction',
  mandate: 'Stripe.Mandate',
}

const names = Object.keys(TYPES)
const { checker, types } = probeStripeTypes('stripe_shapes', Object.values(TYPES))

/** `string | Stripe.Customer` (or an array of such): an id the API can expand into its object. */
function isExpandable(type) {
  const element = checker.isArrayType(type) ? checker.getTypeArguments(type)[0] : type
  const parts = element?.isUnion() ? element.types : [element]
  return (
    parts.some((t) => t && t.flags & ts.TypeFlags.String) &&
    parts.some((t) => t && t.flags & ts.TypeFlags.Object)
  )
}

const shapes = {}
for (const [i, type, alias] of types) {
  if (type.flags & ts.TypeFlags.Any) throw new Error(`Could not resolve ${alias}: check the type name`)
  const required = []
  const optional = []
  const expandable = []
  for (const p of checker.getPropertiesOfType(type)) {
    if (p.name === 'deleted' || p.name === 'lastResponse') continue
    ;(p.flags & ts.SymbolFlags.Optional ? optional : required).push(p.name)
    if (isExpandable(checker.getNonNullableType(checker.getTypeOfSymbol(p)))) expandable.push(p.name)
  }
  shapes[names[i]] = { required: required.sort(), optional: optional.sort(), expandable: expandable.sort() }
}
const file = new URL('../src/stripe-shapes.json', import.meta.url)
if (process.argv.includes('--check')) {
  // Compared as data: the formatter lays the checked-in file out differently from JSON.stringify.
  if (JSON.stringify(JSON.parse(readFileSync(file, 'utf8'))) !== JSON.stringify(shapes)) {
    console.error('src/stripe-shapes.json is stale: run `npm run shapes -w @tollgate/stripe-emulator`')
    process.exit(1)
  }
  console.log('src/stripe-shapes.json is current')
} else {
  writeFileSync(file, `${JSON.stringify(shapes, null, 2)}\n`)
  console.log(
    Object.entries(shapes)
      .map(([k, v]) => `${k}: ${v.required.length}/${v.required.length + v.optional.length}`)
      .join('\n'),
  )
}
