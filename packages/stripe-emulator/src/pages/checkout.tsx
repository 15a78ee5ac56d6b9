/**
 * The hosted Checkout page at a session's `url` (`/c/pay/:id`): GET renders it, POST takes the
 * plain form (no JavaScript needed), applies a promotion code, validates the card fields, pays
 * through `payment-pages.ts` and answers 303 to the success URL (with `{CHECKOUT_SESSION_ID}`
 * replaced), 303 to the 3DS page, or the page again with the error (400 invalid input, 402 decline).
 * @module
 */
import type { Context } from 'hono'
import type Stripe from 'stripe'
import type { Ctx } from '../context.js'
import { StripeError } from '../errors.js'
import { page } from '../registry.js'
import { createCardPaymentMethod, passesLuhn } from '../resources/cards.js'
import { ACCOUNT_NAME } from '../resources/checkout-branding.js'
import {
  applyTotals,
  checkoutLineItems,
  checkoutSubscriptionData,
  hasTrial,
} from '../resources/checkout-sessions.js'
import { type Payer, payCheckoutSession } from '../resources/payment-pages.js'
import { findPromotionCodeByCode, redeemablePromotion } from '../resources/promotion-codes.js'
import { createSepaDebitPaymentMethod, isValidIban } from '../resources/sepa-debit.js'
import { findObject } from '../state.js'
import { CheckoutPage, type CheckoutView, type FormValues } from './checkout-view.js'
import { formatMoney, intervalLabel, MessagePage } from './layout.js'

export type ViewExtras = { error?: string; notice?: string; values?: FormValues }

export function findSession(ctx: Ctx, id: string): Stripe.Checkout.Session | undefined {
  return findObject<Stripe.Checkout.Session>(ctx.state, id, 'checkout.session')
}

/** The success URL with `{CHECKOUT_SESSION_ID}` filled in, as Stripe does on redirect. */
export function successRedirect(session: Stripe.Checkout.Session): string {
  if (!session.success_url) return `/c/pay/${session.id}`
  return session.success_url
    .replaceAll('{CHECKOUT_SESSION_ID}', session.id)
    .replaceAll('%7BCHECKOUT_SESSION_ID%7D', session.id)
}

function trialNote(ctx: Ctx, session: Stripe.Checkout.Session, items: Stripe.LineItem[]): string | null {
  const data = checkoutSubscriptionData(ctx, session)
  if (session.mode !== 'subscription' || !hasTrial(data) || !data) return null
  const days = data.trial_period_days ?? Math.ceil(((data.trial_end ?? ctx.now()) - ctx.now()) / 86_400)
  const recurring = items.find((li) => li.price?.recurring)
  const after = items.reduce((sum, li) => sum + li.amount_total, 0)
  const then = `${formatMoney(after, session.currency ?? 'usd')}${intervalLabel(recurring?.price?.recurring ?? null)}`
  return `Free for ${days} day${days === 1 ? '' : 's'}, then ${then}`
}

function appliedCode(ctx: Ctx, session: Stripe.Checkout.Session): string | null {
  const id = session.discounts?.[0]?.promotion_code
  const promo =
    typeof id === 'string' ? findObject<Stripe.PromotionCode>(ctx.state, id, 'promotion_code') : undefined
  return promo?.code ?? null
}

function lockedEmail(ctx: Ctx, session: Stripe.Checkout.Session): string | null {
  if (session.customer_email) return session.customer_email
  const customer =
    typeof session.customer === 'string'
      ? findObject<Stripe.Customer>(ctx.state, session.customer, 'customer')
      : undefined
  return customer?.email ?? null
}

/** Whether the form must carry a card: not for a trial with `payment_method_collection: if_required`. */
export function cardRequired(ctx: Ctx, session: Stripe.Checkout.Session): boolean {
  if (session.mode === 'setup') return true
  if (session.mode === 'subscription') {
    return !(
      session.payment_method_collection === 'if_required' && hasTrial(checkoutSubscriptionData(ctx, session))
    )
  }
  return (session.amount_total ?? 0) > 0
}

/** SEPA Direct Debit is offered when the session lists it (one-time EUR payments by default). */
function offersSepa(session: Stripe.Checkout.Session): boolean {
  return session.mode === 'payment' && session.payment_method_types.includes('sepa_debit')
}

