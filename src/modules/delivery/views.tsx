import { BuyForm } from '../../web/buy-form.js'
import type { LibraryItem } from './library.js'

function formatDate(date: Date): string {
  return date.toISOString().slice(0, 10)
}

/** `hasLicenses`: the licence keys follow the files, so an empty file list is not an empty library. */
export function LibraryPage({
  items,
  email,
  hasLicenses,
}: {
  items: LibraryItem[]
  email: string
  hasLicenses: boolean
}) {
  return (
    <section>
      <h1>Your library</h1>
      <p class="muted">Signed in as {email}.</p>
      {items.length === 0 && hasLicenses ? null : items.length === 0 ? (
        <p data-library-empty>
          Nothing here yet. <a href="/">Visit the store</a>.
        </p>
      ) : (
        <table data-library>
          <tbody>
            {items.map((item) => (
              <LibraryRow item={item} />
            ))}
          </tbody>
        </table>
      )}
    </section>
  )
}

/** How a revoke reason reads to the customer; an owner's own reason (manual revoke) stays private. */
const REVOKE_REASONS: Record<string, string> = {
  refunded: 'refunded',
  disputed: 'the payment is disputed with your bank',
}

function LibraryRow({ item }: { item: LibraryItem }) {
  const price = item.product.prices.find((p) => !p.recurring)
  return (
    <tr
      data-file-id={item.file.id}
      data-access={item.allowed ? 'live' : item.revokedBecause ? 'revoked' : 'expired'}
    >
      <td>
        <strong>{item.file.title}</strong>
        <div class="muted small">{item.product.name}</div>
      </td>
      <td>
        {item.allowed
          ? item.until
            ? `Access until ${formatDate(item.until)}`
            : 'Access forever'
          : item.revokedBecause
            ? `Access ended${item.until ? ` on ${formatDate(item.until)}` : ''}: ${REVOKE_REASONS[item.revokedBecause] ?? 'revoked by the store'}`
            : `Access expired${item.until ? ` on ${formatDate(item.until)}` : ''}`}
      </td>
      <td>
        {item.allowed ? (
          <a class="button" href={`/download/${encodeURIComponent(item.file.id)}`} download>
            Download
          </a>
        ) : price ? (
          <BuyForm price={price} label="Buy again" />
        ) : null}
      </td>
    </tr>
  )
}
