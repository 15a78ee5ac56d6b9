import { formatMoney } from '../lib/money.js'
import type { CatalogPrice } from '../modules/catalog/index.js'

/** A plain form that starts Checkout: works without JavaScript (the storefront's Buy button). */
export function BuyForm({ price, label, email }: { price: CatalogPrice; label?: string; email?: string }) {
  return (
    <form method="post" action="/checkout" class="buy-form">
      <input type="hidden" name="price" value={price.lookupKey} />
      {email ? <input type="hidden" name="email" value={email} /> : null}
      <button type="submit" class="button">
        {label ?? `Buy for ${formatMoney(price.unitAmount, price.currency)}`}
      </button>
    </form>
  )
}
