/**
 * The outbox of emails: search by address or subject, filter by status, page through (and CSV of
 * the same filter), and resend one.
 * @module
 */
import { Hono } from 'hono'
import type { AppEnv } from '../../../http/env.js'
import { renderPage } from '../../../web/layout.js'
import {
  listOutboxPage,
  MAIL_STATUSES,
  type MailOutboxRow,
  type OutboxFilter,
  resendMail,
} from '../../mail/index.js'
import { adminOf } from '../access.js'
import { recordAudit } from '../audit.js'
import { toCsv } from '../csv.js'
import { ActionForm, AdminFrame, FilterSelect, PAGE_SIZE, Pager, pageOf, when } from '../views.js'

/** `?q=` and `?status=` as a filter (an unknown status is no filter, as on the other pages). */
function filterOf(q: Record<string, string>): OutboxFilter {
  const status = MAIL_STATUSES.find((s) => s === q.status)
  return { ...(q.q ? { query: q.q.slice(0, 200) } : {}), ...(status ? { status } : {}) }
}

export const emailRoutes = new Hono<AppEnv>()
  .get('/admin/emails', async (c) => {
    const q = c.req.query()
    const page = pageOf(q.page)
    const emails = await listOutboxPage(c.get('deps').db, filterOf(q), {
      limit: PAGE_SIZE,
      offset: (page - 1) * PAGE_SIZE,
    })
    const params = { q: q.q ?? '', status: q.status ?? '' }
    return renderPage(
      c,
      { title: 'Emails' },
      <AdminFrame title="Emails" notice={q.done}>
        <form method="get" action="/admin/emails" class="filters">
          <label>
            Address or subject <input type="search" name="q" value={params.q} />
          </label>
          <FilterSelect label="Status" name="status" options={MAIL_STATUSES} value={params.status} />
          <button type="submit">Search</button>{' '}
          <a href={`/admin/emails.csv?${new URLSearchParams(params).toString()}`}>CSV</a>
        </form>
        <EmailTable emails={emails} />
        <Pager path="/admin/emails" params={params} page={page} count={emails.length} />
      </AdminFrame>,
    )
  })
  .get('/admin/emails.csv', async (c) => {
    const emails = await listOutboxPage(c.get('deps').db, filterOf(c.req.query()), {
      limit: 200_000,
      offset: 0,
    })
    const csv = toCsv(
      ['id', 'created_at', 'to', 'subject', 'status', 'attempts', 'last_error'],
      emails.map((m) => [
        m.id,
        m.created_at,
        m.to_address,
        m.subject,
        m.status,
        m.attempts,
        m.last_error ?? '',
      ]),
    )
    c.header('Content-Disposition', 'attachment; filename="emails.csv"')
    return c.body(csv, 200, { 'Content-Type': 'text/csv; charset=utf-8' })
  })
  .post('/admin/emails/:id/resend', async (c) => {
    const deps = c.get('deps')
    const id = c.req.param('id')
    const actor = adminOf(c).email
    const outcome = await deps.db.transaction().execute(async (trx) => {
      const done = await resendMail(trx, id, deps.clock.now())
      await recordAudit(trx, deps.clock.now(), {
        actor,
        action: 'email.resend',
        target: { type: 'email', id },
        after: done,
      })
      return done
    })
    const notice = outcome.kind === 'retry-now' ? 'Sending again now' : `Queued again as ${outcome.id}`
    return c.redirect(`/admin/emails?done=${encodeURIComponent(notice)}`, 303)
  })

function EmailTable({ emails }: { emails: MailOutboxRow[] }) {
  return (
    <table tabindex={0} id="emails">
      <thead>
        <tr>
          <th>When</th>
          <th>To</th>
          <th>Subject</th>
          <th>Status</th>
          <th>Attempts</th>
          <th>Last error</th>
          <th />
        </tr>
      </thead>
      <tbody>
        {emails.map((m) => (
          <tr data-mail={m.id} data-status={m.status}>
            <td>{when(m.created_at, 'second')}</td>
            <td>{m.to_address}</td>
            <td>{m.subject}</td>
            <td>{m.status}</td>
            <td>{m.attempts}</td>
            <td>{m.last_error ?? ''}</td>
            <td>
              <ActionForm action={`/admin/emails/${m.id}/resend`} label="Resend" />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}
