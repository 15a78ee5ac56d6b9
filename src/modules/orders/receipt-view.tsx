/** The receipt page of one order (`/account/orders/:id`). */
import { formatMoney } from '../../lib/money.js'
import { type ReceiptFact, ReceiptSheet } from '../../web/receipt.js'
import type { BillingAddress } from './read.js'
import type { OrderReceipt } from './receipts.js'

const day = (iso: string): string => iso.slice(0, 10)

function addressLines(a: BillingAddress): string {
  return [a.line1, a.line2, [a.postal_code, a.city].filter(Boolean).join(' '), a.state, a.country]
    .filter((part) => part)
    .join(', ')
}

export function OrderReceiptPage({ receipt, email }: { receipt: OrderReceipt; email: string }) {
  const facts: ReceiptFact[] = [
    { term: 'Order', value: <code data-order-id>{receipt.id}</code> },
    { term: 'Date', value: day(receipt.createdAt) },
    { term: 'Bought by', value: email },
    { term: 'Item', value: `${receipt.productName}${receipt.quantity > 1 ? ` × ${receipt.quantity}` : ''}` },
    { term: 'Paid', value: <strong>{formatMoney(receipt.amount, receipt.currency)}</strong> },
    { term: 'Status', value: <span data-order-status>{receipt.statusWords}</span> },
  ]
  if (receipt.amountRefunded > 0) {
    const when = receipt.refundedAt ? ` on ${day(receipt.refundedAt)}` : ''
    facts.push({ term: 'Refunded', value: `${formatMoney(receipt.amountRefunded, receipt.currency)}${when}` })
  }
  if (receipt.billingAddress)
    facts.push({ term: 'Billing address', value: addressLines(receipt.billingAddress) })
  return (
    <ReceiptSheet
      kind="order"
      title={`Receipt for ${receipt.productName}`}
      facts={facts}
      links={[]}
      note={receipt.status === 'refunded' ? 'This order was refunded; its access has ended.' : undefined}
    />
  )
}
