/**
 * One typical call through the official Node SDK for every route the emulator registers, written
 * for this package in the spirit of the SDK's generated request examples (one call per SDK method,
 * realistic parameters). `sdk-examples.test.ts` runs them all against one emulator and checks each
 * answer's `object` and keys against the SDK's shapes, and that every registered route has an
 * example here. Each example ends with the call it is named after; what comes before it is set-up.
 * Used only by tests.
 * @module
 */
import type Stripe from 'stripe'

/** Objects the examples share, made once for the file by `makeFixtures`. */
export type Fixtures = {
  product: Stripe.Product
  monthly: Stripe.Price
  once: Stripe.Price
  customer: Stripe.Customer
  card: Stripe.PaymentMethod
  subscription: Stripe.Subscription
  paid: Stripe.PaymentIntent
  refund: Stripe.Refund
  coupon: Stripe.Coupon
  promo: Stripe.PromotionCode
  taxRate: Stripe.TaxRate
  meter: Stripe.Billing.Meter
  feature: Stripe.Entitlements.Feature
  productFeature: Stripe.ProductFeature
  session: Stripe.Checkout.Session
  link: Stripe.PaymentLink
  clock: Stripe.TestHelpers.TestClock
  setupIntent: Stripe.SetupIntent
  invoice: Stripe.Invoice
  invoiceItem: Stripe.InvoiceItem
  creditNote: Stripe.CreditNote
  schedule: Stripe.SubscriptionSchedule
  portalConfig: Stripe.BillingPortal.Configuration
  endpoint: Stripe.WebhookEndpoint
  source: Stripe.Card
  taxId: Stripe.TaxId
  balanceTxn: Stripe.CustomerBalanceTransaction
  cashCustomer: Stripe.Customer
  dispute: Stripe.Dispute
}

export type Example = {
  /** The route the final call must reach, as registered: `method path`. */
  route: string
  /** The answer's `object`; for `list` and `search_result`, `items` is each entry's. */
  object: string
  items?: string
  /** The answer is Stripe's deleted stub: `{ id, object, deleted: true }` (plus, for a discount, its ids). */
  deleted?: true
  /** Values the answer must have: the call's parameters honoured, the state it leads to. */
  matches?: Record<string, unknown>
  /** Stripe answers this call with an error here (e.g. cancelling a refund that cannot be). */
  error?: { status: number; code?: string }
  call: (stripe: Stripe, fx: Fixtures) => Promise<unknown>
}

const DAY = 86_400

export async function makeFixtures(stripe: Stripe): Promise<Fixtures> {
  const product = await stripe.products.create({ name: 'Pro plan', description: 'Everything, monthly' })
  const monthly = await stripe.prices.create({
    product: product.id,
    currency: 'usd',
    unit_amount: 1500,
    recurring: { interval: 'month' },
    lookup_key: 'pro_monthly',
  })
  const once = await stripe.prices.create({ product: product.id, currency: 'usd', unit_amount: 700 })
  const customer = await stripe.customers.create({ email: 'jenny.rosen@example.com', name: 'Jenny Rosen' })
  const card = await stripe.paymentMethods.attach('pm_card_visa', { customer: customer.id })
  await stripe.customers.update(customer.id, { invoice_settings: { default_payment_method: card.id } })
  const subscription = await stripe.subscriptions.create({
    customer: customer.id,
    items: [{ price: monthly.id }],
  })
  const paid = await stripe.paymentIntents.create({
    amount: 2000,
    currency: 'usd',
    customer: customer.id,
    payment_method: card.id,
    confirm: true,
  })
  const refund = await stripe.refunds.create({ payment_intent: paid.id, amount: 500 })
  const coupon = await stripe.coupons.create({ percent_off: 25, duration: 'once', name: 'Launch' })
  const promo = await stripe.promotionCodes.create({
    promotion: { type: 'coupon', coupon: coupon.id },
    code: 'LAUNCH25',
  })
  const taxRate = await stripe.taxRates.create({
    display_name: 'VAT',
    percentage: 20,
    inclusive: false,
    jurisdiction: 'DE',
  })
  const meter = await stripe.billing.meters.create({
    display_name: 'API requests',
    event_name: 'api_requests',
    default_aggregation: { formula: 'sum' },
  })
  await stripe.billing.meterEvents.create({
    event_name: 'api_requests',
    payload: { value: '3', stripe_customer_id: customer.id },
  })
  const feature = await stripe.entitlements.features.create({ name: 'Exports', lookup_key: 'exports' })
  const productFeature = await stripe.products.createFeature(product.id, { entitlement_feature: feature.id })
  const session = await stripe.checkout.sessions.create({
    mode: 'payment',
    line_items: [{ price: once.id, quantity: 2 }],
    success_url: 'https://shop.example.com/success?session_id={CHECKOUT_SESSION_ID}',
  })
  const link = await stripe.paymentLinks.create({ line_items: [{ price: once.id, quantity: 1 }] })
  const clock = await stripe.testHelpers.testClocks.create({
    frozen_time: Math.floor(Date.now() / 1000),
    name: 'Monthly renewal',
  })
  const setupIntent = await stripe.setupIntents.create({ customer: customer.id, usage: 'off_session' })
  const invoiceItem = await stripe.invoiceItems.create({
    customer: customer.id,
    amount: 1200,
    currency: 'usd',
    description: 'Setup fee',
  })
  const invoice = await stripe.invoices.create({
    customer: customer.id,
    pending_invoice_items_behavior: 'include',
  })
  const creditNote = await stripe.creditNotes.create({
    invoice: String(subscription.latest_invoice),
    amount: 100,
    credit_amount: 100,
  })
  const schedule = await stripe.subscriptionSchedules.create({
    customer: customer.id,
    start_date: Math.floor(Date.now() / 1000) + 30 * DAY,
    end_behavior: 'release',
    phases: [
      { items: [{ price: monthly.id, quantity: 1 }], duration: { interval: 'month', interval_count: 3 } },
    ],
  })
  const portalConfig = await stripe.billingPortal.configurations.create({
    features: { invoice_history: { enabled: true }, payment_method_update: { enabled: true } },
  })
  const endpoint = await stripe.webhookEndpoints.create({
    url: 'https://shop.example.com/webhooks/stripe',
    enabled_events: ['checkout.session.completed', 'invoice.paid'],
  })
  const source = (await stripe.customers.createSource(customer.id, {
    source: 'tok_mastercard',
  })) as Stripe.Card
  const taxId = await stripe.customers.createTaxId(customer.id, { type: 'eu_vat', value: 'DE123456789' })
  const balanceTxn = await stripe.customers.createBalanceTransaction(customer.id, {
    amount: -500,
    currency: 'usd',
    description: 'Goodwill credit',
  })
  const cashCustomer = await stripe.customers.create({ email: 'yamada@example.com' })
  await stripe.testHelpers.customers.fundCashBalance(cashCustomer.id, { amount: 5000, currency: 'jpy' })
  const disputed = await stripe.paymentIntents.create({
    amount: 2500,
    currency: 'usd',
    payment_method: 'pm_card_createDispute',
    confirm: true,
  })
  const dispute = (await stripe.disputes.list({ payment_intent: disputed.id })).data[0]!
  return {
    product,
    monthly,
    once,
    customer,
    card,
    subscription,
    paid,
    refund,
    coupon,
    promo,
    taxRate,
    meter,
    feature,
    productFeature,
    session,
    link,
    clock,
    setupIntent,
    invoice,
    invoiceItem,
    creditNote,
    schedule,
    portalConfig,
    endpoint,
    source,
    taxId,
    balanceTxn,
    cashCustomer,
    dispute,
  }
}