export function renderCheckout(
  c: Context,
  ctx: Ctx,
  session: Stripe.Checkout.Session,
  extras: ViewExtras,
  status = 200,
): Response | Promise<Response> {
  const items = checkoutLineItems(ctx, session)
  const view: CheckoutView = {
    session,
    items,
    trialNote: trialNote(ctx, session, items),
    appliedCode: appliedCode(ctx, session),
    lockedEmail: lockedEmail(ctx, session),
    cardRequired: cardRequired(ctx, session),
    offersSepa: offersSepa(session),
    collectsAddress: session.billing_address_collection === 'required',
    storeName: session.branding_settings?.display_name ?? ACCOUNT_NAME,
    logoUrl: session.branding_settings?.logo?.url ?? null,
    buttonColor: session.branding_settings?.button_color ?? null,
    error: extras.error,
    notice: extras.notice,
    values: extras.values,
  }
  return c.html(<CheckoutPage view={view} />, status as 200)
}

function renderClosed(
  c: Context,
  session: Stripe.Checkout.Session | undefined,
): Response | Promise<Response> {
  if (!session)
    return c.html(
      <MessagePage title="Checkout not found" message="There is no Checkout Session with this id." />,
      404,
    )
  if (session.status === 'complete') {
    const link = { href: successRedirect(session), text: 'Continue' }
    return c.html(<MessagePage title="Payment complete" message="You're all done here." link={link} />, 200)
  }
  const back = session.cancel_url ? { href: session.cancel_url, text: '← Back' } : null
  return c.html(
    <MessagePage title="Checkout expired" message="This checkout session has expired." link={back} />,
    410,
  )
}

const FIELDS = [
  'email',
  'cardNumber',
  'cardExpiry',
  'cardCvc',
  'cardName',
  'promotionCode',
  'paymentMethodType',
  'iban',
  'ibanName',
  'addressLine1',
  'addressCity',
  'addressPostalCode',
  'addressCountry',
] as const

async function readForm(c: Context): Promise<FormValues> {
  const body = await c.req.parseBody()
  const values: FormValues = {}
  for (const f of FIELDS) if (typeof body[f] === 'string') values[f] = (body[f] as string).trim()
  return values
}

/** Applies, replaces or (with an emptied field) removes the promotion code; returns an error text. */
function applyPromotionField(
  ctx: Ctx,
  session: Stripe.Checkout.Session,
  code: string | undefined,
): string | 'applied' | null {
  if (code === undefined || code === (appliedCode(ctx, session) ?? '')) return null
  if (session.allow_promotion_codes !== true) return 'Promotion codes cannot be used for this purchase.'
  if (code === '') {
    session.discounts = []
    applyTotals(ctx, session)
    return null
  }
  const promo = findPromotionCodeByCode(ctx, code)
  if (!promo) return 'This code is invalid.'
  const ok = redeemablePromotion(ctx, promo)
  if ('reason' in ok) return ok.reason
  if (promo.customer && promo.customer !== session.customer)
    return 'This code is not valid for this customer.'
  const min = promo.restrictions.minimum_amount
  if (min !== null && (session.amount_subtotal ?? 0) < min) {
    return `This code needs a purchase of at least ${formatMoney(min, promo.restrictions.minimum_amount_currency ?? session.currency ?? 'usd')}.`
  }
  session.discounts = [{ coupon: ok.coupon.id, promotion_code: promo.id }]
  applyTotals(ctx, session)
  return 'applied'
}

type CardFields = { number: string; expMonth: number; expYear: number; name: string }

/** Checks the card fields as Stripe's page does; returns the parsed card or the message to show. */
export function validateCard(ctx: Ctx, v: FormValues): CardFields | string {
  const number = (v.cardNumber ?? '').replace(/[\s-]/g, '')
  if (!number) return 'Your card number is incomplete.'
  if (!passesLuhn(number)) return 'Your card number is invalid.'
  const m = /^(\d{1,2})\s*\/?\s*(\d{2}|\d{4})$/.exec(v.cardExpiry ?? '')
  if (!m) return "Your card's expiration date is incomplete."
  const month = Number(m[1])
  const year = m[2]!.length === 2 ? 2000 + Number(m[2]) : Number(m[2])
  if (month < 1 || month > 12) return "Your card's expiration month is invalid."
  const now = new Date(ctx.now() * 1000)
  if (year * 12 + month < now.getUTCFullYear() * 12 + now.getUTCMonth() + 1)
    return "Your card's expiration date is in the past."
  const cvcLength = /^3[47]/.test(number) ? 4 : 3
  if (!new RegExp(`^\\d{${cvcLength}}$`).test(v.cardCvc ?? ''))
    return "Your card's security code is incomplete."
  if (!v.cardName) return 'Enter the name on your card.'
  return { number, expMonth: month, expYear: year, name: v.cardName }
}

