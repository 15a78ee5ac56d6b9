/**
 * `requireFeature('feature')` guards a page: signed out → /login (coming back afterwards); no live
 * grant → an "access expired" page (or "not included") with a way to buy again. Reads local state only.
 * A client that asks for JSON gets the error envelope instead of either page: 401 `UNAUTHORIZED`, or
 * 403 `NO_ACCESS` whose details say why and what would grant it.
 * @module
 */
import type { Context, MiddlewareHandler, Next } from 'hono'
import type { AppEnv } from '../../http/env.js'
import { AppError } from '../../lib/errors.js'
import { BuyForm } from '../../web/buy-form.js'
import { refusalPage, wantsJSON } from '../../web/error-handler.js'
import { featuresOfProduct } from '../catalog/index.js'
import { type AccessDecision, checkAccessNow } from './access.js'

export function requireFeature(feature: string): MiddlewareHandler<AppEnv> {
  // Not async: with the decision at hand (the grants cached, checkAccessNow) the page's handler is
  // called at once and its promise returned, with no promise or await of this layer's own.
  return function requireFeatureMiddleware(c, next) {
    const customer = c.get('customer')
    if (!customer) return Promise.resolve(signInFirst(c, c.req.path))
    const deps = c.get('deps')
    const decision = checkAccessNow(deps.db, customer.id, feature, deps.clock.now())
    if (decision instanceof Promise) return decision.then((decided) => gate(c, next, feature, decided))
    return gate(c, next, feature, decision)
  }
}

function gate(
  c: Context<AppEnv>,
  next: Next,
  feature: string,
  decision: AccessDecision,
): ReturnType<MiddlewareHandler<AppEnv>> {
  return decision.allowed ? next() : Promise.resolve(renderNoAccess(c, feature, decision))
}

function loginPath(next: string): string {
  return `/login?next=${encodeURIComponent(next)}`
}

/**
 * A signed-out visit to a customer's page: a browser goes to sign in and comes back to `next`; a
 * JSON client (a script, an app's fetch) gets a 401 it can read, not a redirect to a form.
 */
export function signInFirst(c: Context<AppEnv>, next: string): Response {
  if (wantsJSON(c)) throw new AppError('UNAUTHORIZED')
  return c.redirect(loginPath(next), 303)
}

type NoAccessText = {
  state: 'none' | 'expired' | 'revoked'
  title: string
  text: string
  offerToBuy: boolean
}

/** What the 403 page says: never had it, ran out, or taken back (and why, in the customer's words). */
function noAccessText(decision: AccessDecision): NoAccessText {
  if (decision.revokedBecause === 'disputed') {
    return {
      state: 'revoked',
      title: 'Access paused',
      text: 'Your access is paused while the payment is disputed with your bank. It comes back if the dispute is resolved for the store.',
      offerToBuy: false,
    }
  }
  if (decision.revokedBecause === 'refunded') {
    return {
      state: 'revoked',
      title: 'Access ended',
      text: 'This purchase was refunded, so its access ended. You can buy it again below.',
      offerToBuy: true,
    }
  }
  if (decision.revokedBecause) {
    return {
      state: 'revoked',
      title: 'Access ended',
      text: 'The store ended your access to this.',
      offerToBuy: true,
    }
  }
  if (decision.lapsed) {
    return {
      state: 'expired',
      title: 'Access expired',
      text: 'Your access to this has ended. You can buy it again below.',
      offerToBuy: true,
    }
  }
  return {
    state: 'none',
    title: 'Not included',
    text: 'Your purchases do not include this yet.',
    offerToBuy: true,
  }
}

/** The 403 page for a missing, lapsed or revoked feature, offering the products that grant it. */
export function renderNoAccess(
  c: Context<AppEnv>,
  feature: string,
  decision: AccessDecision,
): Response | Promise<Response> {
  const catalog = c.get('deps').catalog
  const products = catalog.products.filter((p) => featuresOfProduct(p).includes(feature))
  const words = noAccessText(decision)
  const oneTime = words.offerToBuy
    ? products.flatMap((p) => p.prices.filter((pr) => !pr.recurring).map((pr) => ({ p, pr })))
    : []
  const recurring = words.offerToBuy && products.some((p) => p.prices.some((pr) => pr.recurring))
  const refused = new AppError('NO_ACCESS', {
    message: words.text,
    details: {
      feature,
      access: words.state,
      buy: oneTime.map(({ p, pr }) => ({ product: p.name, price: pr.lookupKey })),
      ...(recurring ? { plans: '/pricing' } : {}),
    },
  })
  return refusalPage(
    c,
    refused,
    words.title,
    <section class="card" data-access={words.state}>
      <h1>{words.title}</h1>
      <p>{words.text}</p>
      {oneTime.map(({ p, pr }) => (
        <div>
          <h2>{p.name}</h2>
          <BuyForm price={pr} email={c.get('customer')?.email} />
        </div>
      ))}
      {recurring ? (
        <p>
          <a class="button secondary" href="/pricing">
            See membership plans
          </a>
        </p>
      ) : null}
      <p>
        <a href="/library">Back to your library</a>
      </p>
    </section>,
  )
}
