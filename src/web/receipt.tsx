/**
 * The sheet every receipt shares (an order's, a subscription invoice's): a title, the facts as a
 * list of terms, Stripe's own documents when there are some, and a print button. The print
 * stylesheet drops the site's header, footer and buttons, so the printout is the receipt alone.
 * @module
 */
import type { Child } from 'hono/jsx'

export type ReceiptFact = { term: string; value: Child }
export type ReceiptLink = { label: string; href: string }

export function ReceiptSheet(props: {
  title: string
  facts: ReceiptFact[]
  links: ReceiptLink[]
  note?: string
  kind: 'order' | 'invoice'
}) {
  return (
    <section class="card receipt" data-receipt={props.kind}>
      <h1>{props.title}</h1>
      <dl>
        {props.facts.map((f) => (
          <>
            <dt>{f.term}</dt>
            <dd>{f.value}</dd>
          </>
        ))}
      </dl>
      {props.note ? <p class="notice">{props.note}</p> : null}
      {props.links.length > 0 ? (
        <ul data-receipt-links>
          {props.links.map((l) => (
            <li>
              <a href={l.href}>{l.label}</a>
            </li>
          ))}
        </ul>
      ) : null}
      <p class="no-print">
        <button type="button" class="button secondary" data-print>
          Print this receipt
        </button>{' '}
        <a href="/account">Back to your account</a>
      </p>
    </section>
  )
}
