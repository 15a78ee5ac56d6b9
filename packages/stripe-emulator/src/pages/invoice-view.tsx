/**
 * The hosted invoice page's markup: the account and customer, number, status and due date, every
 * line and the totals, a link to the PDF, and for an open invoice a plain card form (the same
 * field names as hosted Checkout) that pays it.
 * @module
 */
import type { JSX } from 'hono/jsx/jsx-runtime'
import type Stripe from 'stripe'
import { formatMoney, Layout } from './layout.js'

const STYLE = `.invoice{max-width:640px;margin:32px auto;padding:0 16px;display:block}
.invoice header{display:flex;justify-content:space-between;align-items:baseline}
.status{display:inline-block;padding:2px 8px;border-radius:10px;background:#e3e8ee;font-size:13px;font-weight:600}
.status.paid{background:#d7f7c2;color:#05690d}.status.open{background:#cff5f6;color:#0055bc}
.amount-due{font-size:32px;font-weight:700;margin:8px 0}`

export type InvoiceView = {
  invoice: Stripe.Invoice
  error?: string | undefined
  notice?: string | undefined
}

function day(unix: number | null | undefined): string {
  return unix ? new Date(unix * 1000).toISOString().slice(0, 10) : '—'
}

function Lines(props: { invoice: Stripe.Invoice }): JSX.Element {
  const { invoice } = props
  const money = (n: number) => formatMoney(n, invoice.currency)
  const discount = (invoice.total_discount_amounts ?? []).reduce((sum, d) => sum + d.amount, 0)
  const taxes = (invoice.total_taxes ?? []).filter((t) => t.amount !== 0)
  return (
    <table>
      <tbody>
        {invoice.lines.data.map((line) => (
          <tr data-line={line.id}>
            <td>
              {line.description ?? 'Item'}
              <div class="muted">Qty {line.quantity ?? 1}</div>
            </td>
            <td class="amt">{money(line.amount)}</td>
          </tr>
        ))}
        <tr>
          <td>Subtotal</td>
          <td class="amt">{money(invoice.subtotal)}</td>
        </tr>
        {discount > 0 ? (
          <tr data-discount>
            <td>Discount</td>
            <td class="amt">−{money(discount)}</td>
          </tr>
        ) : null}
        {taxes.map((t) => (
          <tr data-tax={String(t.tax_rate_details?.tax_rate)}>
            <td>Tax{t.tax_behavior === 'inclusive' ? ' (included)' : ''}</td>
            <td class="amt">{money(t.amount)}</td>
          </tr>
        ))}
        <tr>
          <td>
            <strong>Total</strong>
          </td>
          <td class="amt">
            <strong data-total={String(invoice.total)}>{money(invoice.total)}</strong>
          </td>
        </tr>
        <tr>
          <td>Amount paid</td>
          <td class="amt">{money(invoice.amount_paid)}</td>
        </tr>
      </tbody>
    </table>
  )
}

function PayForm(props: { invoice: Stripe.Invoice }): JSX.Element {
  const { invoice } = props
  return (
    <form method="post" action={`/i/${invoice.id}`} novalidate>
      <h1>Pay with card</h1>
      <label for="cardNumber">Card number</label>
      <input id="cardNumber" name="cardNumber" inputmode="numeric" autocomplete="cc-number" required />
      <div class="row">
        <div>
          <label for="cardExpiry">Expiry (MM / YY)</label>
          <input id="cardExpiry" name="cardExpiry" autocomplete="cc-exp" placeholder="MM / YY" required />
        </div>
        <div>
          <label for="cardCvc">CVC</label>
          <input id="cardCvc" name="cardCvc" inputmode="numeric" autocomplete="cc-csc" required />
        </div>
      </div>
      <label for="cardName">Name on card</label>
      <input id="cardName" name="cardName" autocomplete="cc-name" required />
      <button type="submit">Pay {formatMoney(invoice.amount_remaining, invoice.currency)}</button>
      <p class="muted">Test cards: 4242 4242 4242 4242 succeeds; 4000 0000 0000 0002 is declined.</p>
    </form>
  )
}

export function InvoicePage(props: { view: InvoiceView }): JSX.Element {
  const { invoice, error, notice } = props.view
  const payable = invoice.status === 'open' && invoice.amount_remaining > 0
  return (
    <Layout title={`Invoice ${invoice.number ?? ''} (test mode)`}>
      <style>{STYLE}</style>
      <section class="invoice">
        <header>
          <h1>{invoice.account_name ?? 'Invoice'}</h1>
          <span class={`status ${invoice.status ?? ''}`} data-status={invoice.status ?? ''}>
            {invoice.status}
          </span>
        </header>
        {error ? (
          <p class="error" role="alert" data-error>
            {error}
          </p>
        ) : null}
        {notice ? (
          <p class="notice" role="status">
            {notice}
          </p>
        ) : null}
        <p class="muted">
          Invoice {invoice.number ?? '(draft)'} · issued{' '}
          {day(invoice.status_transitions.finalized_at ?? invoice.created)}
          {invoice.due_date ? ` · due ${day(invoice.due_date)}` : ''}
        </p>
        <p class="muted">
          Billed to {invoice.customer_name ?? ''} {invoice.customer_email ?? ''}
        </p>
        <div class="amount-due" data-amount-remaining={String(invoice.amount_remaining)}>
          {formatMoney(invoice.amount_remaining, invoice.currency)}
          <span class="muted"> {invoice.status === 'paid' ? 'paid' : 'due'}</span>
        </div>
        <Lines invoice={invoice} />
        <p>
          <a class="back" href={`/i/${invoice.id}/pdf`} data-pdf>
            Download invoice (PDF)
          </a>
        </p>
        {payable ? <PayForm invoice={invoice} /> : null}
      </section>
    </Layout>
  )
}
