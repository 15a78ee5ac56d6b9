/**
 * Counts rejected webhook signatures in a fixed window (the shared rate-limit counters, so several
 * instances count together) and alerts the owner once when the count reaches
 * ALERT_BAD_SIGNATURE_THRESHOLD: one bad request is noise, a burst means a rotated or leaked
 * secret, or someone probing the endpoint. The alert is a tiny local write; nothing is sent here.
 * @module
 */
import type { Deps } from '../../deps.js'
import { alertOwner, ownerNote } from '../alerts/index.js'

export async function noteBadSignature(deps: Deps): Promise<void> {
  const { threshold, windowSeconds } = deps.config.alerts.badSignatures
  // Nothing is refused here: only the count in the window is read.
  const { count } = await deps.rateLimits.hit('webhook-bad-signature', { limit: threshold, windowSeconds })
  if (count !== threshold) return
  const minutes = Math.max(1, Math.round(windowSeconds / 60))
  const now = deps.clock.now()
  const window = Math.floor(now.getTime() / (windowSeconds * 1000))
  const note = {
    subject: `${threshold} webhook requests with a bad signature`,
    lines: [
      `POST /webhooks/stripe refused ${threshold} requests with a bad Stripe-Signature within ${minutes} minute(s).`,
      'If you rotated the endpoint secret at Stripe, set STRIPE_WEBHOOK_SECRET to the new one; otherwise someone may be probing the endpoint.',
    ],
  }
  await alertOwner(deps.db, deps, ownerNote('bad_signatures', note, `bad_signatures:${window}`))
}
