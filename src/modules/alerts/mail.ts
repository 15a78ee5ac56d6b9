import { defineMailTemplate, escapeHtml, mailFrame } from '../mail/index.js'

/** A plain alert: a subject and a few lines (the same words go to the Slack-style webhook). */
export type OwnerNoteMail = { subject: string; lines: string[] }

export const OWNER_NOTE_TEMPLATE = defineMailTemplate<OwnerNoteMail>('owner-alert', (d) => ({
  subject: d.subject,
  text: d.lines.join('\n'),
  html: mailFrame(d.lines.map((l) => `<p>${escapeHtml(l)}</p>`).join('')),
}))

export type DigestMail = { day: string; counts: { kind: string; n: number }[]; consoleUrl: string }

const LABELS: Record<string, string> = {
  sale: 'new sales',
  subscription: 'new subscriptions',
  cancellation: 'cancellations',
  payment_failed: 'failed payments',
  dispute: 'disputes',
  refund_failed: 'refunds that failed',
  event_failed: 'webhook events that gave up',
  bad_signatures: 'bursts of bad webhook signatures',
  endpoint_disabled: 'outbound webhook endpoints disabled',
}

export const DIGEST_TEMPLATE = defineMailTemplate<DigestMail>('owner-digest', (d) => {
  const lines =
    d.counts.length === 0 ? ['Nothing to report.'] : d.counts.map((c) => `${c.n} ${LABELS[c.kind] ?? c.kind}`)
  return {
    subject: `Daily digest for ${d.day}`,
    text: `${lines.join('\n')}\n\nThe console: ${d.consoleUrl}`,
    html: mailFrame(
      `<ul>${lines.map((l) => `<li>${escapeHtml(l)}</li>`).join('')}</ul><p><a href="${escapeHtml(d.consoleUrl)}">Open the console</a></p>`,
    ),
  }
})
