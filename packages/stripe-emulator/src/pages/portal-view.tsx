/**
 * The hosted Billing Portal's markup: plain forms (no JavaScript), each POSTing `action` plus its
 * fields to the session's URL, under a "Test mode — local Stripe emulator" banner.
 * @module
 */
import type Stripe from 'stripe'
import { formatMoney, intervalLabel } from './layout.js'

export type PortalSub = {
  sub: Stripe.Subscription
  productName: string
  switchTo: Array<{ price: Stripe.Price; label: string }>
}

export type PortalView = {
  session: Stripe.BillingPortal.Session
  config: Stripe.BillingPortal.Configuration
  customer: Stripe.Customer
  subs: PortalSub[]
  card: Stripe.PaymentMethod | null
  invoices: Stripe.Invoice[]
  notice?: string
  error?: string
  /** The subscription whose cancellation is being confirmed (`?cancel=sub_…`), as Stripe's portal asks first. */
  confirmCancel?: string
}

const STYLE = `
*{box-sizing:border-box}body{margin:0;font:15px/1.5 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;color:#1a1f36;background:#f6f8fa}
.banner{background:#ffd966;color:#5c4400;text-align:center;padding:6px;font-size:13px;font-weight:600}
main{max-width:720px;margin:32px auto;padding:0 16px}section{background:#fff;border:1px solid #e3e8ee;border-radius:8px;padding:16px 20px;margin:16px 0}
h1{font-size:22px;margin:8px 0}h2{font-size:16px;margin:0 0 12px}.muted{color:#556070;font-size:13px}
a{color:#4f46d8}button{background:#635bff;color:#fff;border:0;border-radius:6px;padding:8px 14px;font:inherit;cursor:pointer;margin:4px 4px 4px 0}
button.secondary{background:#fff;color:#635bff;border:1px solid #635bff}.notice{background:#eef9f1;color:#1c6b3a;padding:8px 12px;border-radius:6px}
.error{background:#fdecea;color:#a41c1c;padding:8px 12px;border-radius:6px}input{font:inherit;padding:6px 8px;border:1px solid #c9d1da;border-radius:6px;margin:4px 4px 4px 0}
table{width:100%;border-collapse:collapse}td{padding:6px 0;border-bottom:1px solid #e3e8ee}td.amt{text-align:right}
`

function date(unix: number | null | undefined): string {
  return unix ? new Date(unix * 1000).toISOString().slice(0, 10) : '—'
}

function Reasons({ options }: { options: string[] }) {
  if (options.length === 0) return null
  return (
    <span>
      <select name="feedback" aria-label="Why are you canceling?">
        <option value="">Why are you canceling?</option>
        {options.map((o) => (
          <option value={o}>{o.replaceAll('_', ' ')}</option>
        ))}
      </select>
      <input name="comment" placeholder="Anything else? (optional)" />
    </span>
  )
}

function Subscription({ s, sessionId, canCancel }: { s: PortalSub; sessionId: string; canCancel: boolean }) {
  const item = s.sub.items.data[0]
  const price = item?.price
  const scheduled = s.sub.cancel_at_period_end || s.sub.cancel_at !== null
  const end = item?.current_period_end
  return (
    <section class="subscription" data-subscription={s.sub.id}>
      <h2>{s.productName}</h2>
      <p>
        {price
          ? `${formatMoney(price.unit_amount ?? 0, price.currency)}${intervalLabel(price.recurring)}`
          : ''}{' '}
        · <span class="status">{s.sub.status}</span>
      </p>
      <p class="muted">
        {scheduled
          ? `Cancels on ${date(s.sub.cancel_at ?? end)}`
          : s.sub.status === 'trialing'
            ? `Trial ends ${date(s.sub.trial_end)}`
            : `Renews on ${date(end)}`}
      </p>
      {scheduled ? (
        <form method="post" action={`/p/session/${sessionId}`}>
          <input type="hidden" name="subscription" value={s.sub.id} />
          <button name="action" value="renew">
            Renew plan
          </button>
        </form>
      ) : null}
      {!scheduled && canCancel ? (
        <p>
          <a class="cancel" href={`/p/session/${sessionId}?cancel=${s.sub.id}`}>
            Cancel plan
          </a>
        </p>
      ) : null}
      {s.switchTo.length > 0 ? (
        <form method="post" action={`/p/session/${sessionId}`}>
          <input type="hidden" name="subscription" value={s.sub.id} />
          <input type="hidden" name="action" value="switch" />
          {s.switchTo.map((o) => (
            <button class="secondary" name="price" value={o.price.id}>
              Switch to {o.label}
            </button>
          ))}
        </form>
      ) : null}
    </section>
  )
}

