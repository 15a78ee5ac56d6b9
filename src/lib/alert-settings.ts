/**
 * What the owner is told about, and where: the alert kinds, the `ALERT_*` variables that switch
 * them off or add a Slack-compatible webhook, the daily digest, and the bad-signature burst.
 * Parsed once with the rest of the config.
 * @module
 */
import * as z from 'zod'

export const ALERT_KINDS = [
  'sale',
  'subscription',
  'cancellation',
  'payment_failed',
  'dispute',
  'refund_failed',
  'event_failed',
  'bad_signatures',
  'endpoint_disabled',
] as const
export type AlertKind = (typeof ALERT_KINDS)[number]

export type AlertSettings = Readonly<{
  /** Slack-compatible incoming webhook (`POST {"text": …}`); undefined = email only. */
  webhookUrl?: string | undefined
  off: readonly AlertKind[]
  /** A daily summary email of yesterday's alerts. */
  digest: boolean
  /** This many rejected webhook signatures within the window raise one alert. */
  badSignatures: Readonly<{ threshold: number; windowSeconds: number }>
}>

const kinds = z
  .string()
  .optional()
  .transform((v) =>
    (v ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== ''),
  )
  .pipe(
    z.array(z.enum(ALERT_KINDS, { error: `must be a comma-separated list of ${ALERT_KINDS.join(', ')}` })),
  )

/** The `ALERT*` variables, spread into the config's schema. */
export const ALERT_ENV = {
  ALERT_WEBHOOK_URL: z
    .string()
    .trim()
    .transform((v) => (v === '' ? undefined : v))
    .optional()
    .pipe(z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional()),
  ALERTS_OFF: kinds,
  ALERT_DIGEST: z
    .enum(['true', 'false'], { error: 'must be true or false' })
    .default('false')
    .transform((v) => v === 'true'),
  ALERT_BAD_SIGNATURE_THRESHOLD: z.coerce
    .number({ error: 'must be a whole number' })
    .int()
    .min(1)
    .max(100_000)
    .default(20),
  ALERT_BAD_SIGNATURE_WINDOW_SECONDS: z.coerce
    .number({ error: 'must be a number of seconds' })
    .int()
    .min(10)
    .max(86_400)
    .default(300),
}

type AlertEnv = {
  ALERT_WEBHOOK_URL?: string | undefined
  ALERTS_OFF: AlertKind[]
  ALERT_DIGEST: boolean
  ALERT_BAD_SIGNATURE_THRESHOLD: number
  ALERT_BAD_SIGNATURE_WINDOW_SECONDS: number
}

export function alertSettingsFromEnv(e: AlertEnv): AlertSettings {
  return Object.freeze({
    webhookUrl: e.ALERT_WEBHOOK_URL,
    off: Object.freeze([...new Set(e.ALERTS_OFF)]),
    digest: e.ALERT_DIGEST,
    badSignatures: Object.freeze({
      threshold: e.ALERT_BAD_SIGNATURE_THRESHOLD,
      windowSeconds: e.ALERT_BAD_SIGNATURE_WINDOW_SECONDS,
    }),
  })
}
