/**
 * Payment links (`plink_…`): create, retrieve, update (`active`, metadata, …), list, line items.
 * The link's `url` (`/b/:id`, like a buy button's) opens a fresh Checkout Session for its line
 * items on every visit and redirects to it; the session carries `payment_link`, so
 * `checkout.session.completed` names the link. Mode follows the prices (recurring →
 * subscription). After payment the buyer lands on `after_completion[redirect][url]`, or on a
 * hosted confirmation page. An inactive link shows its `inactive_message`.
 * Events: `payment_link.created`, `payment_link.updated`.
 * @module
 */
import type Stripe from 'stripe'
import type { Ctx } from '../context.js'
import { invalidParam, missingParam } from '../errors.js'
import { newId } from '../ids.js'
import { LIST_PARAMS, paginate } from '../list.js'
import {
  allowOnly,
  applyMetadata,
  nullableString,
  optArray,
  optBool,
  optEnum,
  optInt,
  optObject,
  optString,
  type Params,
  reqString,
} from '../params.js'
import { includable, route } from '../registry.js'
import { getObject, hiddenOf, insertObject, listObjects } from '../state.js'
import { lineItem } from './checkout-params.js'
import { createSession } from './checkout-sessions.js'
// The link's page (`/b/:id`) registers itself on import.
import '../pages/payment-link.js'

// `id` is the line item's, kept so every listing names it alike (older state files lack it).
type LinkItem = { id?: string; price: string; quantity: number }
type LinkHidden = { items?: LinkItem[]; subscriptionData?: Params }

const COMMON = [
  'after_completion',
  'allow_promotion_codes',
  'billing_address_collection',
  'customer_creation',
  'inactive_message',
  'metadata',
  'subscription_data',
] as const

function readItems(ctx: Ctx, params: Params): LinkItem[] {
  const raw = optArray(params, 'line_items')
  if (!raw || raw.length === 0) throw missingParam('line_items')
  return raw.map((entry, i) => {
    if (typeof entry !== 'object' || Array.isArray(entry))
      throw invalidParam(`line_items[${i}]`, 'Invalid line item')
    allowOnly(entry, ['price', 'quantity'], `line_items[${i}]`)
    const price = getObject<Stripe.Price>(
      ctx.state,
      'price',
      reqString(entry, 'price', `line_items[${i}][price]`),
      `line_items[${i}][price]`,
    )
    if (!price.active)
      throw invalidParam(`line_items[${i}][price]`, `The price \`${price.id}\` is not active.`)
    const quantity = optInt(entry, 'quantity', `line_items[${i}][quantity]`)
    if (quantity === undefined) throw missingParam(`line_items[${i}][quantity]`)
    return { id: newId('li', 24), price: price.id, quantity }
  })
}

function afterCompletion(
  params: Params,
  current: Stripe.PaymentLink.AfterCompletion,
): Stripe.PaymentLink.AfterCompletion {
  const raw = optObject(params, 'after_completion')
  if (!raw) return current
  allowOnly(raw, ['type', 'redirect', 'hosted_confirmation'], 'after_completion')
  const type = optEnum(raw, 'type', ['redirect', 'hosted_confirmation'] as const, 'after_completion[type]')
  if (type === 'redirect') {
    const redirect = optObject(raw, 'redirect', 'after_completion[redirect]') ?? {}
    allowOnly(redirect, ['url'], 'after_completion[redirect]')
    return {
      type,
      redirect: { url: reqString(redirect, 'url', 'after_completion[redirect][url]') },
    }
  }
  const hosted = optObject(raw, 'hosted_confirmation', 'after_completion[hosted_confirmation]') ?? {}
  allowOnly(hosted, ['custom_message'], 'after_completion[hosted_confirmation]')
  return {
    type: 'hosted_confirmation',
    hosted_confirmation: { custom_message: optString(hosted, 'custom_message') ?? null },
  }
}

function applyCommon(ctx: Ctx, link: Stripe.PaymentLink, params: Params): void {
  link.after_completion = afterCompletion(params, link.after_completion)
  const promo = optBool(params, 'allow_promotion_codes')
  if (promo !== undefined) link.allow_promotion_codes = promo
  const address = optEnum(params, 'billing_address_collection', ['auto', 'required'] as const)
  if (address) link.billing_address_collection = address
  const creation = optEnum(params, 'customer_creation', ['always', 'if_required'] as const)
  if (creation) link.customer_creation = creation
  const inactive = nullableString(params, 'inactive_message')
  if (inactive !== undefined) link.inactive_message = inactive
  link.metadata = applyMetadata(link.metadata ?? {}, params)
  const sub = optObject(params, 'subscription_data')
  if (sub) {
    allowOnly(sub, ['description', 'metadata', 'trial_period_days'], 'subscription_data')
    hiddenOf<LinkHidden>(ctx.state, link.id).subscriptionData = sub
  }
}

function recurringLink(ctx: Ctx, items: LinkItem[]): boolean {
  return items.some((i) => getObject<Stripe.Price>(ctx.state, 'price', i.price).type === 'recurring')
}

