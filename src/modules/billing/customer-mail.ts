/**
 * Queues a subscription email to the subscription's customer, in the caller's transaction. Every
 * billing email names the plan and links to the account page, so those two come from here.
 * @module
 */
import type { Executor } from '../../db/database.js'
import type { Deps } from '../../deps.js'
import { findCustomer } from '../customers/index.js'
import { enqueueMail, type MailTemplate } from '../mail/index.js'
import { planName } from './plans.js'
import type { SubscriptionRow } from './table.js'

/** The fields every subscription email carries. */
export type PlanMailBase = { planName: string; accountUrl: string }

export async function mailSubscriber<Data extends PlanMailBase>(
  deps: Deps,
  trx: Executor,
  row: SubscriptionRow,
  template: MailTemplate<Data>,
  data: Omit<Data, keyof PlanMailBase>,
): Promise<void> {
  const customer = await findCustomer(trx, row.customer_id)
  if (!customer) return
  const full = {
    ...data,
    planName: planName(deps.catalog, row),
    accountUrl: `${deps.config.publicUrl}/account`,
  } as Data
  await enqueueMail(trx, { to: customer.email, template, data: full }, deps)
}
