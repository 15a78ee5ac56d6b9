/**
 * Fulfilment of a paid one-time Checkout Session: the one path shared by the webhook inbox and
 * the success page. Idempotent by the session id (unique on orders): whoever inserts the order
 * grants, issues the access token and queues the email; everyone else finds the order done.
 * @module
 */
import type Stripe from 'stripe'
import type { Executor } from '../../db/database.js'
import type { Deps } from '../../deps.js'
import { addDays } from '../../lib/clock.js'
import { newId } from '../../lib/ids.js'
import { formatMoney } from '../../lib/money.js'
import { alertOwner, ownerNote } from '../alerts/index.js'
import type { CatalogProduct } from '../catalog/index.js'
import { featureLabel, featuresOfProduct, findPrice, findProduct, productOfPrice } from '../catalog/index.js'
import {
  ADHOC_PRICE,
  type CheckoutMetadata,
  callerMetadata,
  checkoutPaymentOf,
  type GrantSpec,
  readCheckoutMetadata,
  setPendingCheckoutStatus,
} from '../checkout/index.js'
import {
  type Customer,
  findCustomer,
  findOrCreateCustomerByEmail,
  issueAccessToken,
  newAccessToken,
} from '../customers/index.js'
import { grantFeature } from '../entitlements/index.js'
import { syncLicenses } from '../licenses/index.js'
import { enqueueMail } from '../mail/index.js'
import { publishEvent } from '../outbound-webhooks/index.js'
import {
  type AccessLine,
  type LicenseKeyLine,
  PURCHASE_CONFIRMATION_TEMPLATE,
  PURCHASE_PAYMENT_FAILED_TEMPLATE,
  type PurchaseConfirmationMail,
  type PurchasePaymentFailedMail,
} from './mail.js'
import { orderEventData } from './read.js'
import { findOrderBySessionId, insertOrderIfAbsent } from './repo.js'
import { sealToken } from './seal.js'
import type { OrderRow } from './table.js'

export type FulfilResult =
  | { status: 'created' | 'existing'; order: OrderRow }
  | { status: 'unpaid' | 'not-ours' }

export async function fulfilCheckoutSession(
  deps: Deps,
  trx: Executor,
  session: Stripe.Checkout.Session,
): Promise<FulfilResult> {
  const meta = readCheckoutMetadata(session.metadata)
  const bought = meta && session.mode === 'payment' ? purchaseOf(deps, meta) : undefined
  if (!meta || !bought) return { status: 'not-ours' }
  if (checkoutPaymentOf(session) !== 'paid') return { status: 'unpaid' }
  const existing = await findOrderBySessionId(trx, session.id)
  if (existing) return { status: 'existing', order: existing }
  const now = deps.clock.now()
  const customer = await customerOf(trx, session, meta.customerId, now)
  const orderId = newId('ord', now.getTime())
  // The token is made first so the order goes in with it sealed: one statement instead of an insert
  // and an update. A lost race discards both.
  const token = newAccessToken()
  const order: OrderRow = {
    id: orderId,
    customer_id: customer.id,
    stripe_checkout_session_id: session.id,
    stripe_payment_intent_id: idOf(session.payment_intent),
    product_id: bought.product?.id ?? ADHOC_PRICE,
    price_lookup_key: meta.price,
    quantity: meta.quantity,
    amount: session.amount_total ?? (bought.unitAmount ?? 0) * meta.quantity,
    amount_refunded: 0,
    currency: session.currency ?? bought.currency ?? 'usd',
    status: 'paid',
    sealed_access_token: sealToken(deps.config.sessionSecret, token),
    revealed_at: null,
    created_at: now.toISOString(),
    refunded_at: null,
    ...integratorFields(session, meta),
  }
  if (!(await insertOrderIfAbsent(trx, order))) {
    // Fulfilled meanwhile by the other path (inbox or success page), which did the rest.
    const theirs = await findOrderBySessionId(trx, session.id)
    if (!theirs) throw new Error(`Order for ${session.id} missing after a conflicting insert`)
    return { status: 'existing', order: theirs }
  }
  const windows = await grantPurchase(trx, {
    customerId: customer.id,
    orderId,
    product: bought.product,
    extra: meta.grants,
    now,
    newOrder: true,
  })
  const licenses = await syncLicenses(deps, trx, {
    customerId: customer.id,
    source: { type: 'order', id: orderId },
    now,
  })
  await issueAccessToken(trx, { customerId: customer.id, orderId, now, token })
  await queueConfirmation(deps, trx, {
    email: customer.email,
    productName: bought.name,
    access: [...windows].map(([feature, until]) => ({
      name: featureLabel(deps.catalog, feature),
      until: until?.toISOString() ?? null,
    })),
    token,
    licenses: licenses.map((l) => ({ name: l.name, key: l.key })),
    now,
  })
  await setPendingCheckoutStatus(trx, session.id, 'complete')
  await publishEvent(trx, { type: 'order.paid', data: orderEventData(order), now })
  const paid = formatMoney(order.amount, order.currency)
  await alertOwner(
    trx,
    deps,
    ownerNote('sale', {
      subject: `New sale: ${bought.name}, ${paid}`,
      lines: [`${customer.email} bought ${bought.name} for ${paid}.`, `Order ${order.id}`],
    }),
  )
  return { status: 'created', order: { ...order, sealed_access_token: null } }
}

type Purchase = { product?: CatalogProduct; name: string; unitAmount?: number; currency?: string }

/** A one-time catalog price, or an integrator's ad-hoc line; undefined for anything else. */
function purchaseOf(deps: Deps, meta: CheckoutMetadata): Purchase | undefined {
  if (meta.price === ADHOC_PRICE) return { name: meta.productName ?? 'Purchase' }
  const price = findPrice(deps.catalog, meta.price)
  if (!price || price.recurring) return undefined
  const product = productOfPrice(deps.catalog, price)
  return { product, name: product.name, unitAmount: price.unitAmount, currency: price.currency }
}

