/** The receipt page of one subscription invoice, linking to Stripe's hosted page and PDF. */
import { formatMoney } from '../../lib/money.js'
import { type ReceiptFact, type ReceiptLink, ReceiptSheet } from '../../web/receipt.js'
import { invoiceStatusWords } from './status-words.js'
import type { InvoiceRow } from './table.js'

const day = (iso: string | null): string => (iso ? iso.slice(0, 10) : '—')

const REASONS: Record<string, string> = {
  subscription_create: 'First payment',
  subscription_cycle: 'Renewal',
  subscription_update: 'Plan change',
}

/** Stripe's documents of an invoice: the hosted page and the PDF, when Stripe gave them. */
export function invoiceLinks(invoice: InvoiceRow): ReceiptLink[] {
  const links: ReceiptLink[] = []
  if (invoice.hosted_invoice_url) links.push({ label: 'Invoice on Stripe', href: invoice.hosted_invoice_url })
  if (invoice.invoice_pdf) links.push({ label: 'Invoice PDF', href: invoice.invoice_pdf })
  return links
}

export function InvoiceReceiptPage(props: { invoice: InvoiceRow; planName: string; email: string }) {
  const { invoice } = props
  const facts: ReceiptFact[] = [
    { term: 'Invoice', value: <code>{invoice.number ?? invoice.stripe_invoice_id}</code> },
    { term: 'Date', value: day(invoice.stripe_created) },
    { term: 'Billed to', value: props.email },
    { term: 'Plan', value: props.planName },
    { term: 'For', value: REASONS[invoice.billing_reason ?? ''] ?? 'Membership' },
  ]
  if (invoice.period_start && invoice.period_end && invoice.period_start !== invoice.period_end) {
    facts.push({ term: 'Period', value: `${day(invoice.period_start)} to ${day(invoice.period_end)}` })
  }
  facts.push(
    { term: 'Total', value: <strong>{formatMoney(invoice.total, invoice.currency)}</strong> },
    { term: 'Paid', value: formatMoney(invoice.amount_paid, invoice.currency) },
    { term: 'Status', value: <span data-invoice-status>{invoiceStatusWords(invoice.status)}</span> },
  )
  return (
    <ReceiptSheet
      kind="invoice"
      title={`Receipt for ${props.planName}`}
      facts={facts}
      links={invoiceLinks(invoice)}
    />
  )
}
