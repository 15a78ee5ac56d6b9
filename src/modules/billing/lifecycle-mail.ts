/**
 * Mail that follows state changes of a subscription row (welcome when it first appears, canceled
 * when cancellation is first scheduled or happens), to the subscriber and, as an alert, to the
 * owner. Runs in the sync transaction, after the row was locked, so each transition is announced
 * once however many syncs see it.
 * Mail tied to one event (receipt, payment failed, trial ending) is queued by its event handler.
 * @module
 */
import type { Executor } from '../../db/database.js'
import type { Deps } from '../../deps.js'
import { alertOwner, ownerNote } from '../alerts/index.js'
import { findCustomer } from '../customers/index.js'
import { mailSubscriber } from './customer-mail.js'
import { BILLING_MAIL } from './mail.js'
import { planName } from './plans.js'
import type { SubscriptionRow } from './table.js'

const LIVE = new Set(['trialing', 'active', 'past_due'])

export async function queueLifecycleMail(
  deps: Deps,
  trx: Executor,
  change: { previous?: SubscriptionRow; current: SubscriptionRow; switchedFrom?: string },
): Promise<void> {
  const { previous, current } = change
  // A downgrade ends one subscription and starts the next: neither is news of a membership ending.
  if (current.scheduled_price_lookup_key || change.switchedFrom) return
  const mail = pickMail(previous, current)
  if (mail === 'welcome') {
    await mailSubscriber(deps, trx, current, BILLING_MAIL.welcome, { trialEnd: current.trial_end })
  } else if (mail === 'canceled') {
    await mailSubscriber(deps, trx, current, BILLING_MAIL.canceled, { accessUntil: accessUntil(current) })
  }
  if (mail) await tellOwner(deps, trx, current, mail)
}

async function tellOwner(
  deps: Deps,
  trx: Executor,
  row: SubscriptionRow,
  mail: 'welcome' | 'canceled',
): Promise<void> {
  const who = (await findCustomer(trx, row.customer_id))?.email ?? row.customer_id
  const plan = planName(deps.catalog, row)
  const trial = row.status === 'trialing' ? ' (trial)' : ''
  const until = accessUntil(row)
  const note =
    mail === 'welcome'
      ? ownerNote('subscription', {
          subject: `New subscription: ${plan}${trial}`,
          lines: [`${who} subscribed to ${plan}${trial}.`, `Subscription ${row.stripe_subscription_id}`],
        })
      : ownerNote('cancellation', {
          subject: `Cancellation: ${plan}`,
          lines: [
            `${who} canceled ${plan}${until ? `; access until ${until.slice(0, 10)}` : ''}.`,
            `Subscription ${row.stripe_subscription_id}`,
          ],
        })
  await alertOwner(trx, deps, note)
}

function pickMail(
  previous: SubscriptionRow | undefined,
  current: SubscriptionRow,
): 'welcome' | 'canceled' | undefined {
  if (!previous) {
    if (LIVE.has(current.status)) return 'welcome'
    return current.status === 'canceled' ? 'canceled' : undefined
  }
  if (!LIVE.has(previous.status) && previous.status !== 'canceled' && LIVE.has(current.status))
    return 'welcome'
  const wasEnding = isEnding(previous) || previous.status === 'canceled'
  return !wasEnding && (isEnding(current) || current.status === 'canceled') ? 'canceled' : undefined
}

export function isEnding(row: SubscriptionRow): boolean {
  return row.cancel_at_period_end === 1 || row.cancel_at !== null
}

function accessUntil(row: SubscriptionRow): string | null {
  if (row.status === 'canceled') return row.latest_invoice_status === 'paid' ? row.current_period_end : null
  return row.cancel_at ?? row.current_period_end
}