/** What an integrator's checkout adds to the order: name, address, their metadata, grants, key. */
function integratorFields(
  session: Stripe.Checkout.Session,
  meta: CheckoutMetadata,
): Pick<OrderRow, 'product_name' | 'billing_address' | 'metadata' | 'grants' | 'api_key_id'> {
  const theirs = callerMetadata(session.metadata)
  const address = session.customer_details?.address
  return {
    product_name: meta.productName ?? null,
    billing_address: address ? JSON.stringify(address) : null,
    metadata: Object.keys(theirs).length > 0 ? JSON.stringify(theirs) : null,
    grants: meta.grants?.length ? JSON.stringify(meta.grants) : null,
    api_key_id: meta.apiKeyId ?? null,
  }
}

/** The signed-in buyer (client_reference_id), else the customer for the email paid with. */
async function customerOf(
  trx: Executor,
  session: Stripe.Checkout.Session,
  customerId: string | undefined,
  now: Date,
): Promise<Customer> {
  const referenced = customerId ?? session.client_reference_id ?? undefined
  const known = referenced ? await findCustomer(trx, referenced) : undefined
  if (known) return known
  const email = session.customer_details?.email ?? session.customer_email
  if (!email) throw new Error(`Checkout Session ${session.id} has no email`)
  return findOrCreateCustomerByEmail(trx, email, now)
}

/** Access window of a one-time product: from now, for its days or forever. */
export function accessEnd(product: CatalogProduct, from: Date): Date | null {
  return product.access === 'forever' ? null : addDays(from, product.access.days)
}

async function grantPurchase(
  trx: Executor,
  input: {
    customerId: string
    orderId: string
    product: CatalogProduct | undefined
    extra: GrantSpec[] | undefined
    now: Date
    startsAt?: Date
    /** The order was inserted in this transaction, so none of its grants exist yet. */
    newOrder?: boolean
  },
): Promise<Map<string, Date | null>> {
  const startsAt = input.startsAt ?? input.now
  const windows = new Map<string, Date | null>()
  if (input.product) {
    for (const feature of featuresOfProduct(input.product))
      windows.set(feature, accessEnd(input.product, startsAt))
  }
  for (const g of input.extra ?? [])
    windows.set(g.feature, g.days === null ? null : addDays(startsAt, g.days))
  for (const [feature, endsAt] of windows) {
    await grantFeature(trx, {
      customerId: input.customerId,
      feature,
      source: { type: 'order', id: input.orderId },
      startsAt,
      endsAt,
      reason: 'purchase',
      now: input.now,
      newSource: input.newOrder === true,
    })
  }
  return windows
}

/**
 * Gives an order its access back (a dispute won, a refund that failed): the same window as at
 * purchase, from the order's creation, so getting it back never extends a time-limited product.
 */
export async function restoreOrderAccess(deps: Deps, trx: Executor, order: OrderRow): Promise<void> {
  const product = findProduct(deps.catalog, order.product_id)
  const extra = order.grants ? (JSON.parse(order.grants) as GrantSpec[]) : undefined
  if (!product && !extra) return
  await grantPurchase(trx, {
    customerId: order.customer_id,
    orderId: order.id,
    product,
    extra,
    now: deps.clock.now(),
    startsAt: new Date(order.created_at),
  })
  await syncLicenses(deps, trx, {
    customerId: order.customer_id,
    source: { type: 'order', id: order.id },
    now: deps.clock.now(),
  })
}

async function queueConfirmation(
  deps: Deps,
  trx: Executor,
  input: {
    email: string
    productName: string
    access: AccessLine[]
    token: string
    licenses: LicenseKeyLine[]
    now: Date
  },
): Promise<void> {
  const data: PurchaseConfirmationMail = {
    ...(input.licenses.length > 0 ? { licenses: input.licenses } : {}),
    productName: input.productName,
    libraryUrl: `${deps.config.publicUrl}/library`,
    loginUrl: `${deps.config.publicUrl}/login`,
    accessToken: input.token,
    access: input.access,
  }
  await enqueueMail(trx, { to: input.email, template: PURCHASE_CONFIRMATION_TEMPLATE, data }, deps)
}

/**
 * A bank debit the bank refused: the checkout is marked failed and, the first time only, the buyer
 * gets an email saying nothing was charged and how to buy again. Nothing was granted before, so
 * nothing is revoked.
 */
export async function recordFailedPayment(
  deps: Deps,
  trx: Executor,
  session: Stripe.Checkout.Session,
): Promise<void> {
  const changed = await setPendingCheckoutStatus(trx, session.id, 'failed', {
    from: ['open', 'processing'],
  })
  const email = session.customer_details?.email ?? session.customer_email
  const meta = readCheckoutMetadata(session.metadata)
  const price = meta ? findPrice(deps.catalog, meta.price) : undefined
  if (!changed || !email || !price) return
  const data: PurchasePaymentFailedMail = {
    productName: productOfPrice(deps.catalog, price).name,
    storeUrl: `${deps.config.publicUrl}/`,
  }
  await enqueueMail(trx, { to: email, template: PURCHASE_PAYMENT_FAILED_TEMPLATE, data }, deps)
  await alertOwner(
    trx,
    deps,
    ownerNote('payment_failed', {
      subject: `Payment failed: ${data.productName}`,
      lines: [`The bank refused ${email}'s payment for ${data.productName}; nothing was granted.`],
    }),
  )
}

export function idOf(value: string | { id: string } | null | undefined): string | null {
  if (!value) return null
  return typeof value === 'string' ? value : value.id
}
