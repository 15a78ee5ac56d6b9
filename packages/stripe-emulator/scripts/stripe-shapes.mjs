// Writes src/stripe-shapes.json: for each Stripe resource the emulator serves, the
// top-level keys the stripe SDK's own type declarations mark required and optional. The emulator's
// tests compare every object it returns against these sets. Rerun after upgrading `stripe`:
//   npm run shapes -w @tollgate/stripe-emulator
import { writeFileSync } from 'node:fs'
import ts from 'typescript'
import { probeStripeTypes } from './sdk-type-probe.mjs'

const TYPES = {
  'checkout.session': 'Stripe.Checkout.Session',
  subscription: 'Stripe.Subscription',
  subscription_item: 'Stripe.SubscriptionItem',
  invoice: 'Stripe.Invoice',
  line_item: 'Stripe.InvoiceLineItem',
  item: 'Stripe.LineItem',
  price: 'Stripe.Price',
  product: 'Stripe.Product',
  customer: 'Stripe.Customer',
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
}

const names = Object.keys(TYPES)
const { checker, types } = probeStripeTypes('stripe_shapes', Object.values(TYPES))
const shapes = {}
for (const [i, type, alias] of types) {
  if (type.flags & ts.TypeFlags.Any) throw new Error(`Could not resolve ${alias}: check the type name`)
  const required = []
  const optional = []
  for (const p of checker.getPropertiesOfType(type)) {
    if (p.name === 'deleted' || p.name === 'lastResponse') continue
    ;(p.flags & ts.SymbolFlags.Optional ? optional : required).push(p.name)
  }
  shapes[names[i]] = { required: required.sort(), optional: optional.sort() }
}
writeFileSync(new URL('../src/stripe-shapes.json', import.meta.url), `${JSON.stringify(shapes, null, 2)}\n`)
console.log(
  Object.entries(shapes)
    .map(([k, v]) => `${k}: ${v.required.length}/${v.required.length + v.optional.length}`)
    .join('\n'),
)