const now = () => Math.floor(Date.now() / 1000)

/**
 * A customer of its own for one-off invoices: `pending_invoice_items_behavior: 'include'` takes every
 * pending item, so the shared customer's subscription prorations would change the amounts.
 */
async function invoicedCustomer(s: Stripe): Promise<string> {
  const customer = await s.customers.create({ email: 'one-off@example.com' })
  const pm = await s.paymentMethods.attach('pm_card_visa', { customer: customer.id })
  await s.customers.update(customer.id, { invoice_settings: { default_payment_method: pm.id } })
  return customer.id
}

async function paidInvoice(s: Stripe, amount: number): Promise<Stripe.Invoice> {
  const customer = await invoicedCustomer(s)
  await s.invoiceItems.create({ customer, amount, currency: 'usd' })
  const draft = await s.invoices.create({ customer, pending_invoice_items_behavior: 'include' })
  return s.invoices.pay(draft.id)
}

async function openInvoice(s: Stripe): Promise<Stripe.Invoice> {
  const customer = await invoicedCustomer(s)
  await s.invoiceItems.create({ customer, amount: 900, currency: 'usd' })
  const draft = await s.invoices.create({
    customer,
    pending_invoice_items_behavior: 'include',
    collection_method: 'send_invoice',
    days_until_due: 30,
  })
  return s.invoices.finalizeInvoice(draft.id)
}

const catalog: Example[] = [
  {
    route: 'post /v1/products',
    object: 'product',
    matches: { name: 'Gold plan', metadata: { tier: 'gold' }, active: true },
    call: (s) => s.products.create({ name: 'Gold plan', metadata: { tier: 'gold' } }),
  },
  { route: 'get /v1/products/:id', object: 'product', call: (s, fx) => s.products.retrieve(fx.product.id) },
  {
    route: 'post /v1/products/:id',
    object: 'product',
    matches: { metadata: { order_id: '6735' } },
    call: (s, fx) => s.products.update(fx.product.id, { metadata: { order_id: '6735' } }),
  },
  { route: 'get /v1/products', object: 'list', items: 'product', call: (s) => s.products.list({ limit: 3 }) },
  {
    route: 'get /v1/products/search',
    object: 'search_result',
    items: 'product',
    call: (s) => s.products.search({ query: "active:'true' AND name~'plan'" }),
  },
  {
    route: 'delete /v1/products/:id',
    deleted: true,
    object: 'product',
    call: async (s) => s.products.del((await s.products.create({ name: 'Discontinued' })).id),
  },
  {
    route: 'post /v1/products/:id/features',
    object: 'product_feature',
    call: async (s, fx) => {
      const feature = await s.entitlements.features.create({
        name: 'Priority support',
        lookup_key: 'support',
      })
      return s.products.createFeature(fx.product.id, { entitlement_feature: feature.id })
    },
  },
  {
    route: 'get /v1/products/:id/features/:feature',
    object: 'product_feature',
    call: (s, fx) => s.products.retrieveFeature(fx.product.id, fx.productFeature.id),
  },
  {
    route: 'get /v1/products/:id/features',
    object: 'list',
    items: 'product_feature',
    call: (s, fx) => s.products.listFeatures(fx.product.id, { limit: 3 }),
  },
  {
    route: 'delete /v1/products/:id/features/:feature',
    deleted: true,
    object: 'product_feature',
    call: async (s, fx) => {
      const feature = await s.entitlements.features.create({ name: 'Beta access', lookup_key: 'beta' })
      const attached = await s.products.createFeature(fx.product.id, { entitlement_feature: feature.id })
      return s.products.deleteFeature(fx.product.id, attached.id)
    },
  },
  {
    route: 'post /v1/prices',
    object: 'price',
    matches: { unit_amount: 12000, recurring: { interval: 'year' }, type: 'recurring' },
    call: (s, fx) =>
      s.prices.create({
        currency: 'usd',
        unit_amount: 12000,
        recurring: { interval: 'year' },
        product: fx.product.id,
      }),
  },
  { route: 'get /v1/prices/:id', object: 'price', call: (s, fx) => s.prices.retrieve(fx.monthly.id) },
  {
    route: 'post /v1/prices/:id',
    object: 'price',
    matches: { metadata: { order_id: '6735' } },
    call: (s, fx) => s.prices.update(fx.once.id, { metadata: { order_id: '6735' } }),
  },
  { route: 'get /v1/prices', object: 'list', items: 'price', call: (s) => s.prices.list({ limit: 3 }) },
  {
    route: 'get /v1/prices/search',
    object: 'search_result',
    items: 'price',
    call: (s) => s.prices.search({ query: "active:'true' AND metadata['order_id']:'6735'" }),
  },
  {
    route: 'post /v1/entitlements/features',
    object: 'entitlements.feature',
    matches: { lookup_key: 'team-seats', active: true },
    call: (s) => s.entitlements.features.create({ name: 'Team seats', lookup_key: 'team-seats' }),
  },
  {
    route: 'get /v1/entitlements/features/:id',
    object: 'entitlements.feature',
    call: (s, fx) => s.entitlements.features.retrieve(fx.feature.id),
  },
  {
    route: 'post /v1/entitlements/features/:id',
    object: 'entitlements.feature',
    matches: { metadata: { order_id: '6735' } },
    call: (s, fx) => s.entitlements.features.update(fx.feature.id, { metadata: { order_id: '6735' } }),
  },
  {
    route: 'get /v1/entitlements/features',
    object: 'list',
    items: 'entitlements.feature',
    call: (s) => s.entitlements.features.list({ limit: 3 }),
  },
  {
    route: 'get /v1/entitlements/active_entitlements',
    object: 'list',
    items: 'entitlements.active_entitlement',
    call: (s, fx) => s.entitlements.activeEntitlements.list({ customer: fx.customer.id }),
  },
  {
    route: 'get /v1/entitlements/active_entitlements/:id',
    object: 'entitlements.active_entitlement',
    call: async (s, fx) => {
      const first = (await s.entitlements.activeEntitlements.list({ customer: fx.customer.id })).data[0]
      return s.entitlements.activeEntitlements.retrieve(first?.id ?? 'ent_missing')
    },
  },
  {
    route: 'post /v1/coupons',
    object: 'coupon',
    matches: { percent_off: 25.5, duration: 'repeating', duration_in_months: 3, valid: true },
    call: (s) => s.coupons.create({ percent_off: 25.5, duration: 'repeating', duration_in_months: 3 }),
  },
  { route: 'get /v1/coupons/:id', object: 'coupon', call: (s, fx) => s.coupons.retrieve(fx.coupon.id) },
  {
    route: 'post /v1/coupons/:id',
    object: 'coupon',
    matches: { metadata: { order_id: '6735' } },
    call: (s, fx) => s.coupons.update(fx.coupon.id, { metadata: { order_id: '6735' } }),
  },
  { route: 'get /v1/coupons', object: 'list', items: 'coupon', call: (s) => s.coupons.list({ limit: 3 }) },
  {
    route: 'delete /v1/coupons/:id',
    deleted: true,
    object: 'coupon',
    call: async (s) => s.coupons.del((await s.coupons.create({ amount_off: 500, currency: 'usd' })).id),
  },
  {
    route: 'post /v1/promotion_codes',
    object: 'promotion_code',
    call: (s, fx) => s.promotionCodes.create({ promotion: { type: 'coupon', coupon: fx.coupon.id } }),
  },
  {
    route: 'get /v1/promotion_codes/:id',
    object: 'promotion_code',
    call: (s, fx) => s.promotionCodes.retrieve(fx.promo.id),
  },
  {
    route: 'post /v1/promotion_codes/:id',
    object: 'promotion_code',
    matches: { metadata: { order_id: '6735' } },
    call: (s, fx) => s.promotionCodes.update(fx.promo.id, { metadata: { order_id: '6735' } }),
  },
  {
    route: 'get /v1/promotion_codes',
    object: 'list',
    items: 'promotion_code',
    call: (s) => s.promotionCodes.list({ limit: 3 }),
  },
  {
    route: 'post /v1/tax_rates',
    object: 'tax_rate',
    matches: { percentage: 7.25, inclusive: false, jurisdiction: 'US - CA', active: true },
    call: (s) =>
      s.taxRates.create({
        display_name: 'Sales tax',
        description: 'CA sales tax',
        jurisdiction: 'US - CA',
        percentage: 7.25,
        inclusive: false,
      }),
  },
  { route: 'get /v1/tax_rates/:id', object: 'tax_rate', call: (s, fx) => s.taxRates.retrieve(fx.taxRate.id) },
  {
    route: 'post /v1/tax_rates/:id',
    object: 'tax_rate',
    matches: { metadata: { order_id: '6735' } },
    call: (s, fx) => s.taxRates.update(fx.taxRate.id, { active: true, metadata: { order_id: '6735' } }),
  },
  {
    route: 'get /v1/tax_rates',
    object: 'list',
    items: 'tax_rate',
    call: (s) => s.taxRates.list({ limit: 3 }),
  },
]

