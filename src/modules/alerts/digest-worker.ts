/**
 * The optional daily digest (ALERT_DIGEST=true): the first tick of each UTC day sends the owner a
 * count of yesterday's alerts by kind, switched-off kinds included. Raised once per day whatever
 * the number of workers or ticks (the alert's key is the day).
 * @module
 */
import type { Deps } from '../../deps.js'
import { alertOwner } from './alert.js'
import { DIGEST_TEMPLATE } from './mail.js'
import { countAlertsByKind } from './repo.js'

const DAY_MS = 86_400_000

/** Returns true when this call sent yesterday's digest. */
export async function sendDailyDigest(deps: Deps): Promise<boolean> {
  if (!deps.config.alerts.digest) return false
  const today = new Date(`${deps.clock.now().toISOString().slice(0, 10)}T00:00:00.000Z`)
  const yesterday = new Date(today.getTime() - DAY_MS)
  const day = yesterday.toISOString().slice(0, 10)
  const counts = (await countAlertsByKind(deps.db, yesterday.toISOString(), today.toISOString())).filter(
    (c) => c.kind !== 'digest',
  )
  return deps.db.transaction().execute((trx) =>
    alertOwner(trx, deps, {
      kind: 'digest',
      key: `digest:${day}`,
      template: DIGEST_TEMPLATE,
      data: { day, counts, consoleUrl: `${deps.config.publicUrl}/admin` },
    }),
  )
}
