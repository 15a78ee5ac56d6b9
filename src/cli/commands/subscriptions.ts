/**
 * `npx tollgate subscriptions list [--status S] [--json]` and
 * `subscriptions cancel|resume|change-plan <email|subscription-id> [<price-lookup-key>] [--now] [--json]`:
 * the console's subscription changes from the command line, with the same checks (a canceled
 * subscription, a plan of another family: refused, nothing sent to Stripe) and audit entries.
 * @module
 */
import { transactionRetryingDeadlocks } from '../../db/retry.js'
import type { Deps } from '../../deps.js'
import { recordAudit } from '../../modules/admin/index.js'
import {
  applySubscriptionSnapshot,
  changeSubscription,
  listSubscriptionsOfCustomer,
  listSubscriptionsPage,
  SUBSCRIPTION_STATUSES,
  type SubscriptionChange,
  type SubscriptionRow,
} from '../../modules/billing/index.js'
import { findCustomerForEmail } from '../../modules/customers/index.js'
import { type Command, parseCommandArgs, printJSON, UsageError } from '../command.js'
import { withCliDeps } from '../context.js'
import { CLI_ACTOR } from './refund.js'

const ACTIONS = ['list', 'cancel', 'resume', 'change-plan'] as const
const LIVE = new Set(['trialing', 'active', 'past_due', 'unpaid', 'paused', 'incomplete'])
/** Rows read per query while listing (every subscription is listed, a page at a time). */
const LIST_PAGE = 500

export const subscriptionsCommand: Command = {
  name: 'subscriptions',
  usage:
    'subscriptions list [--status S] | cancel|resume|change-plan <email|sub_id> [<price>] [--now] [--json]',
  summary: 'List subscriptions; cancel, resume or change the plan of one',
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(
      args,
      { status: { type: 'string' }, now: { type: 'boolean' }, json: { type: 'boolean' } },
      { min: 1, max: 3, names: ['<action>', '<email|subscription-id>', '<price-lookup-key>'] },
    )
    const [action, who, price] = positionals as [string, string | undefined, string | undefined]
    if (!(ACTIONS as readonly string[]).includes(action)) throw new UsageError(`unknown action "${action}"`)
    if (action === 'list') {
      if (who) throw new UsageError(`unexpected argument "${who}"`)
      if (values.now) throw new UsageError('--now is for cancel')
      const status = values.status
      if (status !== undefined && !SUBSCRIPTION_STATUSES.includes(status))
        throw new UsageError(`--status: expected one of ${SUBSCRIPTION_STATUSES.join(', ')}, got "${status}"`)
      return withCliDeps(io, async ({ deps }) => {
        const rows = await listAllSubscriptions(deps, status)
        if (values.json) printJSON(io, rows.map(summary))
        else if (rows.length === 0) io.out(status ? `No ${status} subscriptions.` : 'No subscriptions.')
        else
          for (const r of rows)
            io.out(
              `${r.stripe_subscription_id}  ${r.price_lookup_key ?? '?'}  ${r.status}${r.cancel_at_period_end ? ' (cancels at period end)' : ''}`,
            )
        return 0
      })
    }
    if (!who) throw new UsageError('missing <email|subscription-id>')
    if (values.status) throw new UsageError('--status is for list')
    if (values.now && action !== 'cancel') throw new UsageError('--now is for cancel')
    if (action === 'change-plan' && !price) throw new UsageError('missing <price-lookup-key>')
    if (action !== 'change-plan' && price) throw new UsageError(`unexpected argument "${price}"`)
    const change: SubscriptionChange =
      action === 'cancel'
        ? { kind: 'cancel', when: values.now ? 'now' : 'period_end' }
        : action === 'resume'
          ? { kind: 'resume' }
          : { kind: 'change-plan', lookupKey: price as string }
    return withCliDeps(io, async ({ deps }) => {
      const resolved = await resolveSubscription(deps, who)
      if ('refused' in resolved) {
        io.err(resolved.refused)
        return 1
      }
      const id = resolved.id
      const { before, snapshot } = await changeSubscription(deps, id, change)
      const current = await transactionRetryingDeadlocks(deps.db, async (trx) => {
        const { current } = await applySubscriptionSnapshot(deps, trx, snapshot)
        await recordAudit(trx, deps.clock.now(), {
          actor: CLI_ACTOR,
          action: `subscription.${action === 'cancel' && values.now ? 'cancel-now' : action}`,
          target: { type: 'subscription', id },
          customerId: before.customer_id,
          before: summary(before),
          after: summary(current),
        })
        return current
      })
      if (values.json) printJSON(io, summary(current))
      else
        io.out(
          `${id}: ${current.price_lookup_key ?? '?'} ${current.status}${current.cancel_at_period_end ? ' (cancels at period end)' : ''}`,
        )
      return 0
    })
  },
}

/** A subscription id as given, or the one live subscription of an email; else why not. */
async function resolveSubscription(deps: Deps, who: string): Promise<{ id: string } | { refused: string }> {
  if (!who.includes('@')) return { id: who }
  const customer = await findCustomerForEmail(deps.db, who)
  if (!customer) return { refused: `No customer ${who}.` }
  const live = (await listSubscriptionsOfCustomer(deps.db, customer.id)).filter((s) => LIVE.has(s.status))
  const [only] = live
  if (live.length === 1 && only) return { id: only.stripe_subscription_id }
  if (live.length === 0) return { refused: `${who} has no live subscription.` }
  const ids = live.slice(0, 5).map((s) => s.stripe_subscription_id)
  const named = live.length > ids.length ? `${ids.join(', ')}, …` : ids.join(', ')
  return { refused: `${who} has ${live.length} live subscriptions; name one by its id: ${named}.` }
}

function summary(r: SubscriptionRow): Record<string, unknown> {
  return {
    id: r.stripe_subscription_id,
    customer_id: r.customer_id,
    price: r.price_lookup_key,
    status: r.status,
    cancel_at_period_end: r.cancel_at_period_end === 1,
    current_period_end: r.current_period_end,
  }
}

/** Every subscription (with `status`, those in it), newest first, read a page at a time. */
async function listAllSubscriptions(deps: Deps, status: string | undefined): Promise<SubscriptionRow[]> {
  const rows: SubscriptionRow[] = []
  for (let offset = 0; ; offset += LIST_PAGE) {
    const page = await listSubscriptionsPage(deps.db, status ? { status } : {}, { limit: LIST_PAGE, offset })
    rows.push(...page)
    if (page.length < LIST_PAGE) return rows
  }
}