const customers: Example[] = [
  {
    route: 'post /v1/customers',
    object: 'customer',
    matches: { name: 'Jenny Rosen', email: 'jennyrosen@example.com' },
    call: (s) => s.customers.create({ name: 'Jenny Rosen', email: 'jennyrosen@example.com' }),
  },
  {
    route: 'get /v1/customers/:id',
    object: 'customer',
    matches: {
      tax_ids: { object: 'list', data: [{ object: 'tax_id' }] },
      cash_balance: { object: 'cash_balance', available: {} },
    },
    call: (s, fx) => s.customers.retrieve(fx.customer.id, { expand: ['tax_ids', 'cash_balance'] }),
  },
  {
    route: 'post /v1/customers/:id',
    object: 'customer',
    matches: { metadata: { order_id: '6735' } },
    call: (s, fx) => s.customers.update(fx.customer.id, { metadata: { order_id: '6735' } }),
  },
  {
    route: 'get /v1/customers',
    object: 'list',
    items: 'customer',
    call: (s) => s.customers.list({ limit: 3 }),
  },
  {
    route: 'get /v1/customers/search',
    object: 'search_result',
    items: 'customer',
    call: (s) => s.customers.search({ query: "name:'Jenny Rosen' AND email~'example.com'" }),
  },
  {
    route: 'delete /v1/customers/:id',
    deleted: true,
    object: 'customer',
    call: async (s) => s.customers.del((await s.customers.create({ email: 'leaving@example.com' })).id),
  },
  {
    route: 'delete /v1/customers/:id/discount',
    deleted: true,
    object: 'discount',
    call: async (s, fx) => {
      // A customer's own discount comes only from the legacy `coupon`, which left the SDK's types in
      // basil; stripe-node still sends keys it does not type, as older integrations do.
      const legacy = { email: 'discounted@example.com', coupon: fx.coupon.id } as Stripe.CustomerCreateParams
      const c = await s.customers.create(legacy)
      return s.customers.deleteDiscount(c.id)
    },
  },
  {
    route: 'get /v1/customers/:id/payment_methods',
    object: 'list',
    items: 'payment_method',
    call: (s, fx) => s.customers.listPaymentMethods(fx.customer.id, { type: 'card', limit: 3 }),
  },
  {
    route: 'post /v1/customers/:id/balance_transactions',
    object: 'customer_balance_transaction',
    matches: { amount: -500, currency: 'usd', type: 'adjustment' },
    call: (s, fx) => s.customers.createBalanceTransaction(fx.customer.id, { amount: -500, currency: 'usd' }),
  },
  {
    route: 'get /v1/customers/:id/balance_transactions/:txn',
    object: 'customer_balance_transaction',
    call: (s, fx) => s.customers.retrieveBalanceTransaction(fx.customer.id, fx.balanceTxn.id),
  },
  {
    route: 'post /v1/customers/:id/balance_transactions/:txn',
    object: 'customer_balance_transaction',
    matches: { metadata: { order_id: '6735' } },
    call: (s, fx) =>
      s.customers.updateBalanceTransaction(fx.customer.id, fx.balanceTxn.id, {
        metadata: { order_id: '6735' },
      }),
  },
  {
    route: 'get /v1/customers/:id/balance_transactions',
    object: 'list',
    items: 'customer_balance_transaction',
    call: (s, fx) => s.customers.listBalanceTransactions(fx.customer.id, { limit: 3 }),
  },
  {
    route: 'post /v1/customers/:id/sources',
    object: 'card',
    matches: { brand: 'Visa', last4: '4242' },
    call: (s, fx) => s.customers.createSource(fx.customer.id, { source: 'tok_visa' }),
  },
  {
    route: 'get /v1/customers/:id/sources/:source',
    object: 'card',
    call: (s, fx) => s.customers.retrieveSource(fx.customer.id, fx.source.id),
  },
  {
    route: 'post /v1/customers/:id/sources/:source',
    object: 'card',
    matches: { name: 'Jenny Rosen' },
    call: (s, fx) => s.customers.updateSource(fx.customer.id, fx.source.id, { name: 'Jenny Rosen' }),
  },
  {
    route: 'get /v1/customers/:id/sources',
    object: 'list',
    items: 'card',
    call: (s, fx) => s.customers.listSources(fx.customer.id, { object: 'card', limit: 3 }),
  },
  {
    route: 'delete /v1/customers/:id/sources/:source',
    deleted: true,
    object: 'card',
    call: async (s, fx) => {
      const card = await s.customers.createSource(fx.customer.id, { source: 'tok_amex' })
      return s.customers.deleteSource(fx.customer.id, card.id)
    },
  },
  {
    route: 'post /v1/customers/:id/tax_ids',
    object: 'tax_id',
    matches: { type: 'us_ein', value: '12-3456789' },
    call: (s, fx) => s.customers.createTaxId(fx.customer.id, { type: 'us_ein', value: '12-3456789' }),
  },
  {
    route: 'get /v1/customers/:id/tax_ids/:tax',
    object: 'tax_id',
    call: (s, fx) => s.customers.retrieveTaxId(fx.customer.id, fx.taxId.id),
  },
  {
    route: 'get /v1/customers/:id/tax_ids',
    object: 'list',
    items: 'tax_id',
    call: (s, fx) => s.customers.listTaxIds(fx.customer.id, { limit: 3 }),
  },
  {
    route: 'delete /v1/customers/:id/tax_ids/:tax',
    deleted: true,
    object: 'tax_id',
    call: async (s, fx) => {
      const id = await s.customers.createTaxId(fx.customer.id, { type: 'gb_vat', value: 'GB123456789' })
      return s.customers.deleteTaxId(fx.customer.id, id.id)
    },
  },
  {
    route: 'get /v1/customers/:id/cash_balance',
    object: 'cash_balance',
    matches: { available: { jpy: 5000 } },
    call: (s, fx) => s.customers.retrieveCashBalance(fx.cashCustomer.id),
  },
  {
    route: 'get /v1/customers/:id/cash_balance_transactions',
    object: 'list',
    items: 'customer_cash_balance_transaction',
    call: (s, fx) => s.customers.listCashBalanceTransactions(fx.cashCustomer.id, { limit: 3 }),
  },
  {
    route: 'get /v1/customers/:id/cash_balance_transactions/:transaction',
    object: 'customer_cash_balance_transaction',
    call: async (s, fx) => {
      const first = (await s.customers.listCashBalanceTransactions(fx.cashCustomer.id, { limit: 1 })).data[0]
      return s.customers.retrieveCashBalanceTransaction(fx.cashCustomer.id, first?.id ?? 'ccsbtxn_missing')
    },
  },
  {
    route: 'post /v1/test_helpers/customers/:id/fund_cash_balance',
    object: 'customer_cash_balance_transaction',
    matches: { type: 'funded', net_amount: 30, currency: 'jpy' },
    call: (s, fx) =>
      s.testHelpers.customers.fundCashBalance(fx.cashCustomer.id, {
        amount: 30,
        currency: 'jpy',
        reference: 'REF-4242',
      }),
  },
]

