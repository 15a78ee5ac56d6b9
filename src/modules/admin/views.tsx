/**
 * The console's frame (its own nav inside the shop's layout), paging, the re-authentication page,
 * the dashboard and the audit log. Pages work without JavaScript: links and plain forms.
 * @module
 */
import type { Child } from 'hono/jsx'
import { formatMoney } from '../../lib/money.js'
import type { MetricsReport } from './metrics.js'
import { Headline, Money, MrrChart } from './metrics-views.js'
import type { PerCurrency } from './mrr.js'
import type { AuditEntryRow } from './table.js'

const SECTIONS = [
  ['/admin', 'Dashboard'],
  ['/admin/metrics', 'Metrics'],
  ['/admin/customers', 'Customers'],
  ['/admin/orders', 'Orders'],
  ['/admin/subscriptions', 'Subscriptions'],
  ['/admin/events', 'Events'],
  ['/admin/emails', 'Emails'],
  ['/admin/catalog', 'Catalog'],
  ['/admin/coupons', 'Coupons'],
  ['/admin/api-keys', 'API keys'],
  ['/admin/webhooks', 'Webhooks'],
  ['/admin/audit', 'Audit log'],
] as const

export function AdminFrame({
  title,
  notice,
  children,
}: {
  title: string
  notice?: string | undefined
  children?: Child
}) {
  return (
    <div class="admin">
      <nav class="admin-nav" aria-label="Console">
        {SECTIONS.map(([href, label]) => (
          <a href={href}>{label}</a>
        ))}
      </nav>
      <h1>{title}</h1>
      {notice ? (
        <p class="notice" role="status">
          {notice}
        </p>
      ) : null}
      {children}
    </div>
  )
}

/** An ISO time as the console shows it, to the minute (or the second, where order matters). */
export function when(iso: string | null, to: 'minute' | 'second' = 'minute'): string {
  return iso ? iso.slice(0, to === 'minute' ? 16 : 19).replace('T', ' ') : '—'
}

export const PAGE_SIZE = 50

/** Previous/next links keeping the other query parameters. */
/** `?page=` as a positive integer (1 when missing or nonsense). */
export function pageOf(text: string | undefined): number {
  const n = Number(text ?? '1')
  return Number.isInteger(n) && n >= 1 && n <= 100_000 ? n : 1
}

export function Pager({
  path,
  params,
  page,
  count,
}: {
  path: string
  params: Record<string, string>
  page: number
  count: number
}) {
  const link = (p: number): string =>
    `${path}?${new URLSearchParams({ ...params, page: String(p) }).toString()}`
  return (
    <p class="pager">
      {page > 1 ? <a href={link(page - 1)}>← Previous</a> : null} <span>Page {page}</span>{' '}
      {count === PAGE_SIZE ? <a href={link(page + 1)}>Next →</a> : null}
    </p>
  )
}

/** A list filter's choices, "any" (an empty value) first, the current one selected. */
export function FilterSelect(props: {
  label: string
  name: string
  options: readonly string[]
  value: string
}) {
  return (
    <label>
      {props.label}{' '}
      <select name={props.name}>
        {['', ...props.options].map((option) => (
          <option value={option} selected={option === props.value}>
            {option || 'any'}
          </option>
        ))}
      </select>
    </label>
  )
}

/** A form that posts back to the console with a hidden field or two. */
export function ActionForm({
  action,
  label,
  fields = {},
  children,
}: {
  action: string
  label: string
  fields?: Record<string, string>
  children?: Child
}) {
  return (
    <form method="post" action={action} class="inline">
      {Object.entries(fields).map(([name, value]) => (
        <input type="hidden" name={name} value={value} />
      ))}
      {children}
      <button type="submit">{label}</button>
    </form>
  )
}