function validEmail(email: string): boolean {
  return /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)
}

async function submit(c: Context, ctx: Ctx): Promise<Response> {
  const session = findSession(ctx, c.req.param('id') ?? '')
  // A second submit of an already paid session (double click) lands on the success URL too.
  if (session?.status === 'complete') return c.redirect(successRedirect(session), 303)
  if (session?.status !== 'open') return renderClosed(c, session)
  const values = await readForm(c)
  const promo = applyPromotionField(ctx, session, values.promotionCode)
  if (promo !== null && promo !== 'applied')
    return renderCheckout(c, ctx, session, { error: promo, values }, 400)
  const noCard = !values.cardNumber && !values.cardExpiry && !values.cardCvc
  if (promo === 'applied' && noCard)
    return renderCheckout(c, ctx, session, { notice: 'Promotion code applied.', values })
  const email = lockedEmail(ctx, session) ?? values.email ?? ''
  if (!validEmail(email))
    return renderCheckout(c, ctx, session, { error: 'Enter a valid email address.', values }, 400)
  const address = billingAddress(session, values)
  if (address === 'missing')
    return renderCheckout(c, ctx, session, { error: 'Enter your billing address.', values }, 400)
  let paymentMethod: Stripe.PaymentMethod | null = null
  if (values.paymentMethodType === 'sepa_debit' && offersSepa(session)) {
    const iban = values.iban ?? ''
    if (!iban) return renderCheckout(c, ctx, session, { error: 'Your IBAN is incomplete.', values }, 400)
    if (!isValidIban(iban))
      return renderCheckout(c, ctx, session, { error: 'Your IBAN is invalid.', values }, 400)
    if (!values.ibanName)
      return renderCheckout(c, ctx, session, { error: "Enter the account holder's name.", values }, 400)
    const debit = createSepaDebitPaymentMethod(ctx, { iban, name: values.ibanName, email })
    return pay(c, ctx, session, { email, name: values.ibanName, paymentMethod: debit, address }, values)
  }
  if (!(noCard && !cardRequired(ctx, session))) {
    const card = validateCard(ctx, values)
    if (typeof card === 'string') return renderCheckout(c, ctx, session, { error: card, values }, 400)
    paymentMethod = createCardPaymentMethod(ctx, { ...card, email })
  }
  return pay(c, ctx, session, { email, name: values.cardName || null, paymentMethod, address }, values)
}

/** The billing address when the session requires one: all four fields, a two-letter country. */
function billingAddress(session: Stripe.Checkout.Session, v: FormValues): Stripe.Address | null | 'missing' {
  if (session.billing_address_collection !== 'required') return null
  const country = (v.addressCountry ?? '').toUpperCase()
  if (!v.addressLine1 || !v.addressCity || !v.addressPostalCode || !/^[A-Z]{2}$/.test(country))
    return 'missing'
  return {
    city: v.addressCity,
    country,
    line1: v.addressLine1,
    line2: null,
    postal_code: v.addressPostalCode,
    state: null,
  }
}

async function pay(
  c: Context,
  ctx: Ctx,
  session: Stripe.Checkout.Session,
  payer: Payer,
  values: FormValues,
): Promise<Response> {
  try {
    const result = await payCheckoutSession(ctx, session, payer)
    if (result.outcome === 'complete') return c.redirect(successRedirect(session), 303)
    if (result.outcome === 'requires_action') return c.redirect(`/c/pay/${session.id}/3ds`, 303)
    return renderCheckout(c, ctx, session, { error: result.message, values }, 402)
  } catch (err) {
    if (!(err instanceof StripeError)) throw err
    return renderCheckout(c, ctx, session, { error: err.message, values }, 400)
  }
}

page('get', '/c/pay/:id', (c, ctx) => {
  const session = findSession(ctx, c.req.param('id') ?? '')
  if (session?.status !== 'open') return renderClosed(c, session)
  return renderCheckout(c, ctx, session, {})
})
page('post', '/c/pay/:id', (c, ctx) => submit(c, ctx))
