/** The console's table of orders: the orders page, one order's page and a customer's page. */
import { formatMoney } from '../../../lib/money.js'
import type { OrderRow } from '../../orders/index.js'
import { TableOrNone, when } from '../views.js'

export function OrderTable({ orders }: { orders: OrderRow[] }) {
  return (
    <TableOrNone
      id="orders"
      head={['Order', 'Product', 'Amount', 'Refunded', 'Status', 'When']}
      rows={orders.map((o) => (
        <tr data-order={o.id}>
          <td>
            <a href={`/admin/orders/${o.id}`}>{o.id}</a>
          </td>
          <td>{o.product_id}</td>
          <td>{formatMoney(o.amount, o.currency)}</td>
          <td data-refunded={String(o.amount_refunded)}>{formatMoney(o.amount_refunded, o.currency)}</td>
          <td data-status={o.status}>{o.status}</td>
          <td>{when(o.created_at)}</td>
        </tr>
      ))}
    />
  )
}
