/**
 * What every hosted page shares: the page frame under the "Test mode — local Stripe emulator"
 * banner, a one-message page, and money and interval formatting.
 * @module
 */
import { raw } from 'hono/html'
import type { Child } from 'hono/jsx'
import type { JSX } from 'hono/jsx/jsx-runtime'
import type Stripe from 'stripe'
import { ZERO_DECIMAL } from '../currencies.js'

/** One formatter per currency: building an Intl.NumberFormat costs far more than using one. */
const FORMATTERS = new Map<string, Intl.NumberFormat>()

function formatterFor(code: string): Intl.NumberFormat {
  let format = FORMATTERS.get(code)
  if (!format) {
    format = new Intl.NumberFormat('en-US', { style: 'currency', currency: code })
    FORMATTERS.set(code, format)
  }
  return format
}

/** Formats integer minor units for display without going through floating point. */
export function formatMoney(amount: number, currency: string): string {
  const code = currency.toUpperCase()
  const zero = ZERO_DECIMAL.has(currency.toLowerCase())
  const sign = amount < 0 ? '-' : ''
  const abs = Math.abs(amount)
  const major = zero ? String(abs) : `${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`
  const format = formatterFor(code)
  // `format` takes a decimal string exactly (Intl.NumberFormat v3), so no float rounding creeps in.
  return sign + format.format(major as unknown as number)
}

export function intervalLabel(recurring: Stripe.Price.Recurring | null): string {
  if (!recurring) return ''
  const n = recurring.interval_count
  return n === 1 ? ` / ${recurring.interval}` : ` every ${n} ${recurring.interval}s`
}

const STYLE = `
*{box-sizing:border-box}body{margin:0;font:15px/1.5 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;color:#1a1f36;background:#f6f8fa}
.banner{background:#ffd966;color:#5c4400;text-align:center;padding:6px;font-size:13px;font-weight:600}
main{max-width:920px;margin:32px auto;padding:0 16px;display:grid;grid-template-columns:1fr 1fr;gap:40px}
@media(max-width:720px){main{grid-template-columns:1fr}}
h1{font-size:20px;margin:0 0 16px}.back{color:#635bff;text-decoration:none;font-size:14px}
.summary .total{font-size:32px;font-weight:700;margin:4px 0 16px}
table{width:100%;border-collapse:collapse}td{padding:8px 0;border-bottom:1px solid #e3e8ee;vertical-align:top}td.amt{text-align:right;white-space:nowrap}
.muted{color:#697386;font-size:13px}.trial{background:#eef9f1;color:#1c6b3a;padding:8px 12px;border-radius:6px;margin:12px 0}
form{background:#fff;border:1px solid #e3e8ee;border-radius:8px;padding:24px}
label{display:block;font-size:13px;font-weight:600;margin:12px 0 4px}input{width:100%;padding:10px;border:1px solid #cfd7df;border-radius:6px;font:inherit}
input[readonly]{background:#f6f8fa}.row{display:grid;grid-template-columns:1fr 1fr;gap:12px}
button{margin-top:20px;width:100%;padding:12px;border:0;border-radius:6px;background:#635bff;color:#fff;font:600 16px system-ui,sans-serif;cursor:pointer}
.error{background:#fdecea;color:#a4151b;padding:10px 12px;border-radius:6px;margin-bottom:8px}.notice{background:#eef9f1;color:#1c6b3a;padding:10px 12px;border-radius:6px;margin-bottom:8px}
fieldset{border:0;padding:0;margin:12px 0 0;display:flex;gap:8px}fieldset label{flex:1;margin:0;font-weight:600;border:1px solid #cfd7df;border-radius:6px;padding:10px;cursor:pointer}
fieldset input{width:auto;margin-right:6px}
form:has(#methodSepa:checked) .card-fields,form:has(#methodCard:checked) .sepa-fields{display:none}
.center{max-width:480px;margin:64px auto;text-align:center;display:block}.center form{text-align:left}
`

export function Layout(props: { title: string; children?: Child }): JSX.Element {
  return (
    <>
      {raw('<!doctype html>')}
      <html lang="en">
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <title>{props.title}</title>
          <style>{raw(STYLE)}</style>
        </head>
        <body>
          <div class="banner" role="note">
            Test mode — local Stripe emulator. No real payment is made.
          </div>
          {props.children}
        </body>
      </html>
    </>
  )
}

export function MessagePage(props: {
  title: string
  message: string
  link?: { href: string; text: string } | null
}): JSX.Element {
  return (
    <Layout title={props.title}>
      <section class="center">
        <h1>{props.title}</h1>
        <p>{props.message}</p>
        {props.link ? (
          <a class="back" href={props.link.href}>
            {props.link.text}
          </a>
        ) : null}
      </section>
    </Layout>
  )
}
