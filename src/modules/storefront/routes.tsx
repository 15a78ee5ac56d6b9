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
import { type Access, type CatalogPrice, type CatalogProduct, featuresOfProduct } from '../catalog/index.js'
import { listEntitlements } from '../entitlements/index.js'

export const storefrontRoutes = new Hono<AppEnv>().get('/', async (c) => {
  const { catalog, db, clock } = c.get('deps')
  const customer = c.get('customer')
  // What the signed-in buyer already holds: those products lead to the library, not to Buy.
  const held = customer
    ? new Set(
        (await listEntitlements(db, customer.id, clock.now())).filter((e) => e.allowed).map((e) => e.feature),
      )
    : new Set<string>()
  const oneTime = catalog.products.filter((p) => p.prices.some((price) => !price.recurring))
  const hasPlans = catalog.prices.some((p) => p.recurring)
  return renderPage(
    c,
    { title: 'Store' },
    <section>
      <h1>Store</h1>
      <div class="grid">
        {oneTime.map((product) => (
          <ProductCard
            product={product}
            customer={customer}
            owned={
              featuresOfProduct(product).length > 0 && featuresOfProduct(product).every((f) => held.has(f))
            }
          />
        ))}
        {hasPlans ? <PlansCard /> : null}
      </div>
    </section>,
  )
})

function ProductCard({
  product,
  customer,
  owned,
}: {
  product: CatalogProduct
  customer?: SessionCustomer | undefined
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
          .map((price) => <BuyForm price={price} customer={customer} />)
      )}
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