/** The step between "Cancel plan" and the cancellation: what ends when, the reason, and a way back. */
function ConfirmCancel({
  s,
  sessionId,
  reasons,
  immediately,
}: {
  s: PortalSub
  sessionId: string
  reasons: string[]
  immediately: boolean
}) {
  const end = s.sub.status === 'trialing' ? s.sub.trial_end : s.sub.items.data[0]?.current_period_end
  return (
    <section class="confirm-cancel" data-confirm-cancel={s.sub.id}>
      <h2>{`Cancel ${s.productName}?`}</h2>
      <p>
        {immediately
          ? 'Your plan ends now.'
          : `Your plan stays active until ${date(end)}, then it ends. You can renew it until then.`}
      </p>
      <form method="post" action={`/p/session/${sessionId}`}>
        <input type="hidden" name="subscription" value={s.sub.id} />
        <Reasons options={reasons} />
        <p>
          <button name="action" value="cancel">
            Confirm cancellation
          </button>
          <a href={`/p/session/${sessionId}`}>Keep my plan</a>
        </p>
      </form>
    </section>
  )
}

function CardSection({ view }: { view: PortalView }) {
  const card = view.card?.card
  return (
    <section class="payment-method">
      <h2>Payment method</h2>
      <p>
        {card
          ? `${card.brand} •••• ${card.last4} (expires ${card.exp_month}/${card.exp_year})`
          : 'No card on file.'}
      </p>
      <form method="post" action={`/p/session/${view.session.id}`}>
        <input type="hidden" name="action" value="card" />
        <input name="cardNumber" placeholder="1234 1234 1234 1234" autocomplete="cc-number" />
        <input name="cardExpiry" placeholder="MM / YY" size={7} />
        <input name="cardCvc" placeholder="CVC" size={4} />
        <input name="cardName" placeholder="Name on card" />
        <button>Update card</button>
      </form>
    </section>
  )
}

function Invoices({ invoices }: { invoices: Stripe.Invoice[] }) {
  return (
    <section class="invoices">
      <h2>Invoice history</h2>
      {invoices.length === 0 ? <p class="muted">No invoices yet.</p> : null}
      <table>
        {invoices.map((inv) => (
          <tr data-invoice={inv.id}>
            <td>{date(inv.created)}</td>
            <td>{inv.number ?? 'Draft'}</td>
            <td class="amt">{formatMoney(inv.total, inv.currency)}</td>
            <td class="amt">{inv.status}</td>
          </tr>
        ))}
      </table>
    </section>
  )
}

export function PortalPage({ view }: { view: PortalView }) {
  const f = view.config.features
  const reasons = f.subscription_cancel.cancellation_reason.enabled
    ? (f.subscription_cancel.cancellation_reason.options as string[])
    : []
  // A `payment_method_update` flow is a deep link to the card form and nothing else.
  const cardOnly = view.session.flow?.type === 'payment_method_update'
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width,initial-scale=1" />
        <title>Manage your subscription</title>
        <style>{STYLE}</style>
      </head>
      <body>
        <div class="banner">Test mode — local Stripe emulator</div>
        <main>
          {view.session.return_url ? (
            <a class="return" href={view.session.return_url}>
              ← Return
            </a>
          ) : null}
          <h1>{cardOnly ? 'Update your payment method' : 'Your subscription'}</h1>
          <p class="muted">{view.customer.email ?? view.customer.id}</p>
          {view.notice ? (
            <p class="notice" role="status">
              {view.notice}
            </p>
          ) : null}
          {view.error ? (
            <p class="error" role="alert">
              {view.error}
            </p>
          ) : null}
          {cardOnly ? null : view.subs.length === 0 ? (
            <section>
              <p>No active subscription.</p>
            </section>
          ) : null}
          {(cardOnly ? [] : view.subs).map((s) =>
            view.confirmCancel === s.sub.id && f.subscription_cancel.enabled ? (
              <ConfirmCancel
                s={s}
                sessionId={view.session.id}
                reasons={reasons}
                immediately={f.subscription_cancel.mode === 'immediately'}
              />
            ) : (
              <Subscription s={s} sessionId={view.session.id} canCancel={f.subscription_cancel.enabled} />
            ),
          )}
          {f.payment_method_update.enabled || cardOnly ? <CardSection view={view} /> : null}
          {f.invoice_history.enabled && !cardOnly ? <Invoices invoices={view.invoices} /> : null}
        </main>
      </body>
    </html>
  )
}

export function PortalMessage({ title, message }: { title: string; message: string }) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <title>{title}</title>
        <style>{STYLE}</style>
      </head>
      <body>
        <div class="banner">Test mode — local Stripe emulator</div>
        <main>
          <h1>{title}</h1>
          <p>{message}</p>
        </main>
      </body>
    </html>
  )
}
