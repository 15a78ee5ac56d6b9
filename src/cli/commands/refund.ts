/**
 * `npx tollgate refund <order-id> [--amount N] [--reason TEXT] [--json]`: asks Stripe to refund an
 * order, in full or `N` minor units, after the same checks as the console (nothing is sent when
 * the amount is above what remains). The order changes when Stripe's refund event arrives.
 * @module
 */
import { recordAudit } from '../../modules/admin/index.js'
import { requestRefund } from '../../modules/orders/index.js'
import { type Command, flagValue, parseCommandArgs, printJSON } from '../command.js'
import { withCliDeps } from '../context.js'

/** Who the audit log names for changes made from the command line. */
export const CLI_ACTOR = 'cli'

const wholeNumber = (text: string): number | undefined =>
  /^[1-9]\d{0,14}$/.test(text) ? Number(text) : undefined

export const refundCommand: Command = {
  name: 'refund',
  usage: 'refund <order-id> [--amount N] [--reason TEXT] [--json]',
  summary: 'Refund an order through Stripe, in full or N minor units',
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(
      args,
      { amount: { type: 'string' }, reason: { type: 'string' }, json: { type: 'boolean' } },
      { min: 1, max: 1, names: ['<order-id>'] },
    )
    const [orderId] = positionals as [string]
    const amount = flagValue('amount', values.amount, wholeNumber, 'a positive whole number of minor units')
    const reason = values.reason ?? 'refunded from the command line'
    return withCliDeps(io, async ({ deps }) => {
      const done = await requestRefund(deps, { orderId, amount, reason })
      await recordAudit(deps.db, deps.clock.now(), {
        actor: CLI_ACTOR,
        action: 'order.refund',
        target: { type: 'order', id: orderId },
        customerId: done.order.customer_id,
        before: { status: done.order.status, amount_refunded: done.order.amount_refunded },
        after: { refund: done.refundId, amount: done.amount, refund_status: done.status },
        reason,
      })
      if (values.json)
        printJSON(io, {
          order: orderId,
          refund: done.refundId,
          amount: done.amount,
          currency: done.order.currency,
          status: done.status,
        })
      else
        io.out(
          `Refund ${done.refundId} of ${done.amount} ${done.order.currency} requested for ${orderId} (${done.status}).`,
        )
      return 0
    })
  },
}
