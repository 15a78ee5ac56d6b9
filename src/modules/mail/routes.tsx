import { Hono } from 'hono'
import type { AppEnv } from '../../http/env.js'
import { AppError } from '../../lib/errors.js'
import { renderPage } from '../../web/layout.js'
import { type DevMail, listDevMail } from './outbox.js'

/** `GET /dev/mail`: the dev mailbox, in test mode only (404 otherwise). */
export const mailRoutes = new Hono<AppEnv>().get('/dev/mail', async (c) => {
  const deps = c.get('deps')
  if (!deps.config.testMode) throw new AppError('NOT_FOUND')
  const to = c.req.query('to') || undefined
  const mails = await listDevMail(deps.db, to)
  return renderPage(
    c,
    { title: 'Dev mailbox' },
    <section>
      <h1>Dev mailbox</h1>
      <p class="muted">
        Every email Tollgate queued, newest first. Nothing leaves this machine in test mode.
      </p>
      {mails.length === 0 ? <p>No mail yet.</p> : mails.map((m) => <MailCard mail={m} />)}
    </section>,
  )
})

function MailCard({ mail }: { mail: DevMail }) {
  return (
    <article class="card mail" data-mail-id={mail.id} style="margin-bottom:16px">
      <h2>{mail.subject}</h2>
      <p class="muted small">
        To <strong>{mail.to}</strong> · <time datetime={mail.createdAt}>{readableTime(mail.createdAt)}</time>{' '}
        · {mail.template} · {mail.status}
      </p>
      <pre style="white-space:pre-wrap;overflow-wrap:anywhere">
        <Linked text={mail.text} />
      </pre>
    </article>
  )
}

const URL_PATTERN = /(https?:\/\/[^\s<>"]+)/g

/** The text body with its URLs clickable, so sign-in and library links work from the dev mailbox. */
function Linked({ text }: { text: string }) {
  return <>{text.split(URL_PATTERN).map((part, i) => (i % 2 === 1 ? <a href={part}>{part}</a> : part))}</>
}

/** `2026-12-02T08:47:18.123Z` → `2 Dec 2026, 08:47 UTC`: the mailbox is read by people. */
function readableTime(iso: string): string {
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(iso)
  if (!m) return iso
  return `${Number(m[3])} ${months[Number(m[2]) - 1]} ${m[1]}, ${m[4]}:${m[5]} UTC`
}
