/**
 * `GET /`: the storefront. Every product with a one-time price, with its price(s), what the
 * purchase grants and a plain Buy form (`POST /checkout`, works without JavaScript). Plans
 * (recurring prices) are only pointed to; `/pricing` shows them.
 * @module
 */
import { Hono } from 'hono'
import type { AppEnv, SessionCustomer } from '../../http/env.js'
import { formatMoney } from '../../lib/money.js'
import { renderPage } from '../../web/layout.js'
import type { Access, CatalogPrice, CatalogProduct } from '../catalog/index.js'

export const storefrontRoutes = new Hono<AppEnv>().get('/', (c) => {
  const { catalog } = c.get('deps')
  const oneTime = catalog.products.filter((p) => p.prices.some((price) => !price.recurring))
  const hasPlans = catalog.prices.some((p) => p.recurring)
  return renderPage(
    c,
    { title: 'Store' },
    <section>
      <h1>Store</h1>
      <div class="grid">
        {oneTime.map((product) => (
          <ProductCard product={product} customer={c.get('customer')} />
        ))}
        {hasPlans ? <PlansCard /> : null}
      </div>
    </section>,
  )
})

function ProductCard({ product, customer }: { product: CatalogProduct; customer?: SessionCustomer }) {
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
          <BuyForm price={price} customer={customer} />
        ))}
    </article>
  )
}

function BuyForm({ price, customer }: { price: CatalogPrice; customer?: SessionCustomer }) {
  const amount = formatMoney(price.unitAmount, price.currency)
  return (
    <form method="post" action="/checkout" class="buy-form" data-price={price.lookupKey}>
      <p class="price">{amount}</p>
      <input type="hidden" name="price" value={price.lookupKey} />
      {customer ? null : (
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
