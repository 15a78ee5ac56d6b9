// Writes src/stripe-shapes.json: for each Stripe resource the emulator serves, the
// top-level keys the stripe SDK's own type declarations mark required and optional. The emulator's
// tests compare every object it returns against these sets. Rerun after upgrading `stripe`:
//   npm run shapes -w @tollgate/stripe-emulator
import { writeFileSync } from 'node:fs'
import { resolve } from 'node:path'
import ts from 'typescript'

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

const probe = resolve('__stripe_shapes_probe__.ts') // virtual: never written to disk
const names = Object.keys(TYPES)
const text = ['import Stripe from "stripe"', ...Object.values(TYPES).map((t, i) => `export type T${i} = ${t}`)].join('\n')
const options = {
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  target: ts.ScriptTarget.ES2022,
  strict: true,
  skipLibCheck: true,
}
const host = ts.createCompilerHost(options)
const { readFile, fileExists, getSourceFile } = host
host.readFile = (f) => (f === probe ? text : readFile.call(host, f))
host.fileExists = (f) => f === probe || fileExists.call(host, f)
host.getSourceFile = (f, lang) => (f === probe ? ts.createSourceFile(f, text, lang) : getSourceFile.call(host, f, lang))

const program = ts.createProgram([probe], options, host)
const checker = program.getTypeChecker()
const shapes = {}
for (const node of program.getSourceFile(probe).statements) {
  if (!ts.isTypeAliasDeclaration(node)) continue
  const type = checker.getTypeAtLocation(node)
  if (type.flags & ts.TypeFlags.Any) throw new Error(`Could not resolve ${node.name.text}: check the type name`)
  const required = []
  const optional = []
  for (const p of checker.getPropertiesOfType(type)) {
    if (p.name === 'deleted' || p.name === 'lastResponse') continue
    ;(p.flags & ts.SymbolFlags.Optional ? optional : required).push(p.name)
  }
  shapes[names[Number(node.name.text.slice(1))]] = { required: required.sort(), optional: optional.sort() }
}
writeFileSync(new URL("../src/stripe-shapes.json", import.meta.url), `${JSON.stringify(shapes, null, 2)}\n`)
console.log(Object.entries(shapes).map(([k, v]) => `${k}: ${v.required.length}/${v.required.length + v.optional.length}`).join('\n'))