const payments: Example[] = [
  {
    route: 'post /v1/payment_methods',
    object: 'payment_method',
    matches: { type: 'card', billing_details: { name: 'Jenny Rosen' } },
    call: (s) =>
      s.paymentMethods.create({
        type: 'card',
        card: { token: 'tok_visa' },
        billing_details: { name: 'Jenny Rosen' },
      }),
  },
  {
    route: 'get /v1/payment_methods/:id',
    object: 'payment_method',
    call: (s, fx) => s.paymentMethods.retrieve(fx.card.id),
  },
  {
    route: 'post /v1/payment_methods/:id',
    object: 'payment_method',
    matches: { metadata: { order_id: '6735' } },
    call: (s, fx) => s.paymentMethods.update(fx.card.id, { metadata: { order_id: '6735' } }),
  },
  {
    route: 'get /v1/payment_methods',
    object: 'list',
    items: 'payment_method',
    call: (s, fx) => s.paymentMethods.list({ customer: fx.customer.id, type: 'card', limit: 3 }),
  },
  {
    route: 'post /v1/payment_methods/:id/attach',
    object: 'payment_method',
    matches: { card: { brand: 'mastercard' } },
    call: (s, fx) => s.paymentMethods.attach('pm_card_mastercard', { customer: fx.customer.id }),
  },
  {
    route: 'post /v1/payment_methods/:id/detach',
    object: 'payment_method',
    matches: { customer: null },
    call: async (s, fx) => {
      const pm = await s.paymentMethods.attach('pm_card_visa', { customer: fx.customer.id })
      return s.paymentMethods.detach(pm.id)
    },
  },
  {
    route: 'post /v1/payment_intents',
    object: 'payment_intent',
    matches: { amount: 2000, status: 'requires_payment_method' },
    call: (s) =>
      s.paymentIntents.create({
        amount: 2000,
        currency: 'usd',
        automatic_payment_methods: { enabled: true },
      }),
  },
  {
    route: 'get /v1/payment_intents/:id',
    object: 'payment_intent',
    call: (s, fx) => s.paymentIntents.retrieve(fx.paid.id),
  },
  {
    route: 'post /v1/payment_intents/:id',
    object: 'payment_intent',
    matches: { metadata: { order_id: '6735' } },
    call: (s, fx) => s.paymentIntents.update(fx.paid.id, { metadata: { order_id: '6735' } }),
  },
  {
    route: 'get /v1/payment_intents',
    object: 'list',
    items: 'payment_intent',
    call: (s) => s.paymentIntents.list({ limit: 3 }),
  },
  {
    route: 'get /v1/payment_intents/search',
    object: 'search_result',
    items: 'payment_intent',
    call: (s) => s.paymentIntents.search({ query: "status:'succeeded' AND metadata['order_id']:'6735'" }),
  },
  {
    route: 'post /v1/payment_intents/:id/confirm',
    object: 'payment_intent',
    matches: { status: 'succeeded' },
    call: async (s) => {
      const pi = await s.paymentIntents.create({ amount: 2000, currency: 'usd' })
      return s.paymentIntents.confirm(pi.id, {
        payment_method: 'pm_card_visa',
        return_url: 'https://shop.example.com/return',
      })
    },
  },
  {
    route: 'post /v1/payment_intents/:id/capture',
    object: 'payment_intent',
    matches: { status: 'succeeded', amount_received: 1500 },
    call: async (s) => {
      const pi = await s.paymentIntents.create({
        amount: 2000,
        currency: 'usd',
        payment_method: 'pm_card_visa',
        capture_method: 'manual',
        confirm: true,
      })
      return s.paymentIntents.capture(pi.id, { amount_to_capture: 1500 })
    },
  },
  {
    route: 'post /v1/payment_intents/:id/cancel',
    object: 'payment_intent',
    matches: { status: 'canceled', cancellation_reason: 'requested_by_customer' },
    call: async (s) => {
      const pi = await s.paymentIntents.create({ amount: 2000, currency: 'usd' })
      return s.paymentIntents.cancel(pi.id, { cancellation_reason: 'requested_by_customer' })
    },
  },
  {
    route: 'get /v1/charges/:id',
    object: 'charge',
    call: (s, fx) => s.charges.retrieve(String(fx.paid.latest_charge)),
  },
  {
    route: 'post /v1/charges/:id',
    object: 'charge',
    matches: { metadata: { order_id: '6735' } },
    call: (s, fx) => s.charges.update(String(fx.paid.latest_charge), { metadata: { order_id: '6735' } }),
  },
  { route: 'get /v1/charges', object: 'list', items: 'charge', call: (s) => s.charges.list({ limit: 3 }) },
  {
    route: 'get /v1/charges/search',
    object: 'search_result',
    items: 'charge',
    call: (s) => s.charges.search({ query: "amount>999 AND metadata['order_id']:'6735'" }),
  },
  {
    route: 'post /v1/refunds',
    object: 'refund',
    matches: { amount: 300, status: 'succeeded' },
    call: (s, fx) => s.refunds.create({ charge: String(fx.paid.latest_charge), amount: 300 }),
  },
  { route: 'get /v1/refunds/:id', object: 'refund', call: (s, fx) => s.refunds.retrieve(fx.refund.id) },
  {
    route: 'post /v1/refunds/:id',
    object: 'refund',
    matches: { metadata: { order_id: '6735' } },
    call: (s, fx) => s.refunds.update(fx.refund.id, { metadata: { order_id: '6735' } }),
  },
  { route: 'get /v1/refunds', object: 'list', items: 'refund', call: (s) => s.refunds.list({ limit: 3 }) },
  {
    // A card refund succeeds at once, so it never waits in `requires_action`: Stripe refuses the cancel.
    route: 'post /v1/refunds/:id/cancel',
    object: 'refund',
    error: { status: 400 },
    call: (s, fx) => s.refunds.cancel(fx.refund.id),
  },
  { route: 'get /v1/disputes/:id', object: 'dispute', call: (s, fx) => s.disputes.retrieve(fx.dispute.id) },
  {
    route: 'post /v1/disputes/:id',
    object: 'dispute',
    matches: { metadata: { order_id: '6735' }, evidence: { customer_name: 'Jenny Rosen' } },
    call: (s, fx) =>
      s.disputes.update(fx.dispute.id, {
        evidence: { customer_name: 'Jenny Rosen', product_description: 'Pro plan' },
        metadata: { order_id: '6735' },
      }),
  },
  { route: 'get /v1/disputes', object: 'list', items: 'dispute', call: (s) => s.disputes.list({ limit: 3 }) },
  {
    route: 'post /v1/disputes/:id/close',
    object: 'dispute',
    matches: { status: 'lost' },
    call: async (s) => {
      const pi = await s.paymentIntents.create({
        amount: 1800,
        currency: 'usd',
        payment_method: 'pm_card_createDisputeProductNotReceived',
        confirm: true,
      })
      const dispute = (await s.disputes.list({ payment_intent: pi.id })).data[0]
      return s.disputes.close(dispute?.id ?? 'dp_missing')
    },
  },
  {
    route: 'get /v1/mandates/:id',
    object: 'mandate',
    // A one-off debit, not saved for later (no setup_future_usage): Stripe's mandate is single_use.
    matches: { type: 'single_use', status: 'active' },
    call: async (s, fx) => {
      const pm = await s.paymentMethods.create({
        type: 'sepa_debit',
        sepa_debit: { iban: 'DE89370400440532013000' },
        billing_details: { name: 'Jenny Rosen', email: 'jenny.rosen@example.com' },
      })
      const pi = await s.paymentIntents.create({
        amount: 1099,
        currency: 'eur',
        customer: fx.customer.id,
        payment_method: pm.id,
        confirm: true,
        mandate_data: {
          customer_acceptance: {
            type: 'online',
            online: { ip_address: '203.0.113.7', user_agent: 'Mozilla/5.0' },
          },
        },
      })
      const charge = await s.charges.retrieve(String(pi.latest_charge))
      return s.mandates.retrieve(String(charge.payment_method_details?.sepa_debit?.mandate))
    },
  },
  {
    route: 'post /v1/setup_intents',
    object: 'setup_intent',
    call: (s, fx) =>
      s.setupIntents.create({ customer: fx.customer.id, automatic_payment_methods: { enabled: true } }),
  },
  {
    route: 'get /v1/setup_intents/:id',
    object: 'setup_intent',
    call: (s, fx) => s.setupIntents.retrieve(fx.setupIntent.id),
  },
  {
    route: 'post /v1/setup_intents/:id',
    object: 'setup_intent',
    matches: { metadata: { order_id: '6735' } },
    call: (s, fx) => s.setupIntents.update(fx.setupIntent.id, { metadata: { order_id: '6735' } }),
  },
  {
    route: 'get /v1/setup_intents',
    object: 'list',
    items: 'setup_intent',
    call: (s) => s.setupIntents.list({ limit: 3 }),
  },
  {
    route: 'post /v1/setup_intents/:id/confirm',
    object: 'setup_intent',
    matches: { status: 'succeeded' },
    call: async (s, fx) => {
      const si = await s.setupIntents.create({ customer: fx.customer.id })
      return s.setupIntents.confirm(si.id, {
        payment_method: 'pm_card_visa',
        return_url: 'https://shop.example.com/return',
      })
    },
  },
  {
    route: 'post /v1/setup_intents/:id/cancel',
    object: 'setup_intent',
    matches: { status: 'canceled', cancellation_reason: 'abandoned' },
    call: async (s, fx) => {
      const si = await s.setupIntents.create({ customer: fx.customer.id })
      return s.setupIntents.cancel(si.id, { cancellation_reason: 'abandoned' })
    },
  },
]

