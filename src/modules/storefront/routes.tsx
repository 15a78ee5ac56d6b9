/**
 * `GET /`: the storefront. Every product with a one-time price, with its price(s), what the
 * purchase grants and a plain Buy form (`POST /checkout`, works without JavaScript). Plans
 * (recurring prices) are only pointed to; `/pricing` shows them.
 * @module
 */
import { Hono } from 'hono'
import { raw } from 'hono/html'
import type { AppEnv } from '../../http/env.js'
import { formatMoney } from '../../lib/money.js'
import { renderPage } from '../../web/layout.js'
import type { Access, Catalog, CatalogPrice, CatalogProduct } from '../catalog/index.js'

export const storefrontRoutes = new Hono<AppEnv>().get('/', (c) => {
  const { catalog } = c.get('deps')
  return renderPage(c, { title: 'Store' }, raw(storeBody(catalog, c.get('customer') !== undefined)))
})

/**
 * The store's body depends only on the catalog (loaded once, never changed while running) and on
 * whether someone is signed in (who it is does not show), so each variant is rendered once.
 */
const storeBodies = new WeakMap<Catalog, Map<boolean, string>>()

function storeBody(catalog: Catalog, signedIn: boolean): string {
  const bodies = storeBodies.get(catalog) ?? new Map<boolean, string>()
  storeBodies.set(catalog, bodies)
  let html = bodies.get(signedIn)
  if (html === undefined) {
    html = String(<StoreBody catalog={catalog} signedIn={signedIn} />)
    bodies.set(signedIn, html)
  }
  return html
}

function StoreBody({ catalog, signedIn }: { catalog: Catalog; signedIn: boolean }) {
  const oneTime = catalog.products.filter((p) => p.prices.some((price) => !price.recurring))
  const hasPlans = catalog.prices.some((p) => p.recurring)
  return (
    <section>
      <h1>Store</h1>
      <div class="grid">
        {oneTime.map((product) => (
          <ProductCard product={product} signedIn={signedIn} />
        ))}
        {hasPlans ? <PlansCard /> : null}
      </div>
    </section>
  )
}

function ProductCard({ product, signedIn }: { product: CatalogProduct; signedIn: boolean }) {
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
      {product.prices
        .filter((p) => !p.recurring)
        .map((price) => (
          <BuyForm price={price} signedIn={signedIn} />
        ))}
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

function PlansCard() {
  return (
    <article class="card">
      <h2>Memberships</h2>
      <p>Monthly and yearly plans with a free trial.</p>
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
