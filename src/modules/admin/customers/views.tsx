import type { SubscriptionRow } from '../../billing/index.js'
import type { CustomerRow } from '../../customers/index.js'
import type { GrantRow } from '../../entitlements/index.js'
import type { MailOutboxRow } from '../../mail/index.js'
import type { OrderRow } from '../../orders/index.js'
import { inboxStatus, type StripeEventRow } from '../../webhooks/index.js'
import { OrderTable } from '../orders/views.js'
import type { AuditEntryRow } from '../table.js'
import { ActionForm, AuditTable, TableOrNone, when } from '../views.js'

export function CustomerList({ customers, query }: { customers: CustomerRow[]; query: string }) {
  return (
    <>
      <form method="get" action="/admin/customers" class="filters">
        <label>
          Email <input type="search" name="q" value={query} />
        </label>
        <button type="submit">Search</button>{' '}
        <a href={`/admin/customers.csv?${new URLSearchParams({ q: query }).toString()}`}>CSV</a>
      </form>
      <table tabindex={0}>
        <thead>
          <tr>
            <th>Email</th>
            <th>Since</th>
            <th>Stripe</th>
          </tr>
        </thead>
        <tbody>
          {customers.map((cu) => (
            <tr>
              <td>
                <a href={`/admin/customers/${cu.id}`}>{cu.email}</a>
              </td>
              <td>{when(cu.created_at)}</td>
              <td>{cu.stripe_customer_id ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  )
}

export type CustomerDetail = {
  customer: CustomerRow
  orders: OrderRow[]
  subscriptions: SubscriptionRow[]
  grants: GrantRow[]
  sessions: { id: string; created_at: string; expires_at: string; proof: string | null }[]
  mail: MailOutboxRow[]
  audit: AuditEntryRow[]
  /** The newest 50 inbox events naming the customer's Stripe customer, sessions or payments. */
  events: StripeEventRow[]
  features: string[]
}

export function CustomerPage({ detail }: { detail: CustomerDetail }) {
  const base = `/admin/customers/${detail.customer.id}`
  return (
    <>
      <p>
        Customer since {when(detail.customer.created_at)} · Stripe{' '}
        {detail.customer.stripe_customer_id ?? 'not linked'}
      </p>
      <p class="actions">
        <ActionForm action={`${base}/sign-in-link`} label="Resend access email (sign-in link)" />{' '}
        <ActionForm action={`${base}/sign-out`} label="Sign out everywhere" />
      </p>
      <h2>Orders</h2>
      <OrderTable orders={detail.orders} />
      <h2>Subscriptions</h2>
      <TableOrNone
        id="subscriptions"
        head={['Subscription', 'Plan', 'Status', 'Period']}
        rows={detail.subscriptions.map((s) => (
          <tr data-subscription={s.stripe_subscription_id}>
            <td>
              <a href={`/admin/subscriptions/${s.stripe_subscription_id}`}>{s.stripe_subscription_id}</a>
            </td>
            <td>{s.price_lookup_key ?? ''}</td>
            <td data-status={s.status}>
              {s.status}
              {s.cancel_at_period_end ? ' (cancels at period end)' : ''}
            </td>
            <td>until {when(s.current_period_end)}</td>
          </tr>
        ))}
      />
      <h2>Access</h2>
      <TableOrNone
        id="grants"
        head={['Feature', 'Why', 'From', 'Until', 'Revoked', 'Reason']}
        rows={detail.grants.map((g) => (
          <tr data-feature={g.feature}>
            <td>{g.feature}</td>
            <td>
              {g.source_type} {g.source_id}
            </td>
            <td>{when(g.starts_at)}</td>
            <td>{g.ends_at ? when(g.ends_at) : 'forever'}</td>
            <td>{when(g.revoked_at)}</td>
            <td>{g.reason ?? ''}</td>
          </tr>
        ))}
      />
      <form method="post" action={`${base}/grants`} class="filters">
        <label>
          Feature{' '}
          <select name="feature">
            {detail.features.map((f) => (
              <option value={f}>{f}</option>
            ))}
          </select>
        </label>
        <label>
          Until <input type="date" name="until" /> <span class="muted">(empty: forever)</span>
        </label>
        <label>
          Reason <input type="text" name="reason" required maxlength={500} />
        </label>
        <button type="submit" name="intent" value="grant">
          Grant
        </button>
        <button type="submit" name="intent" value="revoke">
          Revoke
        </button>
      </form>
      <h2>Sessions</h2>
      {detail.sessions.length === 0 ? (
        <p class="muted">None.</p>
      ) : (
        <ul>
          {detail.sessions.map((s) => (
            <li>
              {when(s.created_at)} ({s.proof ?? 'unknown'}), expires {when(s.expires_at)}
            </li>
          ))}
        </ul>
      )}
      <h2>Emails</h2>
      <TableOrNone
        head={['Queued', 'Subject', 'Status']}
        rows={detail.mail.map((m) => (
          <tr>
            <td>{when(m.created_at)}</td>
            <td>{m.subject}</td>
            <td>{m.status}</td>
          </tr>
        ))}
      />
      <h2>Events</h2>
      <TableOrNone
        id="events"
        head={['Event', 'Type', 'Status', 'Attempts', 'Last error']}
        rows={detail.events.map((e) => {
          const status = inboxStatus(e)
          return (
            <tr data-event={e.stripe_event_id} data-status={status}>
              <td>
                <a href={`/admin/events?${new URLSearchParams({ event: e.stripe_event_id }).toString()}`}>
                  {e.stripe_event_id}
                </a>
              </td>
              <td>{e.type}</td>
              <td>{e.handled_at ? `${status} ${when(e.handled_at)}` : status}</td>
              <td>{e.attempts}</td>
              <td>{e.last_error ?? ''}</td>
            </tr>
          )
        })}
      />
      <h2>Audit</h2>
      <AuditTable entries={detail.audit} />
    </>
  )
}