const checkout: Example[] = [
  {
    route: 'post /v1/checkout/sessions',
    object: 'checkout.session',
    matches: { mode: 'subscription', status: 'open' },
    call: (s, fx) =>
      s.checkout.sessions.create({
        mode: 'subscription',
        line_items: [{ price: fx.monthly.id, quantity: 1 }],
        success_url: 'https://shop.example.com/success',
        cancel_url: 'https://shop.example.com/cancel',
      }),
  },
  {
    route: 'get /v1/checkout/sessions/:id',
    object: 'checkout.session',
    call: (s, fx) => s.checkout.sessions.retrieve(fx.session.id),
  },
  {
    route: 'post /v1/checkout/sessions/:id',
    object: 'checkout.session',
    matches: { metadata: { order_id: '6735' } },
    call: (s, fx) => s.checkout.sessions.update(fx.session.id, { metadata: { order_id: '6735' } }),
  },
  {
    route: 'get /v1/checkout/sessions',
    object: 'list',
    items: 'checkout.session',
    call: (s) => s.checkout.sessions.list({ limit: 3 }),
  },
  {
    route: 'get /v1/checkout/sessions/:id/line_items',
    object: 'list',
    items: 'item',
    call: (s, fx) => s.checkout.sessions.listLineItems(fx.session.id, { limit: 5 }),
  },
  {
    route: 'post /v1/checkout/sessions/:id/expire',
    object: 'checkout.session',
    matches: { status: 'expired' },
    call: async (s, fx) => {
      const session = await s.checkout.sessions.create({
        mode: 'payment',
        line_items: [{ price: fx.once.id, quantity: 1 }],
        success_url: 'https://shop.example.com/success',
      })
      return s.checkout.sessions.expire(session.id)
    },
  },
  {
    route: 'get /v1/customers/:id/subscriptions',
    object: 'list',
    items: 'subscription',
    // The URL of a customer's `subscriptions` list; the SDK has no method for it.
    call: (s, fx) => s.rawRequest('GET', `/v1/customers/${fx.customer.id}/subscriptions`, {}),
  },
  {
    // The Stripe CLI's private API for paying a Session; the SDK reaches it only as a raw request.
    route: 'get /v1/payment_pages/:id',
    object: 'checkout.session',
    call: (s, fx) => s.rawRequest('GET', `/v1/payment_pages/${fx.session.id}`, {}),
  },
  {
    route: 'post /v1/payment_pages/:id/confirm',
    object: 'checkout.session',
    matches: { status: 'complete', payment_status: 'paid' },
    call: async (s, fx) => {
      const session = await s.checkout.sessions.create({
        mode: 'payment',
        line_items: [{ price: fx.once.id, quantity: 1 }],
        success_url: 'https://shop.example.com/success',
      })
      return s.rawRequest('POST', `/v1/payment_pages/${session.id}/confirm`, {
        payment_method: 'pm_card_visa',
        expected_amount: 700,
      })
    },
  },
  {
    route: 'post /v1/payment_links',
    object: 'payment_link',
    call: (s, fx) =>
      s.paymentLinks.create({
        line_items: [{ price: fx.once.id, quantity: 1 }],
        after_completion: { type: 'redirect', redirect: { url: 'https://shop.example.com/thanks' } },
      }),
  },
  {
    route: 'get /v1/payment_links/:id',
    object: 'payment_link',
    matches: { line_items: { object: 'list', data: [{ object: 'item', quantity: 1 }] } },
    call: (s, fx) => s.paymentLinks.retrieve(fx.link.id, { expand: ['line_items'] }),
  },
  {
    route: 'post /v1/payment_links/:id',
    object: 'payment_link',
    matches: { metadata: { order_id: '6735' } },
    call: (s, fx) => s.paymentLinks.update(fx.link.id, { metadata: { order_id: '6735' } }),
  },
  {
    route: 'get /v1/payment_links',
    object: 'list',
    items: 'payment_link',
    call: (s) => s.paymentLinks.list({ limit: 3 }),
  },
  {
    route: 'get /v1/payment_links/:id/line_items',
    object: 'list',
    items: 'item',
    call: (s, fx) => s.paymentLinks.listLineItems(fx.link.id, { limit: 5 }),
  },
  {
    route: 'post /v1/billing_portal/configurations',
    object: 'billing_portal.configuration',
    call: (s) =>
      s.billingPortal.configurations.create({
        features: { invoice_history: { enabled: true }, customer_update: { enabled: false } },
        default_return_url: 'https://shop.example.com/account',
      }),
  },
  {
    route: 'get /v1/billing_portal/configurations/:id',
    object: 'billing_portal.configuration',
    call: (s, fx) => s.billingPortal.configurations.retrieve(fx.portalConfig.id),
  },
  {
    route: 'post /v1/billing_portal/configurations/:id',
    object: 'billing_portal.configuration',
    matches: { metadata: { order_id: '6735' } },
    call: (s, fx) =>
      s.billingPortal.configurations.update(fx.portalConfig.id, { metadata: { order_id: '6735' } }),
  },
  {
    route: 'get /v1/billing_portal/configurations',
    object: 'list',
    items: 'billing_portal.configuration',
    call: (s) => s.billingPortal.configurations.list({ limit: 3 }),
  },
  {
    route: 'post /v1/billing_portal/sessions',
    object: 'billing_portal.session',
    call: (s, fx) =>
      s.billingPortal.sessions.create({
        customer: fx.customer.id,
        return_url: 'https://shop.example.com/account',
      }),
  },
]