route('post', '/v1/payment_links', (ctx, params) => {
  allowOnly(params, ['line_items', ...COMMON])
  const items = readItems(ctx, params)
  const first = getObject<Stripe.Price>(ctx.state, 'price', items[0]!.price)
  const id = newId('plink', 24)
  const link = {
    id,
    object: 'payment_link',
    active: true,
    after_completion: {
      type: 'hosted_confirmation',
      hosted_confirmation: { custom_message: null },
      redirect: null,
    },
    allow_promotion_codes: false,
    application: null,
    application_fee_amount: null,
    application_fee_percent: null,
    automatic_tax: { enabled: false, liability: null },
    billing_address_collection: 'auto',
    consent_collection: null,
    currency: first.currency,
    custom_fields: [],
    custom_text: {
      after_submit: null,
      shipping_address: null,
      submit: null,
      terms_of_service_acceptance: null,
    },
    customer_creation: 'if_required',
    inactive_message: null,
    invoice_creation: null,
    livemode: false,
    managed_payments: null,
    metadata: {},
    on_behalf_of: null,
    payment_intent_data: null,
    payment_method_collection: 'always',
    payment_method_options: null,
    payment_method_types: null,
    phone_number_collection: { enabled: false },
    restrictions: null,
    shipping_address_collection: null,
    shipping_options: [],
    submit_type: 'auto',
    subscription_data: null,
    tax_id_collection: { enabled: false, required: 'never' },
    transfer_data: null,
    url: `${ctx.baseUrl}/b/${id}`,
  } as unknown as Stripe.PaymentLink
  hiddenOf<LinkHidden>(ctx.state, id).items = items
  applyCommon(ctx, link, params)
  if (recurringLink(ctx, items)) link.customer_creation = 'always'
  insertObject(ctx.state, link)
  ctx.emit('payment_link.created', link)
  return link
})
route('get', '/v1/payment_links/:id', (ctx, _p, path) =>
  getObject(ctx.state, 'payment_link', path.id!, 'id', 'payment link'),
)
route('post', '/v1/payment_links/:id', (ctx, params, path) => {
  allowOnly(params, ['active', 'line_items', ...COMMON])
  const link = getObject<Stripe.PaymentLink>(ctx.state, 'payment_link', path.id!, 'id', 'payment link')
  const before = JSON.parse(JSON.stringify(link)) as Record<string, unknown>
  if (params.line_items !== undefined) hiddenOf<LinkHidden>(ctx.state, link.id).items = readItems(ctx, params)
  const active = optBool(params, 'active')
  if (active !== undefined) link.active = active
  applyCommon(ctx, link, params)
  const prev: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(link))
    if (JSON.stringify(before[k]) !== JSON.stringify(v)) prev[k] = before[k]
  ctx.emit('payment_link.updated', link, prev)
  return link
})
route('get', '/v1/payment_links', (ctx, params) => {
  allowOnly(params, [...LIST_PARAMS, 'active'])
  const active = optBool(params, 'active')
  const items = listObjects<Stripe.PaymentLink>(
    ctx.state,
    'payment_link',
    (l) => active === undefined || l.active === active,
  )
  return paginate(items, params, '/v1/payment_links')
})
function linkLineItems(ctx: Ctx, linkId: string): Stripe.LineItem[] {
  return (hiddenOf<LinkHidden>(ctx.state, linkId).items ?? []).map((i) => {
    i.id ??= newId('li', 24)
    return { ...lineItem(getObject<Stripe.Price>(ctx.state, 'price', i.price), i.quantity), id: i.id }
  })
}

route('get', '/v1/payment_links/:id/line_items', (ctx, params, path) => {
  allowOnly(params, [...LIST_PARAMS])
  const link = getObject<Stripe.PaymentLink>(ctx.state, 'payment_link', path.id!, 'id', 'payment link')
  return paginate(linkLineItems(ctx, link.id), params, `/v1/payment_links/${link.id}/line_items`)
})
// Left out of the link unless expanded, as on Stripe (`expand[]=line_items`).
includable('payment_link', 'line_items', (ctx, link) => ({
  object: 'list',
  url: `/v1/payment_links/${String(link.id)}/line_items`,
  has_more: false,
  data: linkLineItems(ctx, String(link.id)),
}))

/** A fresh Checkout Session for the link's line items, as a buyer opening the link gets. */
export function openLinkSession(ctx: Ctx, link: Stripe.PaymentLink): Stripe.Checkout.Session {
  const hidden = hiddenOf<LinkHidden>(ctx.state, link.id)
  const items = hidden.items ?? []
  const subscription = recurringLink(ctx, items)
  const params: Params = {
    mode: subscription ? 'subscription' : 'payment',
    line_items: items.map((i) => ({ price: i.price, quantity: String(i.quantity) })),
    success_url: link.after_completion.redirect?.url ?? `${ctx.baseUrl}/b/${link.id}/done`,
    allow_promotion_codes: String(link.allow_promotion_codes),
    billing_address_collection: link.billing_address_collection,
    ...(subscription ? {} : { customer_creation: link.customer_creation }),
    ...(subscription && hidden.subscriptionData ? { subscription_data: hidden.subscriptionData } : {}),
  }
  const session = createSession(ctx, params)
  session.payment_link = link.id
  return session
}
