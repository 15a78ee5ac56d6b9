/**
 * Mandates: a customer's authorisation to debit a bank account. A PaymentIntent confirmed with a
 * SEPA Direct Debit PaymentMethod and `mandate_data[customer_acceptance]` (as the Stripe CLI's
 * `payment_intent.processing` fixture sends it) creates one: `single_use` for the PaymentIntent's
 * amount, `multi_use` when it saves the method (`setup_future_usage`). Its id is on the charge's
 * `payment_method_details.sepa_debit.mandate`, and `GET /v1/mandates/:id` retrieves it.
 *
 * Not modelled, and so refused by name rather than dropped: `mandate_data` with any other payment
 * method (card mandates for India, the other bank debits) and on SetupIntents. Checkout's own SEPA
 * payments collect the mandate on the page and create no Mandate object here.
 * @module
 */
import type Stripe from 'stripe'
import type { Ctx } from '../context.js'
import { invalidRequest, missingParam, unsupportedParam } from '../errors.js'
import { newId } from '../ids.js'
import { allowOnly, optEnum, optInt, optObject, type Params, reqString } from '../params.js'
import { route } from '../registry.js'
import { getObject, hiddenOf, insertObject } from '../state.js'
import '../pages/mandate.js'

const P = 'mandate_data[customer_acceptance]'

export type MandateAcceptance = Stripe.Mandate.CustomerAcceptance

/**
 * Reads `mandate_data` as a secret key sends it (Stripe requires `online[ip_address]` and
 * `online[user_agent]` for an online acceptance then); undefined when absent.
 */
export function readMandateData(params: Params): MandateAcceptance | undefined {
  const data = optObject(params, 'mandate_data')
  if (!data) return undefined
  allowOnly(data, ['customer_acceptance'], 'mandate_data')
  const acceptance = optObject(data, 'customer_acceptance', P)
  if (!acceptance) throw missingParam(P)
  allowOnly(acceptance, ['accepted_at', 'offline', 'online', 'type'], P)
  const type = optEnum(acceptance, 'type', ['offline', 'online'] as const, `${P}[type]`)
  if (!type) throw missingParam(`${P}[type]`)
  const acceptedAt = optInt(acceptance, 'accepted_at', `${P}[accepted_at]`)
  const offline = optObject(acceptance, 'offline', `${P}[offline]`)
  if (offline) allowOnly(offline, [], `${P}[offline]`)
  const online = optObject(acceptance, 'online', `${P}[online]`)
  if (type === 'offline') {
    if (online)
      throw invalidRequest(
        `${P}[online] can only be set when ${P}[type] is online.`,
        'parameter_invalid',
        `${P}[online]`,
      )
    return { accepted_at: acceptedAt ?? null, offline: {}, type }
  }
  if (offline)
    throw invalidRequest(
      `${P}[offline] can only be set when ${P}[type] is offline.`,
      'parameter_invalid',
      `${P}[offline]`,
    )
  if (!online) throw missingParam(`${P}[online]`)
  allowOnly(online, ['ip_address', 'user_agent'], `${P}[online]`)
  return {
    accepted_at: acceptedAt ?? null,
    online: {
      ip_address: reqString(online, 'ip_address', `${P}[online][ip_address]`),
      user_agent: reqString(online, 'user_agent', `${P}[online][user_agent]`),
    },
    type,
  }
}

type MandateHidden = { mandate?: string }

/**
 * Creates the Mandate for a confirmation of `pi` with `pm` (before the charge, which names it).
 * Only SEPA Direct Debit mandates are modelled.
 */
export function createMandate(
  ctx: Ctx,
  pi: Stripe.PaymentIntent,
  pm: Stripe.PaymentMethod,
  acceptance: MandateAcceptance,
): Stripe.Mandate {
  if (pm.type !== 'sepa_debit')
    throw unsupportedParam(
      'mandate_data',
      `for ${pm.type} payment methods (only SEPA Direct Debit mandates are modelled)`,
    )
  const id = newId('mandate', 24)
  const reference = id.slice('mandate_'.length, 'mandate_'.length + 16).toUpperCase()
  const multiUse = pi.setup_future_usage !== null
  const mandate: Stripe.Mandate = {
    id,
    object: 'mandate',
    customer_acceptance: { ...acceptance, accepted_at: acceptance.accepted_at ?? ctx.now() },
    livemode: false,
    ...(multiUse ? { multi_use: {} } : { single_use: { amount: pi.amount, currency: pi.currency } }),
    payment_method: pm.id,
    payment_method_details: {
      type: 'sepa_debit',
      sepa_debit: { reference, url: `${ctx.baseUrl}/mandates/${id}` },
    },
    status: 'active',
    type: multiUse ? 'multi_use' : 'single_use',
  }
  insertObject(ctx.state, mandate)
  return mandate
}

/** Records the Mandate (or none) the current confirmation of `pi` uses, for the charge it makes. */
export function setConfirmationMandate(ctx: Ctx, pi: Stripe.PaymentIntent, mandate: string | null): void {
  const hidden = hiddenOf<MandateHidden>(ctx.state, pi.id)
  if (mandate) hidden.mandate = mandate
  else delete hidden.mandate
}

/** The Mandate the PaymentIntent's latest confirmation created, for its charge. */
export function mandateOfPaymentIntent(ctx: Ctx, piId: string): string | null {
  return hiddenOf<MandateHidden>(ctx.state, piId).mandate ?? null
}

route('get', '/v1/mandates/:id', (ctx, _params, path) =>
  getObject(ctx.state, 'mandate', path.id!, 'id', 'mandate'),
)