const billing: Example[] = [
  {
    route: 'post /v1/subscriptions',
    object: 'subscription',
    matches: { status: 'active' },
    call: (s, fx) =>
      s.subscriptions.create({ customer: fx.customer.id, items: [{ price: fx.monthly.id, quantity: 2 }] }),
  },
  {
    route: 'get /v1/subscriptions/:id',
    object: 'subscription',
    call: (s, fx) => s.subscriptions.retrieve(fx.subscription.id),
  },
  {
    route: 'post /v1/subscriptions/:id',
    object: 'subscription',
    matches: { metadata: { order_id: '6735' } },
    call: (s, fx) => s.subscriptions.update(fx.subscription.id, { metadata: { order_id: '6735' } }),
  },
  {
    route: 'get /v1/subscriptions',
    object: 'list',
    items: 'subscription',
    call: (s) => s.subscriptions.list({ limit: 3 }),
  },
  {
    route: 'get /v1/subscriptions/search',
    object: 'search_result',
    items: 'subscription',
    call: (s) => s.subscriptions.search({ query: "status:'active' AND metadata['order_id']:'6735'" }),
  },
  {
    route: 'delete /v1/subscriptions/:id',
    object: 'subscription',
    matches: { status: 'canceled' },
    call: async (s, fx) => {
      const sub = await s.subscriptions.create({
        customer: fx.customer.id,
        items: [{ price: fx.monthly.id }],
      })
      return s.subscriptions.cancel(sub.id)
    },
  },
  {
    route: 'post /v1/subscriptions/:id/resume',
    object: 'subscription',
    matches: { status: 'active' },
    call: async (s, fx) => {
      // A trial that ends without a card pauses (trial_settings), as the Stripe CLI's fixture does it.
      const customer = await s.customers.create({ email: 'trial@example.com' })
      const trial = await s.subscriptions.create({
        customer: customer.id,
        items: [{ price: fx.monthly.id }],
        trial_period_days: 7,
        trial_settings: { end_behavior: { missing_payment_method: 'pause' } },
      })
      const paused = await s.subscriptions.update(trial.id, { trial_end: 'now' })
      const pm = await s.paymentMethods.attach('pm_card_visa', { customer: customer.id })
      await s.customers.update(customer.id, { invoice_settings: { default_payment_method: pm.id } })
      return s.subscriptions.resume(paused.id, {
        billing_cycle_anchor: { type: 'now' },
        payment_behavior: 'resume_on_payment_success',
      })
    },
  },
  {
    route: 'post /v1/subscription_items',
    object: 'subscription_item',
    matches: { quantity: 2 },
    call: async (s, fx) => {
      const price = await s.prices.create({
        currency: 'usd',
        unit_amount: 500,
        recurring: { interval: 'month' },
        product_data: { name: 'Extra seat' },
      })
      return s.subscriptionItems.create({ subscription: fx.subscription.id, price: price.id, quantity: 2 })
    },
  },
  {
    route: 'get /v1/subscription_items/:id',
    object: 'subscription_item',
    call: (s, fx) => s.subscriptionItems.retrieve(fx.subscription.items.data[0]!.id),
  },
  {
    route: 'post /v1/subscription_items/:id',
    object: 'subscription_item',
    matches: { metadata: { order_id: '6735' } },
    call: (s, fx) =>
      s.subscriptionItems.update(fx.subscription.items.data[0]!.id, { metadata: { order_id: '6735' } }),
  },
  {
    route: 'get /v1/subscription_items',
    object: 'list',
    items: 'subscription_item',
    call: (s, fx) => s.subscriptionItems.list({ subscription: fx.subscription.id }),
  },
  {
    route: 'delete /v1/subscription_items/:id',
    deleted: true,
    object: 'subscription_item',
    call: async (s, fx) => {
      const price = await s.prices.create({
        currency: 'usd',
        unit_amount: 300,
        recurring: { interval: 'month' },
        product_data: { name: 'Add-on' },
      })
      const item = await s.subscriptionItems.create({ subscription: fx.subscription.id, price: price.id })
      return s.subscriptionItems.del(item.id, { proration_behavior: 'none' })
    },
  },
  {
    route: 'post /v1/subscription_schedules',
    object: 'subscription_schedule',
    matches: { status: 'not_started', end_behavior: 'release' },
    call: (s, fx) =>
      s.subscriptionSchedules.create({
        customer: fx.customer.id,
        start_date: now() + 7 * DAY,
        end_behavior: 'release',
        phases: [
          {
            items: [{ price: fx.monthly.id, quantity: 1 }],
            duration: { interval: 'month', interval_count: 12 },
          },
        ],
      }),
  },
  {
    route: 'get /v1/subscription_schedules/:id',
    object: 'subscription_schedule',
    call: (s, fx) => s.subscriptionSchedules.retrieve(fx.schedule.id),
  },
  {
    route: 'post /v1/subscription_schedules/:id',
    object: 'subscription_schedule',
    matches: { metadata: { order_id: '6735' } },
    call: (s, fx) => s.subscriptionSchedules.update(fx.schedule.id, { metadata: { order_id: '6735' } }),
  },
  {
    route: 'get /v1/subscription_schedules',
    object: 'list',
    items: 'subscription_schedule',
    call: (s) => s.subscriptionSchedules.list({ limit: 3 }),
  },
  {
    route: 'post /v1/subscription_schedules/:id/cancel',
    object: 'subscription_schedule',
    matches: { status: 'canceled' },
    call: async (s, fx) => {
      const schedule = await s.subscriptionSchedules.create({
        customer: fx.customer.id,
        start_date: now() + 14 * DAY,
        phases: [{ items: [{ price: fx.monthly.id }], duration: { interval: 'month', interval_count: 1 } }],
      })
      return s.subscriptionSchedules.cancel(schedule.id)
    },
  },
  {
    route: 'post /v1/subscription_schedules/:id/release',
    object: 'subscription_schedule',
    matches: { status: 'released' },
    call: async (s, fx) => {
      const sub = await s.subscriptions.create({
        customer: fx.customer.id,
        items: [{ price: fx.monthly.id }],
      })
      const schedule = await s.subscriptionSchedules.create({ from_subscription: sub.id })
      return s.subscriptionSchedules.release(schedule.id)
    },
  },
  {
    route: 'post /v1/invoices',
    object: 'invoice',
    matches: { status: 'draft', auto_advance: false },
    call: (s, fx) => s.invoices.create({ customer: fx.customer.id, auto_advance: false }),
  },
  { route: 'get /v1/invoices/:id', object: 'invoice', call: (s, fx) => s.invoices.retrieve(fx.invoice.id) },
  {
    route: 'post /v1/invoices/:id',
    object: 'invoice',
    matches: { metadata: { order_id: '6735' } },
    call: (s, fx) => s.invoices.update(fx.invoice.id, { metadata: { order_id: '6735' } }),
  },
  { route: 'get /v1/invoices', object: 'list', items: 'invoice', call: (s) => s.invoices.list({ limit: 3 }) },
  {
    route: 'get /v1/invoice_payments',
    object: 'list',
    items: 'invoice_payment',
    call: (s, fx) =>
      s.invoicePayments.list({ invoice: String(fx.subscription.latest_invoice), status: 'paid' }),
  },
  {
    route: 'get /v1/invoice_payments/:id',
    object: 'invoice_payment',
    matches: { status: 'paid', is_default: true },
    call: async (s, fx) => {
      const [payment] = (await s.invoicePayments.list({ invoice: String(fx.subscription.latest_invoice) }))
        .data
      return s.invoicePayments.retrieve(String(payment?.id))
    },
  },
  {
    route: 'get /v1/invoices/search',
    object: 'search_result',
    items: 'invoice',
    call: (s) => s.invoices.search({ query: "total>999 AND metadata['order_id']:'6735'" }),
  },
  {
    route: 'delete /v1/invoices/:id',
    deleted: true,
    object: 'invoice',
    call: async (s, fx) => s.invoices.del((await s.invoices.create({ customer: fx.customer.id })).id),
  },
  {
    route: 'get /v1/invoices/:id/lines',
    object: 'list',
    items: 'line_item',
    call: (s, fx) => s.invoices.listLineItems(String(fx.subscription.latest_invoice), { limit: 5 }),
  },
  {
    route: 'post /v1/invoices/:id/finalize',
    object: 'invoice',
    matches: { status: 'open', amount_due: 1500 },
    call: async (s) => {
      const customer = await invoicedCustomer(s)
      await s.invoiceItems.create({ customer, amount: 1500, currency: 'usd' })
      const draft = await s.invoices.create({ customer, pending_invoice_items_behavior: 'include' })
      return s.invoices.finalizeInvoice(draft.id, { auto_advance: false })
    },
  },
  {
    route: 'post /v1/invoices/:id/pay',
    object: 'invoice',
    matches: { status: 'paid', amount_paid: 3000 },
    call: (s) => paidInvoice(s, 3000),
  },
  {
    route: 'post /v1/invoices/:id/send',
    object: 'invoice',
    matches: { status: 'open' },
    call: async (s) => s.invoices.sendInvoice((await openInvoice(s)).id),
  },
  {
    route: 'post /v1/invoices/:id/void',
    object: 'invoice',
    matches: { status: 'void' },
    call: async (s) => s.invoices.voidInvoice((await openInvoice(s)).id),
  },
  {
    route: 'post /v1/invoices/:id/mark_uncollectible',
    object: 'invoice',
    matches: { status: 'uncollectible' },
    call: async (s) => s.invoices.markUncollectible((await openInvoice(s)).id),
  },
  {
    route: 'post /v1/invoices/create_preview',
    object: 'invoice',
    call: (s, fx) =>
      s.invoices.createPreview({
        subscription: fx.subscription.id,
        subscription_details: {
          items: [{ id: fx.subscription.items.data[0]!.id, quantity: 3 }],
          proration_behavior: 'create_prorations',
        },
      }),
  },
  {
    route: 'post /v1/invoiceitems',
    object: 'invoiceitem',
    matches: { amount: 700 },
    call: (s, fx) => s.invoiceItems.create({ customer: fx.customer.id, pricing: { price: fx.once.id } }),
  },
  {
    route: 'get /v1/invoiceitems/:id',
    object: 'invoiceitem',
    call: (s, fx) => s.invoiceItems.retrieve(fx.invoiceItem.id),
  },
  {
    route: 'post /v1/invoiceitems/:id',
    object: 'invoiceitem',
    matches: { metadata: { order_id: '6735' } },
    call: (s, fx) => s.invoiceItems.update(fx.invoiceItem.id, { metadata: { order_id: '6735' } }),
  },
  {
    route: 'get /v1/invoiceitems',
    object: 'list',
    items: 'invoiceitem',
    call: (s) => s.invoiceItems.list({ limit: 3 }),
  },
  {
    route: 'delete /v1/invoiceitems/:id',
    deleted: true,
    object: 'invoiceitem',
    call: async (s, fx) =>
      s.invoiceItems.del(
        (await s.invoiceItems.create({ customer: fx.customer.id, amount: 50, currency: 'usd' })).id,
      ),
  },
  {
    route: 'post /v1/credit_notes',
    object: 'credit_note',
    matches: {
      amount: 500,
      reason: 'duplicate',
      status: 'issued',
      type: 'post_payment',
      refunds: [{ amount_refunded: 500 }],
    },
    call: async (s) => {
      const invoice = await paidInvoice(s, 2000)
      return s.creditNotes.create({
        invoice: invoice.id,
        amount: 500,
        refund_amount: 500,
        reason: 'duplicate',
      })
    },
  },
  {
    route: 'get /v1/credit_notes/:id',
    object: 'credit_note',
    call: (s, fx) => s.creditNotes.retrieve(fx.creditNote.id),
  },
  {
    route: 'post /v1/credit_notes/:id',
    object: 'credit_note',
    matches: { memo: 'Goodwill credit' },
    call: (s, fx) => s.creditNotes.update(fx.creditNote.id, { memo: 'Goodwill credit' }),
  },
  {
    route: 'get /v1/credit_notes',
    object: 'list',
    items: 'credit_note',
    call: (s) => s.creditNotes.list({ limit: 3 }),
  },
  {
    route: 'get /v1/credit_notes/:id/lines',
    object: 'list',
    items: 'credit_note_line_item',
    call: (s, fx) => s.creditNotes.listLineItems(fx.creditNote.id, { limit: 5 }),
  },
  {
    route: 'post /v1/credit_notes/:id/void',
    object: 'credit_note',
    matches: { status: 'void' },
    call: async (s) => {
      const invoice = await openInvoice(s)
      const note = await s.creditNotes.create({ invoice: invoice.id, amount: 100 })
      return s.creditNotes.voidCreditNote(note.id)
    },
  },
  {
    route: 'get /v1/credit_notes/preview',
    object: 'credit_note',
    matches: { amount: 100 },
    call: (s, fx) =>
      s.creditNotes.preview({ invoice: fx.creditNote.invoice as string, amount: 100, credit_amount: 100 }),
  },
  {
    route: 'get /v1/credit_notes/preview/lines',
    object: 'list',
    items: 'credit_note_line_item',
    call: (s, fx) =>
      s.creditNotes.listPreviewLineItems({
        invoice: fx.creditNote.invoice as string,
        amount: 100,
        credit_amount: 100,
      }),
  },
  {
    route: 'post /v1/billing/meters',
    object: 'billing.meter',
    matches: { event_name: 'search_queries', status: 'active', default_aggregation: { formula: 'count' } },
    call: (s) =>
      s.billing.meters.create({
        display_name: 'Search queries',
        event_name: 'search_queries',
        default_aggregation: { formula: 'count' },
        customer_mapping: { type: 'by_id', event_payload_key: 'stripe_customer_id' },
      }),
  },
  {
    route: 'get /v1/billing/meters/:id',
    object: 'billing.meter',
    call: (s, fx) => s.billing.meters.retrieve(fx.meter.id),
  },
  {
    route: 'post /v1/billing/meters/:id',
    object: 'billing.meter',
    matches: { display_name: 'API calls' },
    call: (s, fx) => s.billing.meters.update(fx.meter.id, { display_name: 'API calls' }),
  },
  {
    route: 'get /v1/billing/meters',
    object: 'list',
    items: 'billing.meter',
    call: (s) => s.billing.meters.list({ limit: 3 }),
  },
  {
    route: 'post /v1/billing/meters/:id/deactivate',
    object: 'billing.meter',
    matches: { status: 'inactive' },
    call: async (s) => {
      const meter = await s.billing.meters.create({
        display_name: 'Old metric',
        event_name: 'old_metric',
        default_aggregation: { formula: 'sum' },
      })
      return s.billing.meters.deactivate(meter.id)
    },
  },
  {
    route: 'post /v1/billing/meters/:id/reactivate',
    object: 'billing.meter',
    matches: { status: 'active' },
    call: async (s) => {
      const meter = await s.billing.meters.create({
        display_name: 'Seasonal metric',
        event_name: 'seasonal_metric',
        default_aggregation: { formula: 'sum' },
      })
      await s.billing.meters.deactivate(meter.id)
      return s.billing.meters.reactivate(meter.id)
    },
  },
  {
    route: 'get /v1/billing/meters/:id/event_summaries',
    object: 'list',
    items: 'billing.meter_event_summary',
    call: (s, fx) =>
      s.billing.meters.listEventSummaries(fx.meter.id, {
        customer: fx.customer.id,
        // Stripe takes only minute-aligned bounds.
        start_time: Math.floor(now() / DAY) * DAY - DAY,
        end_time: Math.floor(now() / DAY) * DAY + DAY,
      }),
  },
  {
    route: 'post /v1/billing/meter_events',
    object: 'billing.meter_event',
    matches: { event_name: 'api_requests', payload: { value: '25' } },
    call: (s, fx) =>
      s.billing.meterEvents.create({
        event_name: fx.meter.event_name,
        payload: { value: '25', stripe_customer_id: fx.customer.id },
      }),
  },
  {
    route: 'post /v1/test_helpers/test_clocks',
    object: 'test_helpers.test_clock',
    matches: { name: 'Annual renewal' },
    call: (s) => s.testHelpers.testClocks.create({ frozen_time: now(), name: 'Annual renewal' }),
  },
  {
    route: 'get /v1/test_helpers/test_clocks/:id',
    object: 'test_helpers.test_clock',
    call: (s, fx) => s.testHelpers.testClocks.retrieve(fx.clock.id),
  },
  {
    route: 'get /v1/test_helpers/test_clocks',
    object: 'list',
    items: 'test_helpers.test_clock',
    call: (s) => s.testHelpers.testClocks.list({ limit: 3 }),
  },
  {
    route: 'post /v1/test_helpers/test_clocks/:id/advance',
    object: 'test_helpers.test_clock',
    call: (s, fx) =>
      s.testHelpers.testClocks.advance(fx.clock.id, { frozen_time: fx.clock.frozen_time + DAY }),
  },
  {
    route: 'delete /v1/test_helpers/test_clocks/:id',
    deleted: true,
    object: 'test_helpers.test_clock',
    call: async (s) =>
      s.testHelpers.testClocks.del((await s.testHelpers.testClocks.create({ frozen_time: now() })).id),
  },
]

