import { defineMailTemplate, escapeHtml, mailFrame } from '../mail/index.js'

export type EndpointDisabledMail = { url: string; endpointId: string; failures: number; lastError: string }

/** The owner's alert (`endpoint_disabled`) when an endpoint is switched off after deliveries kept failing. */
export const ENDPOINT_DISABLED_TEMPLATE = defineMailTemplate<EndpointDisabledMail>(
  'webhook-endpoint-disabled',
  (d) => ({
    subject: `Webhook endpoint disabled: ${d.url}`,
    text: [
      `${d.failures} deliveries in a row to ${d.url} failed (last: ${d.lastError}), so Tollgate stopped sending to it.`,
      '',
      `Fix the receiver, then: npx tollgate webhooks enable ${d.endpointId}`,
      `and resend what it missed: npx tollgate webhooks deliveries --endpoint ${d.endpointId}, then redeliver.`,
    ].join('\n'),
    html: mailFrame(
      `<p>${d.failures} deliveries in a row to <code>${escapeHtml(d.url)}</code> failed (last: ${escapeHtml(d.lastError)}), so Tollgate stopped sending to it.</p><p>Fix the receiver, then run <code>npx tollgate webhooks enable ${escapeHtml(d.endpointId)}</code> and redeliver what it missed.</p>`,
    ),
  }),
)
