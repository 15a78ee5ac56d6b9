/**
 * `requireFeature('feature')` guards a page: signed out → /login (coming back afterwards); no live
 * grant → an "access expired" page (or "not included") with a way to buy again. Reads local state only.
 * @module
 */
import type { Context, MiddlewareHandler } from 'hono'
import type { AppEnv } from '../../http/env.js'
import { renderPage } from '../../web/layout.js'
import { featuresOfProduct } from '../catalog/find.js'
import { BuyForm } from '../checkout/buy-form.js'
import { checkAccess } from './access.js'

export function requireFeature(feature: string): MiddlewareHandler<AppEnv> {
  return async function requireFeatureMiddleware(c, next) {
    const customer = c.get('customer')
    if (!customer) return c.redirect(loginPath(c.req.path), 303)
    const deps = c.get('deps')
    const decision = await checkAccess(deps.db, customer.id, feature, deps.clock.now())
    if (!decision.allowed) return renderNoAccess(c, feature, decision.lapsed === true)
    await next()
  }
}

export function loginPath(next: string): string {
  return `/login?next=${encodeURIComponent(next)}`
}

/** The 403 page for a missing or lapsed feature, offering the products that grant it. */
export function renderNoAccess(
  c: Context<AppEnv>,
  feature: string,
  lapsed: boolean,
): Response | Promise<Response> {
  const catalog = c.get('deps').catalog
  const products = catalog.products.filter((p) => featuresOfProduct(p).includes(feature))
  const oneTime = products.flatMap((p) => p.prices.filter((pr) => !pr.recurring).map((pr) => ({ p, pr })))
  const recurring = products.some((p) => p.prices.some((pr) => pr.recurring))
  const title = lapsed ? 'Access expired' : 'Not included'
  return renderPage(
    c,
    { title, status: 403 },
    <section class="card" data-access={lapsed ? 'expired' : 'none'}>
      <h1>{title}</h1>
      <p>
        {lapsed
          ? 'Your access to this has ended. You can buy it again below.'
          : 'Your purchases do not include this yet.'}
      </p>
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