const events: Example[] = [
  {
    route: 'post /v1/webhook_endpoints',
    object: 'webhook_endpoint',
    matches: { url: 'https://example.com/my/webhook/endpoint', status: 'enabled' },
    call: (s) =>
      s.webhookEndpoints.create({
        url: 'https://example.com/my/webhook/endpoint',
        enabled_events: ['payment_intent.payment_failed', 'payment_intent.succeeded'],
      }),
  },
  {
    route: 'get /v1/webhook_endpoints/:id',
    object: 'webhook_endpoint',
    call: (s, fx) => s.webhookEndpoints.retrieve(fx.endpoint.id),
  },
  {
    route: 'post /v1/webhook_endpoints/:id',
    object: 'webhook_endpoint',
    matches: { url: 'https://example.com/new_endpoint' },
    call: (s, fx) => s.webhookEndpoints.update(fx.endpoint.id, { url: 'https://example.com/new_endpoint' }),
  },
  {
    route: 'get /v1/webhook_endpoints',
    object: 'list',
    items: 'webhook_endpoint',
    call: (s) => s.webhookEndpoints.list({ limit: 3 }),
  },
  {
    route: 'delete /v1/webhook_endpoints/:id',
    deleted: true,
    object: 'webhook_endpoint',
    call: async (s) =>
      s.webhookEndpoints.del(
        (await s.webhookEndpoints.create({ url: 'https://example.com/old', enabled_events: ['*'] })).id,
      ),
  },
  {
    route: 'get /v1/events/:id',
    object: 'event',
    call: async (s) => s.events.retrieve((await s.events.list({ limit: 1 })).data[0]?.id ?? 'evt_missing'),
  },
  {
    route: 'get /v1/events',
    object: 'list',
    items: 'event',
    call: (s) => s.events.list({ limit: 3, type: 'customer.created' }),
  },
]

export const EXAMPLES: readonly Example[] = [
  ...catalog,
  ...customers,
  ...payments,
  ...checkout,
  ...billing,
  ...events,
]
