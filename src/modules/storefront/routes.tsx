/**
 * `GET /`: the storefront. Every product with a one-time price, with its price(s), what the
 * purchase grants and a plain Buy form (`POST /checkout`, works without JavaScript). Plans
 * (recurring prices) are only pointed to; `/pricing` shows them.
 * @module
 */
import { type Context, Hono } from 'hono'
import { raw } from 'hono/html'
import type { HtmlEscapedString } from 'hono/utils/html'
import type { AppEnv } from '../../http/env.js'
import { formatMoney } from '../../lib/money.js'
import { HTML_HEADERS, pageText, renderPage } from '../../web/layout.js'
import { renderHtml } from '../../web/render.js'
import {
  type Access,
  type Catalog,
  type CatalogPrice,
  type CatalogProduct,
  featuresOfProduct,
  plansCadences,
} from '../catalog/index.js'
import { listEntitlements } from '../entitlements/index.js'

export const storefrontRoutes = new Hono<AppEnv>().get('/', async (c) => {
  const { catalog, config, db, clock } = c.get('deps')
  const customer = c.get('customer')
  if (!customer) return c.body(anonymousPage(c, catalog, config), 200, HTML_HEADERS)
  // What the signed-in buyer already holds: those products lead to the library, not to Buy.
  const held = new Set(
    (await listEntitlements(db, customer.id, clock.now())).filter((e) => e.allowed).map((e) => e.feature),
  )
  const owned = catalog.products
    .filter((p) => featuresOfProduct(p).length > 0 && featuresOfProduct(p).every((f) => held.has(f)))
    .map((p) => p.id)
  return renderPage(c, { title: 'Store' }, storeBody(catalog, true, owned))
})

/**
 * What every visitor who is not signed in gets: one page per catalog and configuration (the
 * frame's brand and test-mode banner), kept as UTF-8 bytes. Filling the frame and encoding
 * 4 KB of text per view (and collecting both) was most of the anonymous store page's cost.
 */
const anonymousPages = new WeakMap<Catalog, WeakMap<object, Uint8Array<ArrayBuffer>>>()

function anonymousPage(c: Context<AppEnv>, catalog: Catalog, config: object): Uint8Array<ArrayBuffer> {
  let byConfig = anonymousPages.get(catalog)
  if (!byConfig) {
    byConfig = new WeakMap()
    anonymousPages.set(catalog, byConfig)
  }
  let page = byConfig.get(config)
  if (page === undefined) {
    page = new TextEncoder().encode(pageText(c, 'Store', String(storeBody(catalog, false, []))))
    byConfig.set(config, page)
  }
  return page
}

/**
 * The store's body depends only on the catalog (loaded once, never changed while running), on
 * whether someone is signed in and on which products they own (who it is does not show), so each
 * variant is rendered once, and kept as one markup object: renderPage keeps a markup's bytes with
 * it, so the same object each time is encoded once.
 */
const storeBodies = new WeakMap<Catalog, Map<string, HtmlEscapedString>>()

function storeBody(catalog: Catalog, signedIn: boolean, owned: readonly string[]): HtmlEscapedString {
  const bodies = storeBodies.get(catalog) ?? new Map<string, HtmlEscapedString>()
  storeBodies.set(catalog, bodies)
  const key = `${signedIn}|${owned.join(',')}`
  let html = bodies.get(key)
  if (html === undefined) {
    html = raw(String(renderHtml(<StoreBody catalog={catalog} signedIn={signedIn} owned={new Set(owned)} />)))
    bodies.set(key, html)
  }
  return html
}

function StoreBody({
  catalog,
  signedIn,
  owned,
}: {
  catalog: Catalog
  signedIn: boolean
  owned: ReadonlySet<string>
}) {
  const oneTime = catalog.products.filter((p) => p.prices.some((price) => !price.recurring))
  const hasPlans = catalog.prices.some((p) => p.recurring)
  return (
    <section>
      <h1>Store</h1>
      <div class="grid">
        {oneTime.map((product) => (
          <ProductCard product={product} signedIn={signedIn} owned={owned.has(product.id)} />
        ))}
        {hasPlans ? <PlansCard prices={catalog.prices} /> : null}
      </div>
    </section>
  )
}

function ProductCard({
  product,
  signedIn,
  owned,
}: {
  product: CatalogProduct
  signedIn: boolean
  owned: boolean
}) {
  return (
    <article class="card product" data-product-id={product.id}>
      <h2>{product.name}</h2>
      {product.description ? <p>{product.description}</p> : null}
      <p class="muted small">
        {accessText(product.access)}
        {product.files.length > 0
          ? ` · ${product.files.length} file${product.files.length > 1 ? 's' : ''}`
          : ''}
      </p>
      {owned ? (
        <p data-owned>
          <a class="button secondary" href="/library">
            In your library
          </a>
        </p>
      ) : (
        product.prices
          .filter((p) => !p.recurring)
          .map((price) => <BuyForm price={price} signedIn={signedIn} />)
      )}
    </article>
  )
}

function BuyForm({ price, signedIn }: { price: CatalogPrice; signedIn: boolean }) {
  const amount = formatMoney(price.unitAmount, price.currency)
  return (
    <form method="post" action="/checkout" class="buy-form" data-price={price.lookupKey}>
      <p class="price">{amount}</p>
      <input type="hidden" name="price" value={price.lookupKey} />
      {signedIn ? null : (
        <input
          type="email"
          name="email"
          placeholder="Email for your receipt (optional)"
          autocomplete="email"
        />
      )}
      <p>
        <button type="submit">{`Buy for ${amount}`}</button>
      </p>
    </form>
  )
}

/** Points to /pricing, saying what the catalog's plans are: "Plans billed monthly or yearly, with a free trial." */
function PlansCard({ prices }: { prices: readonly CatalogPrice[] }) {
  const plans = prices.filter((p) => p.recurring)
  const trials = plans.filter((p) => p.trialDays !== undefined).length
  const trial =
    trials === 0 ? '' : trials === plans.length ? ', with a free trial' : ', some with a free trial'
  return (
    <article class="card" data-plans>
      <h2>Memberships</h2>
      <p>{`Plans billed ${plansCadences(prices)}${trial}.`}</p>
      <p>
        <a class="button secondary" href="/pricing">
          See plans
        </a>
      </p>
    </article>
  )
}

function accessText(access: Access): string {
  return access === 'forever' ? 'Yours forever' : `${access.days} days of access`
}