export function ReauthPage({ email, next }: { email: string; next: string }) {
  return (
    <section class="card">
      <h1>Sign in again</h1>
      <p>Changes in the console need a sign-in from the last 12 hours. Nothing was changed.</p>
      <form method="post" action="/signin">
        <input type="hidden" name="email" value={email} />
        <input type="hidden" name="next" value={next} />
        <label>
          Password <input type="password" name="password" autocomplete="current-password" required />
        </label>
        <button type="submit">Sign in</button>
      </form>
      <form method="post" action="/login">
        <input type="hidden" name="email" value={email} />
        <input type="hidden" name="intent" value="link" />
        <button type="submit" class="link">
          Email me a sign-in link instead
        </button>
      </form>
    </section>
  )
}

export type Health = {
  failingEvents: number
  stuckEvents: number
  undeliveredMail: number
  recoveryResumesFrom?: string | undefined
}

export type LatestSale = {
  id: string
  email: string
  productId: string
  amount: number
  currency: string
  status: string
  createdAt: string
}

export function DashboardPage(props: {
  /** Net revenue today (the month report's last day). */
  todayNet: PerCurrency
  month: MetricsReport
  health: Health
  sales: LatestSale[]
  newCustomers: number
}) {
  const { todayNet, month, health } = props
  return (
    <>
      <dl class="figures">
        <dt>Revenue today</dt>
        <dd data-metric="revenue_today">
          <Money values={todayNet} />
        </dd>
        <dt>Revenue, 30 days</dt>
        <dd data-metric="revenue_30d">
          <Money values={month.revenue.net} />
        </dd>
        <dt>New customers, 30 days</dt>
        <dd data-metric="new_customers">{props.newCustomers}</dd>
      </dl>
      <Headline report={month} />
      <MrrChart report={month} />
      <h2>Health</h2>
      <ul class="health">
        <li data-health="failing_events">
          <a href="/admin/events?status=failing">{health.failingEvents} failing webhook events</a>
        </li>
        <li data-health="stuck_events">{health.stuckEvents} events waiting over 15 minutes</li>
        <li data-health="undelivered_mail">
          <a href="/admin/emails">{health.undeliveredMail} undelivered emails</a>
        </li>
        <li data-health="recovery">
          {health.recoveryResumesFrom
            ? `Event recovery resumes from ${health.recoveryResumesFrom}`
            : 'Event recovery has not completed a run yet'}
        </li>
      </ul>
      <h2>Latest sales</h2>
      <table tabindex={0}>
        <thead>
          <tr>
            <th>When</th>
            <th>Customer</th>
            <th>Product</th>
            <th>Amount</th>
            <th>Status</th>
          </tr>
        </thead>
        <tbody>
          {props.sales.map((s) => (
            <tr>
              <td>{s.createdAt.slice(0, 16).replace('T', ' ')}</td>
              <td>{s.email}</td>
              <td>{s.productId}</td>
              <td>{formatMoney(s.amount, s.currency)}</td>
              <td>{s.status}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  )
}

/** A table with its header row, or "None." where it would have no rows (an empty table reads as broken). */
export function TableOrNone(props: { id?: string; class?: string; head: readonly string[]; rows: Child[] }) {
  if (props.rows.length === 0) return <p class="muted">None.</p>
  return (
    <table tabindex={0} id={props.id} class={props.class}>
      <thead>
        <tr>
          {props.head.map((label) => (
            <th>{label}</th>
          ))}
        </tr>
      </thead>
      <tbody>{props.rows}</tbody>
    </table>
  )
}

export function AuditTable({ entries }: { entries: AuditEntryRow[] }) {
  return (
    <TableOrNone
      class="audit"
      head={['When', 'Who', 'What', 'Target', 'Before', 'After', 'Reason']}
      rows={entries.map((e) => (
        <tr data-audit-action={e.action}>
          <td>{e.created_at.slice(0, 19).replace('T', ' ')}</td>
          <td>{e.actor_email}</td>
          <td>{e.action}</td>
          <td>
            {e.target_type} {e.target_id}
          </td>
          <td>
            <code>{e.before_json ?? ''}</code>
          </td>
          <td>
            <code>{e.after_json ?? ''}</code>
          </td>
          <td>{e.reason ?? ''}</td>
        </tr>
      ))}
    />
  )
}
