/** The account page's lists of what the member paid: one-time orders and subscription invoices. */
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

export function InvoiceList({ invoices }: { invoices: InvoiceRow[] }) {
  if (invoices.length === 0) return null
  return (
    <>
      <h2>Invoices</h2>
      <div class="table-scroll">
        <table data-invoices>
          <thead>
            <tr>
              <th>Date</th>
              <th>Amount</th>
              <th>Status</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {invoices.map((inv) => (
              <tr data-invoice={inv.stripe_invoice_id}>
                <td>{day(inv.stripe_created)}</td>
                <td>{formatMoney(inv.total, inv.currency)}</td>
                <td>{invoiceStatusWords(inv.status)}</td>
                <td>
                  <a
                    href={`/account/invoices/${inv.id}`}
                    aria-label={`Receipt of ${day(inv.stripe_created)}`}
                  >
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
          </tbody>
        </table>
      </div>
    </>
  )
}

export function OrderList({ orders }: { orders: AccountOrder[] }) {
  if (orders.length === 0) return null
  return (
    <>
      <h2>Orders</h2>
      <div class="table-scroll">
        <table data-orders>
          <thead>
            <tr>
              <th>Date</th>
              <th>Item</th>
              <th>Amount</th>
              <th>Status</th>
              <th />
            </tr>
          </thead>
          <tbody>
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
          </tbody>
        </table>
      </div>
    </>
  )
}
