/**
 * Mail: the outbox (an email is written in the caller's transaction, so it exists exactly when
 * the change it announces was committed), named templates, the sender worker with back-off, and
 * the dev mailbox at `/dev/mail` in test mode. The transport itself is `lib/mailer.ts`.
 * @module
 */
export {
  type DevMail,
  enqueueMail,
  listDevMail,
  type MailContext,
  type MailRequest,
  type ResendOutcome,
  resendMail,
} from './outbox.js'
export {
  countUndeliveredMail,
  listOutboxMail,
  listOutboxPage,
  MAIL_STATUSES,
  type OutboxFilter,
} from './repo.js'
export { mailRoutes } from './routes.js'
export type { MailOutboxRow } from './table.js'
export {
  defineMailTemplate,
  escapeHtml,
  type MailTemplate,
  mailFrame,
  type RenderedMail,
} from './templates.js'
export { sendDueMail } from './worker.js'
