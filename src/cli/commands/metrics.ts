/**
 * `npx tollgate metrics [--from DATE] [--to DATE] [--interval day|week|month] [--json]`: the figures
 * of docs/metrics.md for a range; `npx tollgate metrics backfill [--json]` fills the subscription
 * ledger from Stripe for subscriptions it has never seen, with a progress bar on stderr.
 * @module
 */

import { parseCalendarDay } from '../../lib/clock.js'
import { formatMoney } from '../../lib/money.js'
import { buildMetricsReport, type MetricsReport, parseRange, percentText } from '../../modules/admin/index.js'
import { backfillSubscription, listStripeSubscriptions } from '../../modules/billing/index.js'
import {
  type CliIO,
  type Command,
  checkFlags,
  flagValue,
  parseCommandArgs,
  printJSON,
  UsageError,
} from '../command.js'
import { withCliDeps } from '../context.js'

export const metricsCommand: Command = {
  name: 'metrics',
  usage: 'metrics [backfill] [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--interval day|week|month] [--json]',
  summary: 'Revenue, MRR, subscribers and churn from the local ledger; backfill the ledger from Stripe',
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(
      args,
      {
        from: { type: 'string' },
        to: { type: 'string' },
        interval: { type: 'string' },
        json: { type: 'boolean' },
      },
      { min: 0, max: 1, names: ['backfill'] },
    )
    const [action] = positionals
    if (action !== undefined && action !== 'backfill') throw new UsageError(`unknown action "${action}"`)
    if (action === 'backfill') {
      if (values.from || values.to || values.interval)
        throw new UsageError('backfill takes no --from, --to or --interval')
      return backfill(io, values.json === true)
    }
    for (const [flag, value] of Object.entries({ from: values.from, to: values.to }))
      flagValue(flag, value, parseCalendarDay, 'a date (YYYY-MM-DD)')
    if (values.interval !== undefined && !['day', 'week', 'month'].includes(values.interval)) {
      throw new UsageError(`--interval: expected day, week or month, got "${values.interval}"`)
    }
    return withCliDeps(io, async ({ deps }) => {
      // The range's own rules (from before to, at most three years by day) need the store's clock.
      const query = checkFlags({ from: '--from', to: '--to', interval: '--interval' }, () =>
        parseRange({ from: values.from, to: values.to, interval: values.interval }, deps.clock.now()),
      )
      const report = await buildMetricsReport(deps.db, query)
      if (values.json) printJSON(io, toJSON(report))
      else for (const line of describe(report)) io.out(line)
      return 0
    })
  },
}

/** The JSON the issue promises: money as integer minor units per currency, rates as numbers. */
function toJSON(r: MetricsReport): Record<string, unknown> {
  return {
    from: r.from,
    to: r.to,
    interval: r.interval,
    mrr: r.mrr,
    arr: r.arr,
    active_subscribers: r.activeSubscribers,
    trialing: r.trialing,
    churn_rate: r.subscriberChurn.rate,
    revenue_churn: Object.fromEntries(Object.entries(r.revenueChurn).map(([c, v]) => [c, v.rate])),
    revenue: r.revenue,
    movements: r.movements,
    trial_conversion: r.trialConversion,
    checkout_conversion: r.checkoutConversion,
    arpu: r.arpu,
    one_time_sales: r.oneTimeSales.map((s) => ({
      product: s.productId,
      currency: s.currency,
      count: s.count,
      amount: s.amount,
    })),
    series: r.series.map((b) => ({
      start: b.start,
      end: b.end,
      mrr: b.mrr,
      movements: b.movements,
      gross: b.gross,
      refunds: b.refunds,
      active_subscribers: b.activeSubscribers,
      trialing: b.trialing,
    })),
  }
}

/** Money as the console shows it ($12.00, €10.00), one amount per currency; --json keeps minor units. */
function money(values: Record<string, number>): string {
  const entries = Object.entries(values)
  return entries.length === 0 ? '0' : entries.map(([c, v]) => formatMoney(v, c)).join(', ')
}

/** A rate as the console shows it: 33.33% (1/3). */
function rate(r: { rate: number; numerator: number; denominator: number }): string {
  return `${percentText(r.rate)} (${r.numerator}/${r.denominator})`
}

function describe(r: MetricsReport): string[] {
  return [
    `Metrics ${r.from.slice(0, 10)} to ${r.to.slice(0, 10)} (exclusive)`,
    `MRR               ${money(r.mrr)}`,
    `ARR               ${money(r.arr)}`,
    `Active subscribers ${r.activeSubscribers}, trialing ${r.trialing}`,
    `Subscriber churn  ${rate(r.subscriberChurn)}`,
    `New MRR ${money(r.movements.new)}; expansion ${money(r.movements.expansion)}; reactivation ${money(r.movements.reactivation)}; contraction ${money(r.movements.contraction)}; churned ${money(r.movements.churned)}`,
    `Revenue           gross ${money(r.revenue.gross)}; refunds ${money(r.revenue.refunds)}; net ${money(r.revenue.net)}`,
    `Trial → paid      ${rate(r.trialConversion)}`,
    `Checkout conv.    ${rate(r.checkoutConversion)}`,
    `ARPU              ${money(r.arpu)}`,
  ]
}

async function backfill(io: CliIO, json: boolean): Promise<number> {
  return withCliDeps(io, async ({ deps }) => {
    const subs = await listStripeSubscriptions(deps)
    const counts = { added: 0, present: 0, 'no-customer': 0 }
    let done = 0
    for (const sub of subs) {
      const outcome = await deps.db.transaction().execute((trx) => backfillSubscription(deps, trx, sub))
      counts[outcome] += 1
      done += 1
      if (!json) io.err(progressBar(done, subs.length))
    }
    if (json) printJSON(io, { subscriptions: subs.length, ...counts })
    else
      io.out(
        `Backfilled ${counts.added} of ${subs.length} subscriptions (${counts.present} already in the ledger, ${counts['no-customer']} without a customer email).`,
      )
    return 0
  })
}

/** `[#####.....]  5/10` — one line per step, so it reads the same on a terminal and in a log. */
export function progressBar(done: number, total: number, width = 30): string {
  const filled = total === 0 ? width : Math.round((done / total) * width)
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total}`
}
