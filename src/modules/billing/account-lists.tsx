/** The account page's lists of what the member paid: one-time orders and subscription invoices. */
import type { Child } from 'hono/jsx'
import { formatMoney } from '../../lib/money.js'
import { invoiceStatusWords } from './status-words.js'
import type { InvoiceRow } from './table.js'

const day = (iso: string | null): string => (iso ? iso.slice(0, 10) : '—')

/** A one-time order as the account page lists it (the orders module fills these in). */
export type AccountOrder = {
  id: string
  productName: string
  amount: number
  currency: string
  statusWords: string
  createdAt: string
  receiptPath: string
}

/** A titled table that scrolls sideways on a phone; the last column (links) has no heading. */
function PaidTable(props: {
  title: string
  list: 'invoices' | 'orders'
  headings: string[]
  children: Child
}) {
  return (
    <>
      <h2>{props.title}</h2>
      <div class="table-scroll">
        <table {...{ [`data-${props.list}`]: true }}>
          <thead>
            <tr>
              {props.headings.map((h) => (
                <th>{h}</th>
              ))}
              <th />
            </tr>
          </thead>
          <tbody>{props.children}</tbody>
        </table>
      </div>
    </>
  )
}

export function InvoiceList({ invoices }: { invoices: InvoiceRow[] }) {
  if (invoices.length === 0) return null
  return (
    <PaidTable title="Invoices" list="invoices" headings={['Date', 'Amount', 'Status']}>
      {invoices.map((inv) => (
        <tr data-invoice={inv.stripe_invoice_id}>
          <td>{day(inv.stripe_created)}</td>
          <td>{formatMoney(inv.total, inv.currency)}</td>
          <td>{invoiceStatusWords(inv.status)}</td>
          <td>
            <a href={`/account/invoices/${inv.id}`} aria-label={`Receipt of ${day(inv.stripe_created)}`}>
              Receipt
            </a>
            {inv.invoice_pdf ? (
              <>
                {' · '}
                <a href={inv.invoice_pdf} aria-label={`Invoice PDF of ${day(inv.stripe_created)}`}>
                  PDF
                </a>
              </>
            ) : null}
          </td>
        </tr>
      ))}
    </PaidTable>
  )
}

export function OrderList({ orders }: { orders: AccountOrder[] }) {
  if (orders.length === 0) return null
  return (
    <PaidTable title="Orders" list="orders" headings={['Date', 'Item', 'Amount', 'Status']}>
      {orders.map((o) => (
        <tr data-order={o.id}>
          <td>{day(o.createdAt)}</td>
          <td>{o.productName}</td>
          <td>{formatMoney(o.amount, o.currency)}</td>
          <td>{o.statusWords}</td>
          <td>
            <a href={o.receiptPath} aria-label={`Receipt for ${o.productName}`}>
              Receipt
            </a>
          </td>
        </tr>
      ))}
    </PaidTable>
  )
}
