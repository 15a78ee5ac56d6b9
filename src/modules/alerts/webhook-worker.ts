/**
 * Delivers owner alerts to ALERT_WEBHOOK_URL as Slack-compatible JSON (`{"text": "…"}`, which
 * Slack, Mattermost, Rocket.Chat and Discord's `/slack` endpoints accept). At least once, retried
 * with back-off on a non-2xx answer or a network error, given up after MAX_ATTEMPTS (the email
 * copy in the outbox is unaffected).
 * @module
 */
import type { Deps } from '../../deps.js'
import { claimWebhookAlert, listDueWebhookAlerts, updateAlert } from './repo.js'
import type { OwnerAlertRow } from './table.js'

export const MAX_ATTEMPTS = 8
const TIMEOUT_MS = 10_000
const BATCH = 20

/** 30 s, 1 min, 2 min, … capped at one hour. */
export function retryDelayMs(attempts: number): number {
  return Math.min(30_000 * 2 ** (attempts - 1), 3_600_000)
}

/** The message a chat channel shows: the shop, the subject in bold, then the lines. */
export function slackText(shop: string, row: Pick<OwnerAlertRow, 'subject' | 'text_body'>): string {
  return `*${shop}: ${row.subject}*\n${row.text_body}`.trim()
}

async function post(url: string, text: string): Promise<string | undefined> {
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text }),
      redirect: 'manual',
      signal: AbortSignal.timeout(TIMEOUT_MS),
    })
    await res.body?.cancel()
    return res.ok ? undefined : `HTTP ${res.status}`
  } catch (err) {
    return err instanceof Error ? err.message : String(err)
  }
}

/** One pass: posts every due alert; returns how many were attempted. */
export async function deliverDueAlerts(deps: Deps): Promise<number> {
  const url = deps.config.alerts.webhookUrl
  if (!url) return 0
  const due = await listDueWebhookAlerts(deps.db, deps.clock.now().toISOString(), BATCH)
  let attempted = 0
  for (const row of due) {
    const lease = new Date(deps.clock.now().getTime() + TIMEOUT_MS + 60_000).toISOString()
    if (!(await claimWebhookAlert(deps.db, row, lease))) continue
    attempted++
    const attempts = row.attempts + 1
    const error = await post(url, slackText(deps.config.brand.name, row))
    const now = deps.clock.now()
    if (error === undefined) {
      await updateAlert(deps.db, row.id, {
        webhook_status: 'sent',
        sent_at: now.toISOString(),
        last_error: null,
      })
      continue
    }
    deps.log.warn({ alertId: row.id, attempts, err: error }, 'owner alert webhook failed')
    await updateAlert(deps.db, row.id, {
      last_error: error.slice(0, 1000),
      next_attempt_at: new Date(now.getTime() + retryDelayMs(attempts)).toISOString(),
      ...(attempts >= MAX_ATTEMPTS ? { webhook_status: 'failed' as const } : {}),
    })
  }
  return attempted
}
