/**
 * `npx tollgate coupons list [--json]`,
 * `coupons create (--percent P | --amount N --currency C) [--duration once|forever|repeating] [--months M]
 *   [--max-redemptions N] [--expires YYYY-MM-DD] [--code CODE] [--name NAME] [--json]`,
 * `coupons deactivate <coupon-id|promo_id> [--json]`: the console's coupon work at Stripe, with its
 * checks (both percent and amount: refused, nothing sent).
 * @module
 */

import { parseCalendarDay } from '../../lib/clock.js'
import {
  type CouponInput,
  checkCoupon,
  couponOffText,
  createCoupon,
  DURATIONS,
  deactivateCoupon,
  listCoupons,
  recordAudit,
} from '../../modules/admin/index.js'
import { type Command, checkFlags, flagValue, parseCommandArgs, printJSON, UsageError } from '../command.js'
import { withCliDeps } from '../context.js'
import { CLI_ACTOR } from './refund.js'

const positive = (text: string): number | undefined =>
  /^[1-9]\d{0,14}$/.test(text) ? Number(text) : undefined
const percent = (text: string): number | undefined =>
  /^\d{1,3}(\.\d{1,2})?$/.test(text) ? Number(text) : undefined
const duration = (text: string): (typeof DURATIONS)[number] | undefined =>
  (DURATIONS as readonly string[]).includes(text) ? (text as (typeof DURATIONS)[number]) : undefined

/** The flag of each field the coupon check may refuse. */
const COUPON_FLAGS: Record<keyof CouponInput, string> = {
  name: '--name',
  percentOff: '--percent',
  amountOff: '--amount',
  currency: '--currency',
  duration: '--duration',
  durationInMonths: '--months',
  maxRedemptions: '--max-redemptions',
  redeemBy: '--expires',
  code: '--code',
}

export const couponsCommand: Command = {
  name: 'coupons',
  usage:
    'coupons list | create (--percent P | --amount N --currency C) [--duration D] [--months M] [--max-redemptions N] [--expires DATE] [--code CODE] [--name NAME] | deactivate <id> [--json]',
  summary: 'List, create or deactivate coupons and promotion codes at Stripe',
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(
      args,
      {
        percent: { type: 'string' },
        amount: { type: 'string' },
        currency: { type: 'string' },
        duration: { type: 'string' },
        months: { type: 'string' },
        'max-redemptions': { type: 'string' },
        expires: { type: 'string' },
        code: { type: 'string' },
        name: { type: 'string' },
        json: { type: 'boolean' },
      },
      { min: 1, max: 2, names: ['<action>', '<id>'] },
    )
    const [action, id] = positionals as [string, string | undefined]
    if (!['list', 'create', 'deactivate'].includes(action)) throw new UsageError(`unknown action "${action}"`)
    if ((action === 'deactivate') !== (id !== undefined)) {
      throw new UsageError(action === 'deactivate' ? 'missing <id>' : `unexpected argument "${id}"`)
    }
    const creating = [
      'percent',
      'amount',
      'currency',
      'duration',
      'months',
      'max-redemptions',
      'expires',
      'code',
      'name',
    ]
    const given = creating.filter((f) => (values as Record<string, unknown>)[f] !== undefined)
    if (action !== 'create' && given.length > 0) throw new UsageError(`--${given[0]} is for create`)
    const input: CouponInput = {
      name: values.name,
      percentOff: flagValue('percent', values.percent, percent, 'a percent such as 20 or 12.5'),
      amountOff: flagValue('amount', values.amount, positive, 'a positive whole number of minor units'),
      currency: values.currency?.toLowerCase(),
      duration: flagValue('duration', values.duration, duration, DURATIONS.join(', ')) ?? 'once',
      durationInMonths: flagValue('months', values.months, positive, 'a positive whole number'),
      maxRedemptions: flagValue(
        'max-redemptions',
        values['max-redemptions'],
        positive,
        'a positive whole number',
      ),
      redeemBy: flagValue('expires', values.expires, parseCalendarDay, 'a date (YYYY-MM-DD)'),
      code: values.code,
    }
    return withCliDeps(io, async ({ deps }) => {
      if (action === 'list') {
        const listing = await listCoupons(deps)
        if (values.json)
          printJSON(
            io,
            listing.map(({ coupon, codes }) => ({
              ...pick(coupon),
              codes: codes.map((p) => ({ id: p.id, code: p.code, active: p.active })),
            })),
          )
        else
          for (const { coupon, codes } of listing)
            io.out(
              `${coupon.id}  ${couponOffText(coupon)}  ${coupon.duration}  redeemed ${coupon.times_redeemed}  ${codes.map((p) => p.code).join(' ')}`,
            )
        return 0
      }
      if (action === 'deactivate') {
        const { kind, before } = await deactivateCoupon(deps, id as string)
        await recordAudit(deps.db, deps.clock.now(), {
          actor: CLI_ACTOR,
          action: kind === 'coupon' ? 'coupon.delete' : 'promotion_code.deactivate',
          target: { type: kind, id: id as string },
          before,
          after: kind === 'coupon' ? { deleted: true } : { active: false },
        })
        if (values.json) printJSON(io, { id, deactivated: kind })
        else io.out(`Deactivated ${kind.replace('_', ' ')} ${id}.`)
        return 0
      }
      // The rules between flags (percent or amount, months with repeating, an expiry ahead on the
      // store's clock) are the console's, checked before anything is sent to Stripe.
      checkFlags(COUPON_FLAGS, () => checkCoupon(input, deps.clock.now()))
      const created = await createCoupon(deps, input)
      await recordAudit(deps.db, deps.clock.now(), {
        actor: CLI_ACTOR,
        action: 'coupon.create',
        target: { type: 'coupon', id: created.coupon.id },
        after: { code: created.promotionCode?.code ?? null },
      })
      if (values.json)
        printJSON(io, {
          ...pick(created.coupon),
          code: created.promotionCode
            ? { id: created.promotionCode.id, code: created.promotionCode.code }
            : null,
        })
      else
        io.out(
          `Created coupon ${created.coupon.id}${created.promotionCode ? ` with code ${created.promotionCode.code}` : ''}.`,
        )
      return 0
    })
  },
}

function pick(c: {
  id: string
  percent_off: number | null
  amount_off: number | null
  currency: string | null
  duration: string
  times_redeemed: number
  max_redemptions: number | null
}) {
  return {
    id: c.id,
    percent_off: c.percent_off,
    amount_off: c.amount_off,
    currency: c.currency,
    duration: c.duration,
    times_redeemed: c.times_redeemed,
    max_redemptions: c.max_redemptions,
  }
}
